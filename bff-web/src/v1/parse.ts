// Request parsing with the contract's schemas: a bad body is 422 per field, a bad query or path is 400.
import { formatIssues } from '@microblog/web-contract';
import { HttpProblem, parseQueryOnce } from '@microblog/bff-kit';
import type { Context } from 'koa';

type ContractError = Parameters<typeof formatIssues>[0];
/** Any contract schema (zod), seen only through safeParse so bff-web does not depend on zod itself. */
type Schema<T> = {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: ContractError };
};

/** The JSON body, checked: 400 when absent or not an object, 422 with field errors when it breaks the schema. */
export function parseBody<T>(schema: Schema<T>, body: unknown): T {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpProblem(400, 'bad_request', 'the body must be a JSON object');
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new HttpProblem(422, 'validation_failed', 'some fields are not valid', {
      errors: formatIssues(result.error),
    });
  }
  return result.data;
}

// What each schema makes of no parameters at all (the common case: a first page) never changes: parsed once.
const emptyInputAnswers = new WeakMap<object, unknown>();

function isEmptyObject(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  for (const _ in input) return false;
  return true;
}

/** Query string or path parameters, checked: 400 bad_request naming each bad parameter. */
export function parseParams<T>(schema: Schema<T>, input: unknown): T {
  if (isEmptyObject(input)) {
    if (!emptyInputAnswers.has(schema)) emptyInputAnswers.set(schema, checkParams(schema, {}));
    // A copy, so a handler changing its input cannot change the next request's.
    return { ...(emptyInputAnswers.get(schema) as T & object) };
  }
  return checkParams(schema, input);
}

/** The query string, parsed by `schema` as parseParams does, once per query string (the kit's parseQueryOnce). */
export function parseQuery<T>(schema: Schema<T>, ctx: Pick<Context, 'query' | 'querystring'>): T {
  return parseQueryOnce(schema, ctx.querystring, () => parseParams(schema, ctx.query) as T & object);
}

function checkParams<T>(schema: Schema<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new HttpProblem(400, 'bad_request', 'some parameters are not valid', { errors: formatIssues(result.error) });
  }
  return result.data;
}
