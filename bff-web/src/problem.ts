// An HTTP error that bff-web raises on purpose; the error handler writes it as application/problem+json.

/** One field's failure, as in a problem's `errors`. */
export type FieldError = { field: string; message: string };

/** A problem with its status, stable code and optional detail, field errors and response headers. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    code: string,
    detail?: string,
    extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? code);
    this.name = 'HttpProblem';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.errors = extra.errors;
    this.headers = extra.headers ?? {};
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Validation failed',
  429: 'Too many requests',
  500: 'Internal server error',
  501: 'Not implemented',
  503: 'Service unavailable',
};

/** The RFC 9457 body of a problem. */
export function problemBody(status: number, code: string, detail?: string, errors?: FieldError[]) {
  return {
    type: `https://microblog.example/problems/${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...(errors === undefined ? {} : { errors }),
  };
}
