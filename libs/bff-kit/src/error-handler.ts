// The one error mapper: domain errors (through each BFF's complete table), HttpProblems and the HTTP errors of
// Koa, koa-body and the router become application/problem+json; anything else is a bug: a logged, generic 500.
import type { DomainErrorCode } from '@microblog/domain';
import type { Context, Middleware } from 'koa';
import type { Logger } from './logger.ts';
import { HttpProblem, problemBody, type FieldError } from './problem.ts';

/** How one domain error code answers: status, the code the client sees, a fixed detail (else the error's message). */
export type DomainProblem = { status: number; code: string; detail?: string; headers?: Record<string, string> };

/** Every domain code's answer: complete, so a new DomainErrorCode fails the type-check until it is mapped. */
export type DomainProblems = Record<DomainErrorCode, DomainProblem>;

/** What the handler is given. */
export type ErrorHandlerOptions = {
  logger: Logger;
  domainProblems: DomainProblems;
  /** Sees every error before it is answered (e.g. to log a security event). */
  observe?: (error: unknown, ctx: Context) => void;
  /** Adds what a client needs on some answers (e.g. WWW-Authenticate on a 401). */
  decorate?: (ctx: Context, status: number) => void;
};

type Rendered = {
  status: number;
  code: string;
  detail?: string | undefined;
  errors?: FieldError[] | undefined;
  extra?: Record<string, unknown>;
  headers: Record<string, string>;
};

// Codes and details for the HTTP errors of koa, koa-body (co-body) and the router (they carry a `status`).
const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  501: 'not_implemented',
};
const HTTP_DETAILS: Record<number, string> = {
  400: 'the request body is not valid JSON',
  413: 'the request body is too large',
  415: 'the request body must be application/json',
};

// A domain error, recognised by its code (the kit does not load the domain, whose index pulls in the ORM).
function domainCode(error: unknown, problems: DomainProblems): DomainErrorCode | null {
  if (!(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && Object.hasOwn(problems, code) ? (code as DomainErrorCode) : null;
}

function render(error: unknown, problems: DomainProblems): Rendered | null {
  if (error instanceof HttpProblem) {
    return {
      status: error.status,
      code: error.code,
      detail: error.detail,
      errors: error.errors,
      extra: error.extra,
      headers: { ...error.headers },
    };
  }
  const code = domainCode(error, problems);
  if (code !== null) {
    const mapped = problems[code];
    const { errors, retryAfterSeconds } = error as { errors?: unknown; retryAfterSeconds?: unknown };
    // An error that knows when a retry can succeed (a used-up quota) says so; the table's headers are the default.
    const retryAfter =
      typeof retryAfterSeconds === 'number' && retryAfterSeconds > 0
        ? { 'Retry-After': String(Math.ceil(retryAfterSeconds)) }
        : {};
    return {
      status: mapped.status,
      code: mapped.code,
      detail: mapped.detail ?? (error as Error).message,
      errors: Array.isArray(errors) ? (errors as FieldError[]) : undefined,
      headers: { ...mapped.headers, ...retryAfter },
    };
  }
  const http = (error ?? {}) as { status?: unknown; headers?: unknown };
  // Only the status is used (the body is ours), so a parser's 4xx is safe to pass on even when not marked `expose`.
  if (typeof http.status === 'number' && ((http.status >= 400 && http.status < 500) || http.status === 501)) {
    const given = http.headers as Record<string, unknown> | undefined;
    const allow = given?.Allow ?? given?.allow;
    return {
      status: http.status,
      code: HTTP_CODES[http.status] ?? 'bad_request',
      detail: HTTP_DETAILS[http.status],
      headers: typeof allow === 'string' ? { Allow: allow } : {},
    };
  }
  return null;
}

/** Maps every error thrown below it, and a route nobody answered (404), to problem+json. */
export function errorHandler(options: ErrorHandlerOptions): Middleware {
  const { logger, domainProblems } = options;
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) throw new HttpProblem(404, 'not_found', 'no such resource');
    } catch (error) {
      options.observe?.(error, ctx);
      let rendered = render(error, domainProblems);
      if (rendered === null) {
        ((ctx.state.log as Logger | undefined) ?? logger).error(
          { err: error, requestId: ctx.state.requestId },
          'unhandled error',
        );
        rendered = { status: 500, code: 'internal_error', detail: 'something went wrong on our side', headers: {} };
      }
      const { status, code, detail, errors, extra, headers } = rendered;
      // The router throws 405 without naming what is allowed; the layers it matched know.
      const matched = (ctx as { matched?: Array<{ methods: string[] }> }).matched;
      if (status === 405 && headers.Allow === undefined && matched && matched.length > 0) {
        headers.Allow = [...new Set(matched.flatMap((layer) => layer.methods))].join(', ');
      }
      // What described the failed success answer must not describe the problem (security headers and a renewed
      // session cookie stay).
      for (const name of ['Link', 'Cache-Control', 'Content-Disposition', 'Last-Modified', 'ETag', 'Content-Length'])
        ctx.remove(name);
      ctx.set(headers);
      ctx.status = status;
      options.decorate?.(ctx, status);
      ctx.type = 'application/problem+json';
      ctx.body = problemBody(status, code, detail, errors, extra);
    }
  };
}
