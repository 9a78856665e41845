import type * as z from 'zod';
import { operations } from './operations.ts';
import type { Operation, OperationId } from './operations.ts';
import type { FieldError } from './schemas.ts';

/** The outcome of checking a response against the contract. */
export type ValidationResult = { ok: true } | { ok: false; errors: string[] };

/** Zod issues as problem `errors`: `field` is the dotted path (each unknown key named), `message` says what is wrong. */
export function formatIssues(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...base, key].join('.'), message: 'is not a known field' }));
    }
    return [{ field: base.join('.'), message: issue.message }];
  });
}

/** The request schemas (body, query, params, headers) of an operation. */
export function requestSchemas<Id extends OperationId>(operationId: Id): (typeof operations)[Id]['request'] {
  return operations[operationId].request;
}

// A documented "no body" answer; an HTTP client may surface it as undefined, null, '' or {} (supertest).
function isEmptyBody(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return true;
  return typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0;
}

/** Checks a response (status and parsed JSON body) against the contract; for the BFF's tests. */
export function validateResponse(operationId: string, status: number, body: unknown): ValidationResult {
  const op: Operation | undefined = Object.hasOwn(operations, operationId)
    ? operations[operationId as OperationId]
    : undefined;
  if (op === undefined) return { ok: false, errors: [`unknown operation ${operationId}`] };
  const responses: Partial<Record<number, z.ZodType | null>> = op.responses;
  const schema = responses[status];
  if (schema === undefined) return { ok: false, errors: [`status ${status} is not documented for ${operationId}`] };
  if (schema === null) {
    return isEmptyBody(body) ? { ok: true } : { ok: false, errors: [`status ${status} of ${operationId} has no body`] };
  }
  const result = schema.safeParse(body);
  if (result.success) return { ok: true };
  return {
    ok: false,
    errors: formatIssues(result.error).map(({ field, message }) => `${field === '' ? '(body)' : field}: ${message}`),
  };
}
