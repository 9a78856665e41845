// Serves the built single-page app: real files from its dist folder (compressed, with ETags), index.html for "/" and
// for browser navigations (Accept: text/html) to other paths (the client routes them), a 404 problem for any other
// unknown path (/metrics, /package.json asked by a script), and a 503 problem when the app has not been built.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { HttpProblem, resolveInside, sendFile } from '@microblog/bff-kit';
import type { Middleware } from 'koa';

/** Where `npm run build -w bff-web` puts the client. */
export const DEFAULT_FRONTEND_DIR = fileURLToPath(new URL('../client/dist/', import.meta.url));

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Serves GET/HEAD of any path the routers left alone from `dir` (it runs after them); other methods answer 405. */
export function serveFrontend(dir: string): Middleware {
  return async (ctx, next) => {
    // API paths, and paths a router knows under another method (its allowedMethods answers 405), are not ours.
    const matched = (ctx as { matched?: unknown[] }).matched ?? [];
    if (ctx.path === '/api' || ctx.path.startsWith('/api/') || matched.length > 0) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      throw Object.assign(new Error('method not allowed'), {
        status: 405,
        expose: true,
        headers: { Allow: 'GET, HEAD' },
      });
    }
    const isAsset = ctx.path.startsWith('/assets/');
    const file = ctx.path === '/' ? null : resolveInside(dir, ctx.path);
    // Hashed build output never changes under its name; everything else is revalidated.
    if (file !== null && (await sendFile(ctx, file, isAsset ? IMMUTABLE : 'no-cache'))) return;
    const navigation = ctx.path === '/' || ctx.get('Accept').includes('text/html');
    if (isAsset || (file === null && ctx.path !== '/') || !navigation)
      throw new HttpProblem(404, 'not_found', 'no such file');
    ctx.vary('Accept');
    if (!(await sendFile(ctx, path.join(dir, 'index.html'), 'no-cache'))) {
      throw new HttpProblem(503, 'unavailable', 'frontend not built; run npm run build -w bff-web');
    }
  };
}
