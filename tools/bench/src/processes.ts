// The processes of a benchmark run: both BFFs launched as they run in production, the ceiling servers and the
// load generator as forked children, and a sampler of the BFFs' resident memory.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@microblog/domain/embedded-postgres';
import type { CapturePlan, CaptureSummary, CeilingOptions, CeilingPorts } from './ceilings.ts';
import { PRODUCTION_NODE_FLAGS } from '../../../scripts/lib/node-flags.ts';
import { fillCompileCache } from '../../../deploy/compile-cache.ts';
import type { LoadResult, LoadSpec } from './load.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
// The BFFs start from a filled compile cache, as in the production image (deploy/compile-cache.ts says why).
const compileCache = join(root, 'node_modules', '.cache', 'microblog-compile-cache');
let compileCacheFilled: Promise<void> | undefined;

/** A running BFF. */
export type Bff = {
  name: 'bff-web' | 'bff-mobile';
  url: string;
  pid: number;
  /** Its TOKEN_SECRET (the SQL ceiling verifies bff-mobile's cursors with it). */
  tokenSecret: string;
  /** Its JWT_SECRET (the limit server verifies bff-mobile's access tokens with it). */
  jwtSecret: string;
  /** The process's last lines of output (for a failure message). */
  output(): string;
  stop(): Promise<void>;
};

function keepTail(child: ChildProcess): () => string {
  const lines: string[] = [];
  const take = (chunk: Buffer) => {
    lines.push(
      ...chunk
        .toString()
        .split('\n')
        .filter((l) => l !== ''),
    );
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return () => lines.join('\n');
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/**
 * Starts `node bff-web/src/main.ts` or `node bff-mobile/src/main.ts` with the production heap limits and a filled
 * compile cache (NODE_COMPILE_CACHE), NODE_ENV=production, fresh secrets, TRUST_PROXY on (the load generator gives
 * each sign-in its own X-Forwarded-For address, as clients behind a proxy have), in-memory rate limits (no
 * REDIS_URL), LOG_LEVEL warn; resolves once /readyz answers 200.
 */
export async function startBff(
  name: Bff['name'],
  options: { databaseUrl: string; logLevel: string; nodeArgs?: string[] },
): Promise<Bff> {
  // A port that was free a moment ago can be taken before the BFF binds it (another process's port 0, say): try
  // another one, a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startBffOnce(name, options, await freePort());
    } catch (error) {
      if (attempt >= 3 || !(error as Error).message.includes('EADDRINUSE')) throw error;
    }
  }
}

async function startBffOnce(
  name: Bff['name'],
  options: { databaseUrl: string; logLevel: string; nodeArgs?: string[] },
  port: number,
): Promise<Bff> {
  compileCacheFilled ??= fillCompileCache(compileCache);
  await compileCacheFilled;
  const tokenSecret = randomBytes(32).toString('base64url');
  const jwtSecret = randomBytes(32).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    NODE_COMPILE_CACHE: compileCache,
    DATABASE_URL: options.databaseUrl,
    TOKEN_SECRET: tokenSecret,
    JWT_SECRET: jwtSecret,
    TRUST_PROXY: '1',
    LOG_LEVEL: options.logLevel,
    // Any free port for the metrics endpoint: several BFFs of one kind may run side by side here.
    METRICS_PORT: '0',
    ...(name === 'bff-web'
      ? { WEB_PORT: String(port) }
      : { MOBILE_PORT: String(port), PUSH_BASE_URL: 'http://127.0.0.1:9' }),
  };
  for (const unset of ['REDIS_URL', 'DATABASE_REPLICA_URLS', 'PUBLIC_ORIGIN', 'MIN_APP_VERSION']) delete env[unset];
  const child = spawn(
    process.execPath,
    [...PRODUCTION_NODE_FLAGS, ...(options.nodeArgs ?? []), `${name}/src/main.ts`],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = keepTail(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with code ${child.exitCode} before it was ready:\n${output()}`);
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 300) {
      await stopChild(child);
      throw new Error(`${name} was not ready within a minute:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { name, url, pid: child.pid ?? 0, tokenSecret, jwtSecret, output, stop: () => stopChild(child) };
}

function forkChild<T>(
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; first: T; output: () => string }> {
  // Its errors go straight to the terminal (a ceiling that fails a request says why there).
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), ['--child'], {
    cwd: root,
    execPath: process.execPath,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const output = keepTail(child);
  return new Promise((resolve, reject) => {
    child.once('message', (first: T) => resolve({ child, first, output }));
    child.once('exit', (code) => reject(new Error(`${file} exited with code ${code}:\n${output()}`)));
    child.once('error', reject);
  });
}

/** The ceiling servers (src/ceilings.ts) in a process of their own. */
export async function startCeilings(options: CeilingOptions): Promise<{
  ports: CeilingPorts;
  pid: number;
  capture(plan: CapturePlan): Promise<CaptureSummary>;
  stop(): Promise<void>;
}> {
  const { child, first } = await forkChild<{ ports: CeilingPorts }>('./ceilings.ts', {
    BENCH_CEILING_OPTIONS: JSON.stringify(options),
  });
  return {
    ports: first.ports,
    pid: child.pid ?? 0,
    capture: (plan) =>
      new Promise((resolve, reject) => {
        child.once('message', (message: { captured?: CaptureSummary; captureError?: string }) => {
          if (message.captured) resolve(message.captured);
          else reject(new Error(`recording the SQL of each endpoint failed: ${message.captureError ?? 'no answer'}`));
        });
        child.send({ capture: plan });
      }),
    stop: async () => {
      if (child.connected) child.send('stop');
      await stopChild(child, 'SIGTERM', 5000);
    },
  };
}

/** The load generator (src/load.ts) in a process of its own; `run` sends it one scenario. */
export async function startLoadGenerator(): Promise<{
  run(spec: LoadSpec): Promise<LoadResult>;
  stop(): Promise<void>;
}> {
  const child = fork(fileURLToPath(new URL('./load.ts', import.meta.url)), ['--child'], {
    cwd: root,
    execPath: process.execPath,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const waiting = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  child.on('message', (message: { id: number; result?: LoadResult; error?: string }) => {
    const entry = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.result) entry?.resolve(message.result);
    else entry?.reject(new Error(message.error ?? 'the load generator failed'));
  });
  child.on('exit', (code) => {
    for (const entry of waiting.values()) entry.reject(new Error(`the load generator exited with code ${code}`));
    waiting.clear();
  });
  return {
    run: (spec) =>
      new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        child.send({ id, spec });
      }),
    stop: async () => {
      if (child.connected) child.disconnect();
      await stopChild(child, 'SIGTERM', 5000);
    },
  };
}

/** Resident set size of a process in kB (VmRSS), or null when it is gone. */
export async function residentKb(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const match = status && /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) : null;
}

/**
 * CPU time a process has used so far, user plus system, in seconds, or null when it is gone: fields 14 and 15 of
 * /proc/<pid>/stat, in clock ticks of 1/100 s (Linux's USER_HZ on every architecture it runs this on).
 */
export async function cpuSeconds(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!stat) return null;
  // The command name (field 2) may hold spaces and parentheses: count from after its last ')'. The state (field 3)
  // is then the first, so utime (14) and stime (15) are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks / 100 : null;
}

/** Samples the resident memory of some processes every `intervalMs`; `window()` opens a span and reports its peaks. */
export function rssSampler(pids: Record<string, number>, intervalMs = 250) {
  type Span = { peaks: Record<string, number>; samples: number };
  const open = new Set<Span>();
  const overall: Span = { peaks: {}, samples: 0 };
  open.add(overall);
  const timer = setInterval(() => {
    void Promise.all(Object.entries(pids).map(async ([name, pid]) => [name, await residentKb(pid)] as const)).then(
      (values) => {
        for (const span of open) {
          span.samples++;
          for (const [name, kb] of values) if (kb !== null) span.peaks[name] = Math.max(span.peaks[name] ?? 0, kb);
        }
      },
    );
  }, intervalMs);
  return {
    /** Starts a span; its `end()` gives the peak per process in kB and the number of samples taken. */
    window() {
      const span: Span = { peaks: {}, samples: 0 };
      open.add(span);
      return {
        end(): Span {
          open.delete(span);
          return span;
        },
      };
    },
    /** Peaks since the sampler started. */
    overall: (): Span => overall,
    stop: () => clearInterval(timer),
  };
}
