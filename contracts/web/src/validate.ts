// For the BFF's test suites: does a response match the contract for its operation and status?
import { formatIssues } from './format-issues.ts';
import { operations } from './operations.ts';
import type { Operation, OperationId } from './operations.ts';

/** The verdict of validateResponse. */
export type ResponseValidation = { ok: true } | { ok: false; errors: string[] };

function lookUp(operationId: string): Operation | undefined {
  return Object.hasOwn(operations, operationId) ? (operations as Record<string, Operation>)[operationId] : undefined;
}

// HTTP clients report an empty body variously: undefined, null, '' or (supertest) {}.
function isEmptyBody(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return true;
  return typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0;
}

/** Checks a response body against the schema the contract documents for that operation and status. */
export function validateResponse(operationId: OperationId, status: number, body: unknown): ResponseValidation {
  const operation = lookUp(operationId);
  if (operation === undefined) return { ok: false, errors: [`unknown operation "${operationId}"`] };
  if (!Object.hasOwn(operation.responses, status)) {
    const documented = Object.keys(operation.responses).join(', ');
    return { ok: false, errors: [`${operationId} does not document status ${status} (documented: ${documented})`] };
  }
  const schema = operation.responses[status];
  if (schema === null || schema === undefined) {
    return isEmptyBody(body) ? { ok: true } : { ok: false, errors: [`${operationId} ${status} must have no body`] };
  }
  const result = schema.safeParse(body);
  if (result.success) return { ok: true };
  return {
    ok: false,
    errors: formatIssues(result.error).map(({ field, message }) => `${field === '' ? '(body)' : field}: ${message}`),
  };
}

/** The request schemas (body, query, params, headers) of one operation, typed exactly. */
export function requestSchemas<K extends OperationId>(operationId: K): (typeof operations)[K]['request'] {
  return operations[operationId].request;
}
