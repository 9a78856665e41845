// RFC 9457 problem details: the one builder of every error body both BFFs send.

/** One field's failure, as in a problem's `errors`. */
export type FieldError = { field: string; message: string };

/** An HTTP problem a BFF raises on purpose; the error handler writes it as application/problem+json. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  /** More members of the body (e.g. `minVersion` of upgrade_required). */
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    code: string,
    detail?: string,
    more: { errors?: FieldError[]; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? code);
    this.name = 'HttpProblem';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.errors = more.errors;
    this.extra = more.extra ?? {};
    this.headers = more.headers ?? {};
  }
}

// A title per code, so the same code reads the same in both BFFs; unknown codes fall back to the status.
const TITLES: Record<string, string> = {
  bad_request: 'Bad request',
  unauthenticated: 'Authentication required',
  invalid_grant: 'Invalid grant',
  csrf_failed: 'Cross-site request refused',
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
  internal_error: 'Internal server error',
  not_implemented: 'Not implemented',
  unavailable: 'Service unavailable',
};

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  422: 'Validation failed',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** The RFC 9457 body: type (from the code), title, status, code, and detail / errors / extra members when given. */
export function problemBody(
  status: number,
  code: string,
  detail?: string,
  errors?: FieldError[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: `https://microblog.example/problems/${code}`,
    title: TITLES[code] ?? STATUS_TITLES[status] ?? 'Error',
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...(errors === undefined ? {} : { errors }),
    ...extra,
  };
}

/** Seconds a client should wait before retrying when the database is down. */
export const UNAVAILABLE_RETRY_AFTER = '5';
