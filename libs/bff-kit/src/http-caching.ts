// What every BFF does to what it sends: compression (brotli or gzip over 1 KiB) and validation (a weak ETag on
// every GET 200 that has none yet, 304 when If-None-Match has it).
import { createHash } from 'node:crypto';
import { constants as zlib } from 'node:zlib';
import type { Middleware } from 'koa';
import compress from 'koa-compress';

/** Brotli (quality 4, cheap enough per request) or gzip, for answers of 1 KiB and more. */
export function compression(): Middleware {
  return compress({
    threshold: 1024,
    br: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
    gzip: { level: 6 },
    deflate: false,
  });
}

/** Whether an If-None-Match header names `etag` (weak comparison, RFC 9110 13.1.2). */
export function matchesETag(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

function hashable(body: unknown): string | Buffer | null {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  if (body !== null && typeof body === 'object' && typeof (body as { pipe?: unknown }).pipe !== 'function')
    return JSON.stringify(body);
  return null;
}

/**
 * A weak ETag (hash of the body) on every GET/HEAD 200 of a JSON object, string or buffer; files set their own
 * (sendFile). A matching If-None-Match answers 304 without a body. `vary` names the request headers the answer
 * depends on (the credentials), and answers without a Cache-Control become `private, no-cache`.
 */
export function etags(options: { vary?: string } = {}): Middleware {
  return async (ctx, next) => {
    await next();
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.status !== 200 || ctx.body == null) return;
    const content = hashable(ctx.body);
    if (content === null || ctx.response.get('ETag')) return;
    const etag = `W/"${createHash('sha256').update(content).digest('base64url').slice(0, 27)}"`;
    ctx.set('ETag', etag);
    if (!ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'private, no-cache');
    if (options.vary !== undefined) ctx.vary(options.vary);
    const ifNoneMatch = ctx.get('if-none-match');
    if (ifNoneMatch !== '' && matchesETag(ifNoneMatch, etag)) {
      ctx.status = 304;
      ctx.body = null;
      ctx.set('ETag', etag);
    }
  };
}
