// Logs: pino, one JSON shape for every BFF (level and time as text, the service, the request id and, inside a
// traced request, trace_id), with secrets and tokens redacted; pino-pretty for a developer's terminal.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import { pino, stdTimeFunctions, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { pinoHttp } from 'pino-http';
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

/** A pino logger in the shared shape. */
export function createLogger(options: LoggerOptions): Logger {
  const destination =
    options.format === 'pretty'
      ? pretty({ sync: true, colorize: false, translateTime: 'SYS:HH:MM:ss.l', destination: options.destination ?? 1 })
      : (options.destination ?? process.stdout);
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // The trace of the request being served, when OpenTelemetry tracing is on.
      mixin: () => {
        const span = trace.getActiveSpan();
        return span === undefined ? {} : { trace_id: span.spanContext().traceId };
      },
    },
    destination,
  );
}

/** A log entry of the small `log({ level, msg, ... })` style some components take (push, reports). */
export type LogEntry = { level: 'debug' | 'info' | 'warn' | 'error'; msg: string } & Record<string, unknown>;

/** Adapts a logger to the `(entry) => void` style. */
export function logEntries(logger: Logger): (entry: LogEntry) => void {
  return ({ level, msg, ...fields }) => logger[level](fields, msg);
}

const SANE_ID = /^[A-Za-z0-9._-]{1,128}$/;

function requestPath(req: IncomingMessage): string {
  // Without the query string: it may carry what must not be logged.
  return (req.url ?? '/').split('?')[0] ?? '/';
}

/**
 * Gives every request an id (the client's `X-Request-Id` when sane, else a UUID), echoes it, puts a logger bound to
 * it on `ctx.state.log`, and logs one `request` line when the answer is sent (method, path, status, ms).
 */
export function requestLogging(logger: Logger): Middleware {
  const line = (req: IncomingMessage, res: ServerResponse, value: { responseTime?: number }) => ({
    method: req.method,
    path: requestPath(req),
    status: res.statusCode,
    ms: value.responseTime,
  });
  const http = pinoHttp({
    logger,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
    },
    customSuccessObject: line,
    customErrorObject: (req, res, _error, value) => line(req, res, value),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
    customLogLevel: (_req, res) => (res.statusCode >= 500 ? 'error' : 'info'),
  });
  return async (ctx, next) => {
    http(ctx.req, ctx.res);
    const id = String(ctx.req.id);
    ctx.state.requestId = id;
    ctx.state.log = ctx.req.log;
    ctx.set('X-Request-Id', id);
    await next();
  };
}
