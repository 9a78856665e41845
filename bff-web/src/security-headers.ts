// Security headers on every response. A handful of lines, so no helmet.
import type { Middleware } from 'koa';

/** The Content-Security-Policy for everything but the API docs page. */
export const CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
// swagger-ui sets inline styles on its elements; its script and CSS are served by us.
const DOCS_CSP = `${CSP}; style-src 'self' 'unsafe-inline'; img-src 'self' data:`;

/** Sets nosniff, CSP, referrer, framing and opener policies. */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set({
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': ctx.path === '/docs' || ctx.path.startsWith('/docs/') ? DOCS_CSP : CSP,
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    await next();
  };
}
