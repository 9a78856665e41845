// Renders the operations table as an OpenAPI 3.1 document (served at GET /openapi.json and
// committed as openapi.json).
import { createDocument } from 'zod-openapi';
import type { oas31, ZodOpenApiOperationObject, ZodOpenApiPathsObject, ZodOpenApiResponseObject } from 'zod-openapi';
import packageJson from '../package.json' with { type: 'json' };
import { operations } from './operations.ts';
import { Problem } from './schemas.ts';
import type { Operation } from './operations.ts';

const reasons: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad request (`bad_request`)',
  401: 'Not signed in (`unauthenticated`)',
  403: 'Forbidden (`forbidden` or `csrf_failed`)',
  404: 'Not found (`not_found`)',
  409: 'Conflict (`conflict`)',
  413: 'Payload too large (`payload_too_large`)',
  415: 'Unsupported media type (`unsupported_media_type`)',
  422: 'Validation failed (`validation_failed`)',
  429: 'Rate limited (`rate_limited`)',
  503: 'Unavailable (`unavailable`)',
};

const ref = (name: string): oas31.ReferenceObject => ({ $ref: `#/components/headers/${name}` });

// Operations whose success sets or clears the session cookie.
const setsCookie = new Set([
  'signUp',
  'signIn',
  'signOut',
  'startProviderSignIn',
  'finishProviderSignIn',
  'finishProviderSignUp',
  'signOutWithProvider',
]);

function responseHeaders(id: string, op: Operation, status: number): oas31.HeadersObject {
  const headers: oas31.HeadersObject = { 'X-Request-Id': ref('X-Request-Id') };
  if (status === 429 || status === 503) headers['Retry-After'] = ref('Retry-After');
  if (status < 300 && op.request.query !== undefined) headers['Link'] = ref('Link');
  if (status < 300 && setsCookie.has(id)) headers['Set-Cookie'] = ref('Set-Cookie');
  return headers;
}

function toOpenApiOperation(id: string, op: Operation): ZodOpenApiOperationObject {
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [statusText, schema] of Object.entries(op.responses)) {
    const status = Number(statusText);
    const response: ZodOpenApiResponseObject = {
      description: reasons[status] ?? String(status),
      headers: responseHeaders(id, op, status),
    };
    if (schema !== null) {
      const mediaType = status >= 400 ? 'application/problem+json' : (op.contentType ?? 'application/json');
      response.content = { [mediaType]: { schema } };
    }
    responses[statusText] = response;
  }
  const security: oas31.SecurityRequirementObject[] =
    op.auth === 'required' ? [{ sessionCookie: [] }] : op.auth === 'optional' ? [{ sessionCookie: [] }, {}] : [];
  const { body, query, params, headers } = op.request;
  const requestParams = {
    ...(params === undefined ? {} : { path: params }),
    ...(query === undefined ? {} : { query }),
    ...(headers === undefined ? {} : { header: headers }),
  };
  return {
    operationId: id,
    summary: op.summary,
    ...(op.description === undefined ? {} : { description: op.description }),
    security,
    ...(Object.keys(requestParams).length === 0 ? {} : { requestParams }),
    ...(body === undefined
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: body } } } }),
    responses,
  };
}

/** An OpenAPI document as zod-openapi types it. */
export type OpenApiDocument = ReturnType<typeof createDocument>;

/** Builds bff-web's OpenAPI 3.1 document from the operations table. */
export function buildOpenApiDocument(): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const [id, op] of Object.entries(operations) as [string, Operation][]) {
    paths[op.path] = { ...paths[op.path], [op.method]: toOpenApiOperation(id, op) };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'bff-web API',
      version: packageJson.version,
      description:
        'The microblog API for the browser frontend, served same-origin under /api/v1. ' +
        'The session lives in the HttpOnly `__Host-session` cookie; every non-GET request carries `X-CSRF: 1`. ' +
        'Errors are application/problem+json (RFC 9457).',
    },
    paths,
    components: {
      // Referenced by no operation (each status has its own variant), listed as the general shape.
      schemas: { Problem },
      securitySchemes: {
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: '__Host-session',
          description:
            'HttpOnly; Secure; SameSite=Strict; Path=/ cookie holding a signed JWT for this BFF only; ' +
            'set by sign-up and sign-in, cleared by sign-out.',
        },
      },
      headers: {
        'X-Request-Id': {
          description: 'Identifies the request in the logs; echoes a sane `X-Request-Id` the client sent.',
          schema: { type: 'string' },
        },
        'Retry-After': {
          description: 'Seconds to wait before retrying.',
          schema: { type: 'integer', minimum: 0 },
        },
        Link: {
          description:
            'RFC 8288 links to the `first`, `prev`, `next` and `last` pages (prev/next only where they exist).',
          schema: { type: 'string' },
        },
        'Set-Cookie': {
          description: 'Sets (sign-up, sign-in) or clears (sign-out) the `__Host-session` cookie.',
          schema: { type: 'string' },
        },
      },
    },
  });
}
