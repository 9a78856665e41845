// An HTTP problem raised by the BFF itself (not the domain); the error handler renders it as problem+json.
import type { FieldError } from '@microblog/domain';

const TITLES: Record<string, string> = {
  bad_request: 'Bad request',
  unauthenticated: 'Authentication required',
  invalid_grant: 'Invalid grant',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  validation_failed: 'Validation failed',
  idempotency_key_reused: 'Idempotency key reused',
  upgrade_required: 'Upgrade required',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
  not_implemented: 'Not implemented',
  internal_error: 'Internal server error',
};

/** A problem with a status, a stable code, and optionally per-field errors, extra members and headers. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    code: string,
    detail?: string,
    more: { errors?: FieldError[]; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? code);
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.errors = more.errors;
    this.extra = more.extra ?? {};
    this.headers = more.headers ?? {};
  }
}

/** The problem+json body of a code. */
export function problemBody(
  status: number,
  code: string,
  detail?: string,
  errors?: FieldError[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: `https://microblog.example/problems/${code}`,
    title: TITLES[code] ?? 'Error',
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...(errors === undefined ? {} : { errors }),
    ...extra,
  };
}
