// Logs: pino, one JSON shape for every BFF (level and time as text, the service, the request id and, inside a
// traced request, trace_id), with secrets and tokens redacted; pino-pretty for a developer's terminal.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import { pino, stdTimeFunctions, type DestinationStream, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat, LogLevel } from './settings.ts';

/** The logger every part of a BFF writes to. */
export type Logger = PinoLogger;

// Wherever these appear (top level or one level down: headers, bodies), the value is replaced.
const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  '"set-cookie"',
  '"Set-Cookie"',
  'password',
  'currentPassword',
  'newPassword',
  'refreshToken',
  'refresh_token',
  'accessToken',
  'access_token',
  'token',
  'idToken',
  'secret',
  'jwtSecret',
  'tokenSecret',
];
/** The paths pino redacts. */
export const REDACTED_PATHS = [
  ...SECRET_KEYS.map((key) => (key.startsWith('"') ? `[${key}]` : key)),
  ...SECRET_KEYS.map((key) => (key.startsWith('"') ? `*[${key}]` : `*.${key}`)),
  ...SECRET_KEYS.map((key) => (key.startsWith('"') ? `*.*[${key}]` : `*.*.${key}`)),
];

/** What a logger is made of. */
export type LoggerOptions = {
  /** The BFF's name, on every line as `service`. */
  service: string;
  level: LogLevel;
  format?: LogFormat;
  /** Where lines go (stdout by default; tests pass a collector). With `pretty`, the pretty lines go there. */
  destination?: DestinationStream;
};

// Each logger's sibling for the per-request line: the same shape and destination without redaction, which costs about
// a tenth of a cached request's CPU and has nothing to find in a line built from whitelisted fields.
const requestLineLoggers = new WeakMap<Logger, Logger>();

/**
 * A pino logger in the shared shape. JSON lines go to stdout through a buffer (4 KiB, flushed at least every
 * 250 ms and when the process exits), so a busy BFF makes one write per few dozen lines rather than one per line.
 */
export function createLogger(options: LoggerOptions): Logger {
  const destination =
    options.format === 'pretty'
      ? pretty({ sync: true, colorize: false, translateTime: 'SYS:HH:MM:ss.l', destination: options.destination ?? 1 })
      : (options.destination ?? bufferedStdout());
  const shape = {
    level: options.level,
    base: { service: options.service },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    // The trace of the request being served, when OpenTelemetry tracing is on.
    mixin: () => {
      const span = trace.getActiveSpan();
      return span === undefined ? {} : { trace_id: span.spanContext().traceId };
    },
  };
  const logger = pino({ ...shape, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
  requestLineLoggers.set(logger, pino(shape, destination));
  return logger;
}

let stdout: DestinationStream | null = null;

function bufferedStdout(): DestinationStream {
  if (stdout !== null) return stdout;
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  // A quiet BFF's lines still leave within 250 ms; pino flushes what is left when the process exits.
  setInterval(() => stream.flush(), 250).unref();
  stdout = stream;
  return stream;
}

/** A log entry of the small `log({ level, msg, ... })` style some components take (push, reports). */
export type LogEntry = { level: 'debug' | 'info' | 'warn' | 'error'; msg: string } & Record<string, unknown>;

/** Adapts a logger to the `(entry) => void` style. */
export function logEntries(logger: Logger): (entry: LogEntry) => void {
  return ({ level, msg, ...fields }) => logger[level](fields, msg);
}

const SANE_ID = /^[A-Za-z0-9._-]{1,128}$/;

function requestPath(url: string): string {
  // Without the query string: it may carry what must not be logged.
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

// A request's state: its id, and its logger (bound to the id) made on first use, since most requests log nothing.
class RequestState {
  requestId: string;
  readonly #logger: Logger;
  #bound: Logger | null = null;
  [key: string]: unknown;
  constructor(logger: Logger, requestId: string) {
    this.#logger = logger;
    this.requestId = requestId;
  }
  get log(): Logger {
    return (this.#bound ??= this.#logger.child({ requestId: this.requestId }));
  }
}

// What the response's close listener needs, kept on the response (one listener function per app, not per request).
type Timed = ServerResponse & { [REQUEST_LINE]?: { id: string; started: number } };
const REQUEST_LINE = Symbol('requestLine');

/**
 * Gives every request an id (the client's `X-Request-Id` when sane, else a random UUID: no dearer than a counter),
 * echoes it, gives it a `ctx.state` whose `log` is a logger bound to it (made on first use), and logs one `request`
 * line when the answer is done (method, path, status, ms; `aborted` when the client left first), at error level for
 * a 5xx.
 */
export function requestLogging(logger: Logger): Middleware {
  const lines = requestLineLoggers.get(logger) ?? logger;
  function logRequest(this: Timed): void {
    const status = this.statusCode;
    // Below the logger's level (warn, say), the line would be dropped: not made either.
    if (status < 500 && !lines.isLevelEnabled('info')) return;
    const { id, started } = this[REQUEST_LINE]!;
    const line = {
      requestId: id,
      method: this.req.method,
      path: requestPath(this.req.url ?? '/'),
      status,
      ms: Date.now() - started,
      ...(this.writableFinished ? {} : { aborted: true }),
    };
    if (status >= 500) lines.error(line, 'request');
    else lines.info(line, 'request');
  }
  return (ctx, next) => {
    const started = Date.now();
    const given = ctx.req.headers['x-request-id'];
    const id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
    // Whatever an earlier middleware put on the state stays.
    ctx.state = Object.assign(new RequestState(logger, id), ctx.state);
    ctx.res.setHeader('X-Request-Id', id);
    const res = ctx.res as Timed;
    res[REQUEST_LINE] = { id, started };
    res.on('close', logRequest);
    return next();
  };
}
