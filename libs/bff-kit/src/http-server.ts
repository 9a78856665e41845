// The public HTTP server of a BFF: keep-alive and request timeouts that suit a balancer, and a graceful shutdown
// with a deadline. On SIGTERM: readiness answers 503 at once, the listener closes (new connections are refused),
// idle keep-alive sockets close, requests in flight finish; what is still running after the grace period is cut,
// logged, and the process exits non-zero.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { z } from 'zod';
import {
  checkSettings,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_GRACE_MS,
  runtimeSettings,
  runtimeVariables,
  settingsOrThrow,
  type Env,
  type RuntimeSettings,
  type ServerTimeouts,
} from './settings.ts';
import { problemBody } from './problem.ts';

/** A structured log entry, as both BFFs write them. */
export type ServerLogEntry = { level: 'info' | 'warn' | 'error'; msg: string } & Record<string, unknown>;

export { DEFAULT_KEEP_ALIVE_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_SHUTDOWN_GRACE_MS };
export type { RuntimeSettings, ServerTimeouts };

/**
 * Reads the runtime settings (each BFF's settings schema includes the same variables); throws an Error with one line
 * per bad variable. `defaultMetricsPort` differs per BFF so both run side by side on one host.
 */
export function readRuntimeSettings(env: Env, defaultMetricsPort: number): RuntimeSettings {
  return settingsOrThrow(
    checkSettings(z.object(runtimeVariables(env, defaultMetricsPort)).transform(runtimeSettings), env),
  );
}

/** Reads HTTP_KEEP_ALIVE_TIMEOUT_MS, HTTP_HEADERS_TIMEOUT_MS and HTTP_REQUEST_TIMEOUT_MS. */
export function readServerTimeouts(env: Env = process.env): ServerTimeouts {
  return readRuntimeSettings(env, 0).serverTimeouts;
}

/** Reads SHUTDOWN_GRACE_MS (default 25 s: inside Kubernetes' default 30 s termination grace period). */
export function readShutdownGraceMs(env: Env = process.env): number {
  return readRuntimeSettings(env, 0).shutdownGraceMs;
}

export type HttpServerOptions = {
  /** The app's request listener (`app.callback()`). */
  handler: http.RequestListener;
  port: number;
  host?: string;
  timeouts?: Partial<ServerTimeouts>;
  /** How long in-flight requests may take to finish after SIGTERM (default 25 s). */
  shutdownGraceMs?: number;
  /** Answered 503 from the moment shutdown begins (default `/readyz`). */
  readinessPath?: string;
  log: (entry: ServerLogEntry) => void;
  /** Run as shutdown begins, beside the draining: stop background work and hand back what it holds. */
  stopWork?: () => Promise<void>;
  /** Run once every connection ended (or was cut): close pools and clients. */
  release?: () => Promise<void>;
  /** Listen for SIGTERM and SIGINT (default true). */
  handleSignals?: boolean;
  /** Ends the process (default `process.exit`; tests pass their own). */
  exit?: (code: number) => void;
};

/** A listening server and its shutdown. */
export type HttpServer = {
  readonly server: http.Server;
  /** The port it listens on (useful with port 0). */
  readonly port: number;
  /** True from the moment shutdown began. */
  draining(): boolean;
  /** Drains and exits: 0 when everything finished within the grace period, 1 when something had to be cut. */
  shutdown(reason: string): Promise<void>;
};

const SHUTTING_DOWN_BODY = JSON.stringify(problemBody(503, 'unavailable', 'this instance is shutting down'));

/** Sends the spans still batched when tracing is on (tracing.ts); a no-op otherwise. Bounded to 2 s. */
async function flushTraces(): Promise<void> {
  const provider = (trace.getTracerProvider() as { getDelegate?(): unknown }).getDelegate?.() as
    { forceFlush?(): Promise<void> } | undefined;
  if (typeof provider?.forceFlush !== 'function') return;
  await Promise.race([
    provider.forceFlush().catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, 2000).unref()),
  ]);
}

/** Creates the server, applies the timeouts, listens, and (by default) shuts down gracefully on SIGTERM/SIGINT. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const defaults = readServerTimeouts({});
  const timeouts = { ...defaults, ...options.timeouts };
  const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  const readinessPath = options.readinessPath ?? '/readyz';
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const { log } = options;
  let draining = false;
  // Responses being written: when draining starts, each becomes the last on its connection.
  const inFlight = new Set<http.ServerResponse>();

  const server = http.createServer(
    { headersTimeout: timeouts.headersTimeoutMs, requestTimeout: timeouts.requestTimeoutMs },
    (req, res) => {
      if (draining) {
        // Whatever arrives now is the last request on its connection.
        res.setHeader('Connection', 'close');
        const path = (req.url ?? '').split('?')[0];
        if (path === readinessPath && (req.method === 'GET' || req.method === 'HEAD')) {
          res.writeHead(503, {
            'Content-Type': 'application/problem+json',
            'Retry-After': '5',
            'Cache-Control': 'no-store',
          });
          res.end(req.method === 'HEAD' ? undefined : SHUTTING_DOWN_BODY);
          return;
        }
      }
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
      options.handler(req, res);
    },
  );
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let stopped: Promise<void> | null = null;
  async function drain(reason: string): Promise<void> {
    draining = true;
    log({ level: 'info', msg: 'shutting down', reason, graceMs });
    const work = (options.stopWork?.() ?? Promise.resolve()).catch((error: unknown) => {
      log({
        level: 'error',
        msg: 'stopping background work failed',
        error: error instanceof Error ? error.message : String(error),
      });
    });
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    for (const res of inFlight) {
      if (!res.headersSent) res.setHeader('Connection', 'close');
      else res.once('finish', () => res.socket?.end());
    }
    let timer: NodeJS.Timeout | undefined;
    const cut = new Promise<'cut'>((resolve) => {
      timer = setTimeout(() => resolve('cut'), graceMs);
    });
    const outcome = await Promise.race([Promise.all([closed, work]).then(() => 'finished' as const), cut]);
    clearTimeout(timer);
    let code = 0;
    if (outcome === 'cut') {
      const open = await new Promise<number>((resolve) => server.getConnections((_, count) => resolve(count)));
      log({
        level: 'error',
        msg: 'shutdown grace period ran out: cutting the requests still running',
        graceMs,
        openConnections: open,
      });
      server.closeAllConnections();
      code = 1;
    }
    try {
      // Bounded: a pool whose query was just cut (still stuck in the database) must not hold the exit for ever.
      await Promise.race([
        options.release?.(),
        new Promise((resolve) => setTimeout(resolve, code === 0 ? 5000 : 1000).unref()),
      ]);
    } catch (error) {
      log({
        level: 'error',
        msg: 'releasing resources failed',
        error: error instanceof Error ? error.message : String(error),
      });
      code = 1;
    }
    log({ level: code === 0 ? 'info' : 'error', msg: 'stopped', exitCode: code });
    await flushTraces();
    exit(code);
  }

  const shutdown = (reason: string) => (stopped ??= drain(reason));
  if (options.handleSignals ?? true) {
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    process.on('SIGINT', () => void shutdown('SIGINT'));
  }
  return { server, port, draining: () => draining, shutdown };
}
