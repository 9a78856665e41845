// Serves the built single-page app: real files from its dist folder, index.html for every other
// non-API path (the client routes), and a 503 problem when it has not been built.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Middleware } from 'koa';
import { HttpProblem } from './problem.ts';
import { resolveInside, sendFile } from './static-files.ts';

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
      throw Object.assign(new Error('method not allowed'), { status: 405, expose: true, headers: { Allow: 'GET, HEAD' } });
    }
    const isAsset = ctx.path.startsWith('/assets/');
    const file = ctx.path === '/' ? null : resolveInside(dir, ctx.path);
    // Hashed build output never changes under its name; everything else is revalidated.
    if (file !== null && (await sendFile(ctx, file, isAsset ? IMMUTABLE : 'no-cache'))) return;
    if (isAsset || (ctx.path !== '/' && file === null)) throw new HttpProblem(404, 'not_found', 'no such file');
    if (!(await sendFile(ctx, path.join(dir, 'index.html'), 'no-cache'))) {
      throw new HttpProblem(503, 'unavailable', 'frontend not built; run npm run build -w bff-web');
    }
  };
}
