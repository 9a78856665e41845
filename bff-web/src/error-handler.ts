// The one place where errors become responses: domain errors, our own problems and Koa/body-parser
// HTTP errors map to application/problem+json; anything else is a bug → a generic 500, logged.
import { DomainError, ValidationError } from '@microblog/domain';
import type { Middleware } from 'koa';
import type { Logger } from './logger.ts';
import { HttpProblem, problemBody, type FieldError } from './problem.ts';

/** Seconds a client should wait before retrying when the database is down. */
export const UNAVAILABLE_RETRY_AFTER = '5';

const DOMAIN_STATUS: Record<string, { status: number; code: string }> = {
  validation_failed: { status: 422, code: 'validation_failed' },
  not_found: { status: 404, code: 'not_found' },
  conflict: { status: 409, code: 'conflict' },
  forbidden: { status: 403, code: 'forbidden' },
  invalid_credentials: { status: 401, code: 'unauthenticated' },
  unauthenticated: { status: 401, code: 'unauthenticated' },
  invalid_grant: { status: 401, code: 'unauthenticated' },
  bad_cursor: { status: 400, code: 'bad_request' },
  idempotency_key_reused: { status: 422, code: 'validation_failed' },
  unavailable: { status: 503, code: 'unavailable' },
  identity_rejected: { status: 401, code: 'unauthenticated' },
  identity_provider_unavailable: { status: 503, code: 'unavailable' },
};

// Provider sign-in failures: the reason (in the error's message) is for logs, never for the client.
const IDENTITY_DETAILS: Record<string, string> = {
  identity_rejected: "the sign-in provider's answer was not accepted; start again",
  identity_provider_unavailable: 'the sign-in provider cannot be reached; try again later',
};

// Codes for the HTTP errors thrown by koa, co-body and the router (they carry `status` and `expose`).
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

type Mapped = { status: number; code: string; detail?: string; errors?: FieldError[]; headers: Record<string, string> };

function map(error: unknown): Mapped | null {
  if (error instanceof HttpProblem) {
    return {
      status: error.status,
      code: error.code,
      ...(error.detail === undefined ? {} : { detail: error.detail }),
      ...(error.errors === undefined ? {} : { errors: error.errors }),
      headers: error.headers,
    };
  }
  if (error instanceof DomainError) {
    const known = DOMAIN_STATUS[error.code];
    if (!known) return null;
    const headers: Record<string, string> = known.status === 503 ? { 'Retry-After': UNAVAILABLE_RETRY_AFTER } : {};
    if (error instanceof ValidationError) return { ...known, detail: 'some fields are not valid', errors: error.errors, headers };
    if (error.code === 'invalid_credentials') return { ...known, detail: 'username or password is incorrect', headers };
    const identityDetail = IDENTITY_DETAILS[error.code];
    if (identityDetail !== undefined) return { ...known, detail: identityDetail, headers };
    if (known.status === 401) return { ...known, detail: 'sign in to continue', headers };
    if (known.status === 503) return { ...known, detail: 'the service is temporarily unavailable', headers };
    return { ...known, detail: error.message, headers };
  }
  const http = error as { status?: unknown; expose?: unknown; headers?: unknown } | null;
  // co-body marks unparseable JSON with status 400 but not `expose`.
  const exposed = http !== null && (http.expose === true || error instanceof SyntaxError);
  if (http && exposed && typeof http.status === 'number' && HTTP_CODES[http.status]) {
    const headers: Record<string, string> = {};
    if (http.status === 405 && http.headers && typeof http.headers === 'object') {
      const allow = (http.headers as Record<string, unknown>).Allow ?? (http.headers as Record<string, unknown>).allow;
      if (typeof allow === 'string') headers.Allow = allow;
    }
    const detail = HTTP_DETAILS[http.status];
    return { status: http.status, code: HTTP_CODES[http.status]!, ...(detail === undefined ? {} : { detail }), headers };
  }
  return null;
}

/** Maps every error thrown below it to a problem+json response. */
export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const mapped = map(error);
      // Why a provider's answer was refused is for operators (the client only learns that it was).
      if (error instanceof DomainError && error.code.startsWith('identity_')) {
        logger.warn({ msg: 'provider sign-in refused', code: error.code, reason: error.message, requestId: ctx.state.requestId });
      }
      if (mapped === null) {
        logger.error({
          msg: 'unhandled error',
          requestId: ctx.state.requestId,
          error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
        });
      }
      const { status, code, detail, errors, headers } = mapped ?? { status: 500, code: 'internal_error', headers: {} };
      // The router throws 405 without naming what is allowed; the layers it matched know.
      const matched = (ctx as { matched?: Array<{ methods: string[] }> }).matched;
      if (status === 405 && headers.Allow === undefined && matched && matched.length > 0) {
        headers.Allow = [...new Set(matched.flatMap((layer) => layer.methods))].join(', ');
      }
      // What described the failed success response must not describe the problem (security headers and
      // a renewed session cookie stay).
      for (const name of ['Link', 'Cache-Control', 'Content-Disposition', 'Last-Modified', 'ETag', 'Content-Length']) ctx.remove(name);
      ctx.set(headers);
      ctx.status = status;
      ctx.type = 'application/problem+json';
      ctx.body = problemBody(status, code, detail ?? (status === 500 ? 'something went wrong on our side' : undefined), errors);
    }
  };
}
