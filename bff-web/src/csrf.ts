// CSRF defence for the cookie-authenticated API, checked before the body is read or the session looked at:
// a custom header a cross-site form cannot send, plus the browser's own origin signals where present.
import type { Middleware } from 'koa';
import { HttpProblem } from '@microblog/bff-kit';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/** Answers 403 csrf_failed to a non-GET /api request without `X-CSRF: 1`, from a foreign Origin, or cross-site. */
export function csrfGuard(allowedOrigins: readonly string[]): Middleware {
  const origins = new Set(allowedOrigins);
  return (ctx, next) => {
    if (!SAFE_METHODS.has(ctx.method) && isApiPath(ctx.path)) {
      const origin = ctx.get('Origin');
      const fetchSite = ctx.get('Sec-Fetch-Site');
      let reason: string | null = null;
      if (ctx.get('X-CSRF') !== '1') reason = 'the X-CSRF: 1 header is missing';
      else if (origin !== '' && !origins.has(origin)) reason = 'the request comes from another origin';
      else if (fetchSite !== '' && fetchSite !== 'same-origin') reason = 'the request is not same-origin';
      if (reason !== null) throw new HttpProblem(403, 'csrf_failed', reason);
    }
    return next();
  };
}
