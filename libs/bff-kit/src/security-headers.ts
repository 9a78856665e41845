// One security-header policy for every BFF: nosniff, no referrer, no framing, same-origin opener and resources,
// HSTS (unless switched off for plain-HTTP development with HSTS=off), and a CSP: the BFF's own for its content,
// widened under /docs just enough for the Swagger UI page.
import type { Middleware } from 'koa';

/** The CSP of an API that serves only JSON. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** The CSP of a single-page app served from our own origin. */
export const APP_CSP =
  "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
// What /docs adds to the BFF's CSP: Swagger UI sets inline styles on its elements; its script and CSS are ours.
const DOCS_ADDITIONS =
  "; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'";

/** What to send: the CSP of everything outside /docs, and whether to send HSTS. */
export type SecurityHeaderOptions = { csp: string; hsts: boolean };

/** Two years, subdomains included (browsers remember it: switch it off only for plain-HTTP development). */
export const HSTS = 'max-age=63072000; includeSubDomains';

/** Sets the policy's headers before anything else answers, so problems carry them too. */
export function securityHeaders(options: SecurityHeaderOptions): Middleware {
  // Built once; set straight on the response (what Koa's ctx.set does for string values, without its arrays).
  const common: Array<[string, string]> = [
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'no-referrer'],
    ['X-Frame-Options', 'DENY'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ...(options.hsts ? [['Strict-Transport-Security', HSTS] as [string, string]] : []),
  ];
  const docsCsp = options.csp + DOCS_ADDITIONS;
  return (ctx, next) => {
    const res = ctx.res;
    for (const [name, value] of common) res.setHeader(name, value);
    const path = ctx.path;
    res.setHeader('Content-Security-Policy', path === '/docs' || path.startsWith('/docs/') ? docsCsp : options.csp);
    return next();
  };
}
