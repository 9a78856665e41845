// Request parsing with the contract's schemas: a body that breaks them is 422 with per-field errors;
// a query, path parameter or header that does is 400.
import { formatIssues } from '@microblog/mobile-contract';
import type { Context } from 'koa';
import { HttpProblem, parseQueryOnce } from '@microblog/bff-kit';

/** What the BFF needs of a contract schema (zod's safeParse), without depending on zod itself. */
type Schema<T> = {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: Parameters<typeof formatIssues>[0] };
};

/** The body, parsed by `schema`; 422 validation_failed listing each field otherwise. */
export function parseBody<T>(ctx: Context, schema: Schema<T>): T {
  const result = schema.safeParse(ctx.request.body ?? {});
  if (!result.success) {
    throw new HttpProblem(422, 'validation_failed', 'some fields are invalid', { errors: formatIssues(result.error) });
  }
  return result.data;
}

function parseOr400<T>(what: string, value: unknown, schema: Schema<T>): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HttpProblem(400, 'bad_request', `invalid ${what}`, { errors: formatIssues(result.error) });
  }
  return result.data;
}

/** The query string, parsed by `schema` (once per query string: the kit's parseQueryOnce); 400 bad_request otherwise. */
export function parseQuery<T>(ctx: Context, schema: Schema<T>): T {
  const querystring = ctx.querystring;
  return parseQueryOnce(
    schema,
    querystring,
    () => parseOr400('query parameter', querystring === '' ? {} : { ...ctx.query }, schema) as T & object,
  );
}

/** The path parameters, parsed by `schema`; 400 bad_request otherwise. */
export function parseParams<T>(ctx: Context, schema: Schema<T>): T {
  return parseOr400('path parameter', { ...(ctx as { params?: Record<string, string> }).params }, schema);
}

/** The request headers, parsed by `schema`; 400 bad_request otherwise. */
export function parseHeaders<T>(ctx: Context, schema: Schema<T>): T {
  return parseOr400('header', ctx.headers, schema);
}
