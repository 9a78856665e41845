// Test helpers: run a BFF's real main.ts as a child process (as an operator would), read its JSON log lines,
// and scrape its metrics.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

/** One parsed JSON log line. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

/** A BFF running in a child process. */
export type ChildBff = {
  readonly child: ChildProcess;
  /** Every JSON line it printed so far (stdout and stderr). */
  readonly logs: LogLine[];
  /** Resolves with the first line (past or future) that matches; rejects after `timeoutMs`. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code (or the signal that ended it). */
  readonly exited: Promise<number | string>;
  /** SIGKILL if still running. */
  kill(): void;
};

/**
 * Starts `node [--import preload] <script>` in `cwd` with `env` added to the current environment and waits for the
 * line that says it listens (`msg` containing "listening"), whose `port`/`url` and `metricsPort` the caller reads.
 */
export async function spawnBff(options: {
  cwd: string;
  script: string;
  env: Record<string, string>;
  preload?: string;
}): Promise<ChildBff & { listening: LogLine }> {
  const args = [...(options.preload ? ['--import', options.preload] : []), options.script];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  const collect = (stream: NodeJS.ReadableStream) => {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          logs.push(JSON.parse(line) as LogLine);
        } catch {
          logs.push({ msg: line, level: 'raw' });
        }
        for (const wake of waiters) wake();
      }
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );

  const waitForLog = (match: (line: LogLine) => boolean, timeoutMs = 15_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = logs.find(match);
        if (found) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(
            `no matching log line within ${timeoutMs} ms; got:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`,
          ),
        );
      }, timeoutMs);
      waiters.add(check);
      void exited.then(() => setTimeout(check, 10));
      check();
    });

  const bff = { child, logs, waitForLog, exited, kill: () => void child.kill('SIGKILL') };
  try {
    const listening = await waitForLog(
      (line) => typeof line.msg === 'string' && line.msg.includes('listening'),
      30_000,
    );
    return { ...bff, listening };
  } catch (error) {
    bff.kill();
    throw error;
  }
}

/** Fetches `http://127.0.0.1:<port>/metrics` and returns its text. */
export async function scrapeMetrics(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (response.status !== 200) throw new Error(`metrics answered ${response.status}`);
  return response.text();
}

/** The samples of one metric: each with its labels and value. */
export function samples(text: string, name: string): Array<{ labels: Record<string, string>; value: number }> {
  const out: Array<{ labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1]!] = pair[2]!;
    out.push({ labels, value: Number(match[3]) });
  }
  return out;
}

/** Whether a TCP connection to the port is accepted right now. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** What an OTLP/HTTP JSON export carries (the parts the tests read). */
export type OtlpValue = { stringValue?: string; intValue?: string | number };
export type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: OtlpValue }>;
};
export type ReceivedSpan = OtlpSpan & { scope: string; service: string | undefined };

/** An OTLP/HTTP receiver for traces in JSON (what the exporter sends by default). */
export async function otlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.headers['content-type']?.startsWith('application/json')) {
        const payload = JSON.parse(body) as {
          resourceSpans: Array<{
            resource: { attributes: Array<{ key: string; value: OtlpValue }> };
            scopeSpans: Array<{ scope: { name: string }; spans: OtlpSpan[] }>;
          }>;
        };
        for (const resourceSpans of payload.resourceSpans) {
          const service = resourceSpans.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
          for (const scopeSpans of resourceSpans.scopeSpans) {
            for (const span of scopeSpans.spans) spans.push({ ...span, scope: scopeSpans.scope.name, service });
          }
        }
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One attribute of a span, as a string or a number. */
export const spanAttribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};
