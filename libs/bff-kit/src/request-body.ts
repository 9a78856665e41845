// Request bodies: JSON objects only, at most 16 KiB (415 when another type is sent, 413 over the limit, 400 when it
// does not parse or is not an object). koa-body is told not to parse forms, text or multipart.
import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { HttpProblem } from './problem.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// The methods koa-body parses (its default parsedMethods); for any other it only calls next().
const PARSED_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return typeof length === 'string' && length !== '0';
}

/**
 * The body parser: content-type check, koa-body (JSON only, 16 KiB), object check, as one middleware that reads
 * nothing for a GET, HEAD, OPTIONS or a request without a body (most requests), since koa-body would not either.
 */
export function jsonBody(options: { limit?: string } = {}): Middleware {
  const parse = koaBody({
    json: true,
    urlencoded: false,
    text: false,
    multipart: false,
    jsonLimit: options.limit ?? '16kb',
    jsonStrict: true,
    patchNode: false,
  });
  return (ctx, next) => {
    const method = ctx.method;
    if (SAFE_METHODS.has(method)) return next();
    const sent = hasBody(ctx.req.headers);
    if (sent && ctx.is('application/json', '+json') === false) {
      throw new HttpProblem(415, 'unsupported_media_type', 'the request body must be application/json');
    }
    if (!PARSED_METHODS.has(method)) return next();
    return parse(ctx, () => {
      const body: unknown = ctx.request.body;
      if (sent && body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
        throw new HttpProblem(400, 'bad_request', 'the body must be a JSON object');
      }
      return next();
    });
  };
}
