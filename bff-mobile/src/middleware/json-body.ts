// Writes take JSON objects only (415 else, 413 over 16 KiB, 400 unparseable or not an object).
import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { HttpProblem } from '../problem.ts';

const WRITES = new Set(['POST', 'PUT', 'PATCH']);

/** The body parser stack: content-type check, koa-body (JSON only), object check. */
export function jsonBody(): Middleware[] {
  const parse = koaBody({ json: true, urlencoded: false, text: false, multipart: false, jsonLimit: '16kb', jsonStrict: true });
  return [
    async (ctx, next) => {
      const hasBody = (ctx.request.length ?? 0) > 0 || ctx.get('transfer-encoding') !== '';
      if (WRITES.has(ctx.method) && hasBody && !ctx.request.is('application/json')) {
        throw new HttpProblem(415, 'unsupported_media_type', 'send the body as application/json');
      }
      await next();
    },
    parse,
    async (ctx, next) => {
      const body: unknown = ctx.request.body;
      if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
        throw new HttpProblem(400, 'bad_request', 'the body must be a JSON object');
      }
      await next();
    },
  ];
}
