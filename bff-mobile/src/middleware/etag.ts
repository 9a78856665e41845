// Every GET 200 gets a weak ETag (a hash of the JSON body); a matching If-None-Match answers 304 without a body.
import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';

function matches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/** Weak, because compression may change the bytes on the wire while the representation stays the same. */
export function etags(): Middleware {
  return async (ctx, next) => {
    await next();
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.status !== 200 || ctx.body == null) return;
    if (typeof ctx.body !== 'object' || Buffer.isBuffer(ctx.body)) return;
    const json = JSON.stringify(ctx.body);
    const etag = `W/"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', 'private, no-cache');
    ctx.vary('Authorization');
    const ifNoneMatch = ctx.get('if-none-match');
    if (ifNoneMatch !== '' && matches(ifNoneMatch, etag)) {
      ctx.status = 304;
      ctx.body = null;
      ctx.set('ETag', etag);
    }
  };
}
