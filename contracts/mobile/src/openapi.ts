import * as z from 'zod';
import { createDocument } from 'zod-openapi';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import pkg from '../package.json' with { type: 'json' };
import { operations } from './operations.ts';
import type { HttpStatus, Operation } from './operations.ts';
import { HtmlPage, Problem, UpgradeRequiredProblem } from './schemas.ts';

/** The OpenAPI document as a plain JSON-ready object. */
export type OpenApiDocument = ReturnType<typeof createDocument>;

const statusText: Record<HttpStatus, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified: the `If-None-Match` ETag still matches',
  400: 'Bad Request: unparseable JSON, non-object body, bad query or path parameter, bad cursor (`bad_request`)',
  401: 'Unauthorized: no, bad, expired or revoked credentials (`unauthenticated`)',
  403: 'Forbidden: not the author (`forbidden`)',
  404: 'Not Found (`not_found`)',
  409: 'Conflict (`conflict`)',
  413: 'Payload Too Large (`payload_too_large`)',
  415: 'Unsupported Media Type: the body is not application/json (`unsupported_media_type`)',
  422: 'Unprocessable Content: `errors` lists each failed field (`validation_failed`)',
  426: 'Upgrade Required: the app is older than `minVersion` (`upgrade_required`)',
  429: 'Too Many Requests: wait `Retry-After` seconds (`rate_limited`)',
  503: 'Service Unavailable: the database is unreachable; retry after `Retry-After` seconds (`unavailable`)',
};

// Per-operation refinements of the generic status texts above.
const statusTextFor: Partial<Record<string, Partial<Record<HttpStatus, string>>>> = {
  refreshToken: { 401: 'Unauthorized: unknown, expired or already rotated refresh token (`invalid_grant`)' },
  signUp: { 409: 'Conflict: the username is taken (`conflict`)' },
  putTimelineMarker: { 409: 'Conflict: stale `version`; read the marker again (`conflict`)' },
  createPost: {
    409: 'Conflict: a request with this Idempotency-Key is still in flight (`conflict`)',
    422: 'Unprocessable Content: fields broken (`validation_failed`), or this Idempotency-Key was used for another request (`idempotency_key_reused`)',
  },
};

const requestIdHeader = z
  .string()
  .meta({ description: 'The request id (echoed when the client sent a sane one).', header: { id: 'XRequestId' } });
const etagHeader = z
  .string()
  .meta({ description: 'Send back as `If-None-Match` to get 304 while unchanged.', header: { id: 'ETag' } });
const retryAfterHeader = z
  .string()
  .meta({ description: 'Seconds to wait before retrying.', header: { id: 'RetryAfter' } });
const wwwAuthenticateHeader = z
  .string()
  .meta({ description: 'The Bearer challenge.', example: 'Bearer', header: { id: 'WWWAuthenticate' } });

function responseHeaders(op: Operation, status: HttpStatus): z.ZodObject {
  const shape: Record<string, z.ZodType> = { 'X-Request-Id': requestIdHeader };
  if (op.method === 'get' && !op.unversioned && (status === 200 || status === 304)) shape['ETag'] = etagHeader;
  if (status === 401) shape['WWW-Authenticate'] = wwwAuthenticateHeader;
  if (status === 429 || status === 503) shape['Retry-After'] = retryAfterHeader;
  return z.object(shape);
}

// Node delivers header names lower-cased; the document shows them as they are usually written.
const headerNames: Record<string, string> = {
  'x-app-version': 'X-App-Version',
  'if-none-match': 'If-None-Match',
  'idempotency-key': 'Idempotency-Key',
};

// Each request header is one reusable parameter component (XAppVersion, IfNoneMatch, IdempotencyKey);
// zod-openapi wants the very same schema instance wherever a component id recurs.
const headerParameters = new WeakMap<z.ZodType, z.ZodType>();
function headerParameter(key: string, schema: z.ZodType): z.ZodType {
  let parameter = headerParameters.get(schema);
  if (parameter === undefined) {
    const name = headerNames[key] ?? key;
    parameter = schema.meta({ param: { in: 'header', name, id: name.replaceAll('-', '') } });
    headerParameters.set(schema, parameter);
  }
  return parameter;
}

function contentType(schema: z.ZodType): string {
  if (schema === Problem || schema === UpgradeRequiredProblem) return 'application/problem+json';
  if (schema === HtmlPage) return 'text/html';
  return 'application/json';
}

function toOpenApiOperation(operationId: string, op: Operation): ZodOpenApiOperationObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [key, schema] of Object.entries(op.responses) as [string, z.ZodType | null | undefined][]) {
    const status = Number(key) as HttpStatus;
    if (schema === undefined) continue;
    responses[`${status}` as `${2 | 3 | 4 | 5}${string}`] = {
      description: statusTextFor[operationId]?.[status] ?? statusText[status],
      headers: responseHeaders(op, status),
      ...(schema === null ? {} : { content: { [contentType(schema)]: { schema } } }),
    };
  }
  const requestParams: NonNullable<ZodOpenApiOperationObject['requestParams']> = {};
  if (op.request.params) requestParams.path = op.request.params;
  if (op.request.query) requestParams.query = op.request.query;
  const parameters = Object.entries(op.request.headers?.shape ?? {}).map(([key, schema]) =>
    headerParameter(key, schema as z.ZodType),
  );
  const security =
    op.auth === 'required' ? [{ bearerAuth: [] }] : op.auth === 'optional' ? [{ bearerAuth: [] }, {}] : [];
  return {
    operationId,
    summary: op.summary,
    ...(op.description === undefined ? {} : { description: op.description }),
    tags: [op.tag],
    security,
    requestParams,
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(op.request.body === undefined
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: op.request.body } } } }),
    responses,
  };
}

/** Builds bff-mobile's OpenAPI 3.1 document from the operation table. */
export function buildOpenApiDocument(): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const [operationId, op] of Object.entries(operations) as [string, Operation][]) {
    const item = (paths[op.path] ??= {});
    item[op.method] = toOpenApiOperation(operationId, op);
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'bff-mobile API',
      version: pkg.version,
      description:
        'The API of the microblog for the smartphone app. Bearer tokens in `Authorization`; cursor pagination; ' +
        'compact payloads with each user once in `users`; errors are application/problem+json (RFC 9457). ' +
        'Every /v1 request may carry `X-App-Version` (426 below the minimum); GET answers carry an `ETag` ' +
        '(304 on `If-None-Match`); answers over 1 KiB are compressed when the client accepts it.',
    },
    tags: [
      { name: 'auth', description: 'Sign up, sign in, token refresh and device sessions' },
      { name: 'me', description: 'The signed-in user: profile, read marker, push tokens' },
      { name: 'users', description: 'Profiles, their microposts, follows' },
      { name: 'timeline', description: 'Home timeline and its delta sync' },
      { name: 'posts', description: 'Writing and searching microposts' },
      { name: 'notifications', description: 'The inbox of mentions and new followers, and its unread count' },
      { name: 'ops', description: 'Health checks and this document (not versioned)' },
    ],
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            '`Authorization: Bearer <access JWT>` (audience: bff-mobile; 15 minutes; its session is checked live). ' +
            'Tokens in the query string or body are refused. Renew with POST /v1/auth/refresh.',
        },
      },
    },
    paths,
  });
}
