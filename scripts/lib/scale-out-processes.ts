// The processes of the scale-out proof: BFF instances (child processes on fixed free ports, so a restarted
// instance comes back where the balancer expects it) and HAProxy in front of each pair, configured with the
// `global` and `defaults` sections of deploy/haproxy/haproxy.cfg verbatim, driven through its runtime API.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@microblog/domain/embedded-postgres';
import { PRODUCTION_NODE_FLAGS } from './node-flags.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const HAPROXY_CONFIG = join(root, 'deploy/haproxy/haproxy.cfg');

export type BffName = 'bff-web' | 'bff-mobile';

/** One BFF process that can be stopped, killed and started again on the same port. */
export type Instance = {
  readonly name: string;
  readonly bff: BffName;
  readonly port: number;
  readonly url: string;
  running(): boolean;
  start(): Promise<void>;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`); resolves with how it ended. */
  terminate(graceMs?: number): Promise<string>;
  /** SIGKILL at once: what a crash or an OOM kill looks like. */
  kill(): Promise<void>;
  output(): string;
};

function keepTail(child: ChildProcess, lines: string[]): void {
  const take = (chunk: Buffer) => {
    lines.push(
      ...chunk
        .toString()
        .split('\n')
        .filter((l) => l !== ''),
    );
    if (lines.length > 60) lines.splice(0, lines.length - 60);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
}

function exited(child: ChildProcess): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child.signalCode ?? `exit ${child.exitCode}`);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
}

/** A BFF instance: `node <production flags> <bff>/src/main.ts` with the given environment, on its own port. */
export async function bffInstance(name: string, bff: BffName, env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  // The BFF kit serves Prometheus metrics on METRICS_PORT: each instance on this one machine needs its own.
  const metricsPort = await freePort();
  const lines: string[] = [];
  let child: ChildProcess | null = null;
  const url = `http://127.0.0.1:${port}`;
  const instance: Instance = {
    name,
    bff,
    port,
    url,
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    async start() {
      const fullEnv: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        // npm's NODE_OPTIONS carries the "@microblog/source" condition (.npmrc): workspaces run from their sources.
        NODE_OPTIONS: process.env.NODE_OPTIONS,
        ...env,
        METRICS_PORT: String(metricsPort),
        ...(bff === 'bff-web' ? { WEB_PORT: String(port) } : { MOBILE_PORT: String(port) }),
      };
      const started = spawn(process.execPath, [...PRODUCTION_NODE_FLAGS, `${bff}/src/main.ts`], {
        cwd: root,
        env: fullEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      keepTail(started, lines);
      for (let i = 0; ; i++) {
        if (started.exitCode !== null)
          throw new Error(`${name} exited with code ${started.exitCode} before it was ready:\n${lines.join('\n')}`);
        if (
          await fetch(`${url}/readyz`).then(
            (r) => r.ok,
            () => false,
          )
        )
          return;
        if (i > 300) throw new Error(`${name} was not ready within a minute:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async terminate(graceMs = 30_000) {
      const current = child;
      if (!current || !instance.running()) return 'not running';
      const timer = setTimeout(() => current.kill('SIGKILL'), graceMs);
      current.kill('SIGTERM');
      const how = await exited(current);
      clearTimeout(timer);
      return how;
    },
    async kill() {
      const current = child;
      if (!current || !instance.running()) return;
      current.kill('SIGKILL');
      await exited(current);
    },
    output: () => lines.join('\n'),
  };
  return instance;
}

/** HAProxy's `global` and `defaults` sections as shipped (everything before the first frontend). */
export function shippedHaproxyPolicy(): string {
  const text = readFileSync(HAPROXY_CONFIG, 'utf8');
  const end = text.search(/^frontend /m);
  if (end < 0) throw new Error(`${HAPROXY_CONFIG} has no frontend section`);
  return text.slice(0, end);
}

/** The proof's HAProxy configuration: the shipped policy, then one loopback frontend and backend per BFF pair. */
export function proofHaproxyConfig(
  pairs: { backend: string; port: number; servers: { name: string; port: number }[] }[],
): string {
  const sections = pairs.map((pair) =>
    [
      `frontend ${pair.backend} from frontends`,
      `    bind 127.0.0.1:${pair.port}`,
      `    default_backend ${pair.backend}`,
      '',
      `backend ${pair.backend} from bff`,
      ...pair.servers.map((s) => `    server ${s.name} 127.0.0.1:${s.port}`),
      '',
    ].join('\n'),
  );
  return `${shippedHaproxyPolicy()}\n${sections.join('\n')}`;
}

export type Balancer = {
  urls: Record<string, string>;
  /** A runtime API command (`set server web/web-1 state drain`, `show stat`…); resolves with the answer. */
  command(line: string): Promise<string>;
  /** Waits until HAProxy's health check reports the server UP (or DOWN / MAINT / DRAIN as asked). */
  waitFor(backend: string, server: string, status: RegExp, timeoutMs?: number): Promise<void>;
  /** The backend's counters: requests retried on another attempt, and redispatched to another server. */
  backendStats(backend: string): Promise<{ retries: number; redispatches: number }>;
  output(): string;
  stop(): Promise<void>;
};

export function haproxyBinary(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

/** Starts HAProxy in the foreground (-db) with the proof's configuration in `dir`. */
export async function startBalancer(
  dir: string,
  pairs: { backend: string; servers: { name: string; port: number }[] }[],
): Promise<Balancer> {
  const binary = haproxyBinary();
  if (!binary) throw new Error('haproxy is not installed (apt-get install haproxy)');
  const withPorts = await Promise.all(pairs.map(async (pair) => ({ ...pair, port: await freePort() })));
  const configFile = join(dir, 'haproxy.cfg');
  const socket = join(dir, 'haproxy.sock');
  writeFileSync(configFile, proofHaproxyConfig(withPorts));
  const env = { PATH: process.env.PATH ?? '', HAPROXY_RUNTIME_SOCKET: socket };
  const check = spawnSync(binary, ['-c', '-f', configFile], { encoding: 'utf8', env });
  if (check.status !== 0) throw new Error(`haproxy -c rejected the configuration:\n${check.stdout}${check.stderr}`);
  const child = spawn(binary, ['-db', '-f', configFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  keepTail(child, lines);
  const command = (line: string) =>
    new Promise<string>((resolve, reject) => {
      const connection = net.connect(socket);
      let answer = '';
      connection.on('data', (chunk) => (answer += chunk.toString()));
      connection.on('end', () => resolve(answer));
      connection.on('error', reject);
      connection.end(`${line}\n`);
    });
  const serverStatus = async (backend: string, server: string): Promise<string | null> => {
    const csv = await command('show stat').catch(() => '');
    const row = csv.split('\n').find((l) => l.startsWith(`${backend},${server},`));
    // CSV column 18 (index 17) is the status: UP, DOWN, MAINT, DRAIN, "UP 1/2"…
    return row?.split(',')[17] ?? null;
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited:\n${lines.join('\n')}`);
    if ((await command('show info').catch(() => '')).includes('Name: HAProxy')) break;
    if (i > 100) throw new Error(`haproxy did not start:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const balancer: Balancer = {
    urls: Object.fromEntries(withPorts.map((p) => [p.backend, `http://127.0.0.1:${p.port}`])),
    command,
    async waitFor(backend, server, status, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = await serverStatus(backend, server);
        if (current !== null && status.test(current)) return;
        if (Date.now() > deadline)
          throw new Error(`${backend}/${server} is ${current}, not ${status}, after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async backendStats(backend) {
      const csv = await command('show stat');
      const row =
        csv
          .split('\n')
          .find((l) => l.startsWith(`${backend},BACKEND,`))
          ?.split(',') ?? [];
      // CSV columns 16 and 17 (indexes 15, 16): wretr, wredis.
      return { retries: Number(row[15] ?? 0), redispatches: Number(row[16] ?? 0) };
    },
    output: () => lines.join('\n'),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited(child);
    },
  };
  for (const pair of pairs)
    for (const server of pair.servers) await balancer.waitFor(pair.backend, server.name, /^UP$/);
  return balancer;
}
