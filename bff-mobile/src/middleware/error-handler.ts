// The one error mapper: domain errors and BFF problems become application/problem+json; anything else is a
// logged 500 with a generic body (never a stack or SQL).
import { DomainError, InvalidGrant, ValidationError } from '@microblog/domain';
import type { Context, Middleware } from 'koa';
import type { Logger } from '../logger.ts';
import { HttpProblem, problemBody } from '../problem.ts';

// Domain codes → HTTP status and the code the client sees.
const DOMAIN: Record<string, { status: number; code: string }> = {
  validation_failed: { status: 422, code: 'validation_failed' },
  not_found: { status: 404, code: 'not_found' },
  conflict: { status: 409, code: 'conflict' },
  forbidden: { status: 403, code: 'forbidden' },
  invalid_credentials: { status: 401, code: 'unauthenticated' },
  unauthenticated: { status: 401, code: 'unauthenticated' },
  invalid_grant: { status: 401, code: 'invalid_grant' },
  bad_cursor: { status: 400, code: 'bad_request' },
  idempotency_key_reused: { status: 422, code: 'idempotency_key_reused' },
  unavailable: { status: 503, code: 'unavailable' },
  identity_rejected: { status: 401, code: 'unauthenticated' },
  identity_provider_unavailable: { status: 503, code: 'unavailable' },
};

// Provider sign-in failures: the reason (in the error's message) is for logs, never for the app.
const IDENTITY_DETAILS: Record<string, string> = {
  identity_rejected: "the sign-in provider's answer was not accepted; start again",
  identity_provider_unavailable: 'the sign-in provider cannot be reached; try again later',
};

// Errors from koa, koa-body (co-body) and the router carry an HTTP status.
const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  501: 'not_implemented',
};

type Rendered = { status: number; body: Record<string, unknown>; headers: Record<string, string> };

function render(error: unknown): Rendered | null {
  if (error instanceof HttpProblem) {
    return {
      status: error.status,
      body: problemBody(error.status, error.code, error.detail, error.errors, error.extra),
      headers: error.headers,
    };
  }
  if (error instanceof DomainError) {
    const mapped = DOMAIN[error.code];
    if (!mapped) return null;
    const errors = error instanceof ValidationError ? error.errors : undefined;
    return {
      status: mapped.status,
      body: problemBody(mapped.status, mapped.code, IDENTITY_DETAILS[error.code] ?? error.message, errors),
      headers: mapped.status === 503 ? { 'Retry-After': '5' } : {},
    };
  }
  const { status, headers } = (error ?? {}) as { status?: unknown; headers?: unknown };
  // Only the status is used (the body is ours), so a 4xx from a parser is safe to pass on even if not marked `expose`.
  if (typeof status === 'number' && ((status >= 400 && status < 500) || status === 501)) {
    const code = HTTP_CODES[status] ?? (status < 500 ? 'bad_request' : 'internal_error');
    const allow = (headers as Record<string, unknown> | undefined)?.allow ?? (headers as Record<string, unknown> | undefined)?.Allow;
    return {
      status,
      body: problemBody(status, code, status === 400 ? 'the request could not be parsed' : undefined),
      headers: typeof allow === 'string' ? { Allow: allow } : {},
    };
  }
  return null;
}

function send(ctx: Context, rendered: Rendered): void {
  ctx.status = rendered.status;
  ctx.remove('ETag');
  for (const [name, value] of Object.entries(rendered.headers)) ctx.set(name, value);
  if (rendered.status === 401 && !ctx.response.get('WWW-Authenticate')) {
    // RFC 6750: say how to authenticate, and that the presented token was the problem when there was one.
    ctx.set(
      'WWW-Authenticate',
      ctx.get('authorization') ? 'Bearer realm="bff-mobile", error="invalid_token"' : 'Bearer realm="bff-mobile"',
    );
  }
  ctx.type = 'application/problem+json';
  ctx.body = rendered.body;
}

/** Maps every error below it, and unmatched routes (404), to problem+json. */
export function errorHandler(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) throw new HttpProblem(404, 'not_found', 'no such resource');
    } catch (error) {
      if (error instanceof InvalidGrant && error.reusedSessionId !== null) {
        // RFC 9700 reuse detection: a security event worth an alert, not just a 401.
        log({ level: 'warn', msg: 'refresh token reused; device session revoked', event: 'refresh_token_reuse', sessionId: error.reusedSessionId, requestId: ctx.state.requestId, ip: ctx.ip });
      }
      // Why a provider's answer was refused is for operators (the app only learns that it was).
      if (error instanceof DomainError && error.code.startsWith('identity_')) {
        log({ level: 'warn', msg: 'provider sign-in refused', code: error.code, reason: error.message, requestId: ctx.state.requestId });
      }
      const rendered = render(error);
      if (rendered) {
        send(ctx, rendered);
        return;
      }
      log({
        level: 'error',
        msg: 'unhandled error',
        requestId: ctx.state.requestId,
        error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
      });
      send(ctx, { status: 500, body: problemBody(500, 'internal_error', 'something went wrong on our side'), headers: {} });
    }
  };
}
