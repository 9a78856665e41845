// The unversioned routes every BFF has: liveness, readiness, its contract document, and the contract rendered by
// Swagger UI (served from our own origin, compressed and validated like everything else).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from '@koa/router';
import type Koa from 'koa';
import type { DefaultState } from 'koa';
import { HttpProblem, UNAVAILABLE_RETRY_AFTER } from './problem.ts';
import { dispatch } from './route-dispatch.ts';
import { sendFile } from './static-files.ts';

/** What /readyz asks: can the database be reached now? */
export type Readiness = { isReachable(): Promise<boolean> };

/** What the routes are built from. */
export type OpsRoutesOptions = {
  /** The page title of /docs. */
  title: string;
  /** The contract's openapi.json file. */
  openApiFile: string;
  readiness: Readiness;
};

const SWAGGER_DIR = path.dirname(fileURLToPath(import.meta.resolve('swagger-ui-dist/package.json')));
// Only what the page loads; nothing else of the package is reachable.
const SWAGGER_ASSETS = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
]);

const docsHtml = (title: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

// A file, not an inline script, so the page works under script-src 'self'.
const DOCS_INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
});
`;

/** /healthz, /readyz, /openapi.json, /docs and /docs/assets/* (route names are the contracts' operationIds). */
export function opsRouter<S = DefaultState>(options: OpsRoutesOptions): Router<S> {
  const router = new Router<S>();
  const html = docsHtml(options.title);
  let openApi: string | undefined;

  router.get('healthz', '/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });

  router.get('readyz', '/readyz', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    if (!(await options.readiness.isReachable())) {
      throw new HttpProblem(503, 'unavailable', 'the database is unreachable', {
        headers: { 'Retry-After': UNAVAILABLE_RETRY_AFTER },
      });
    }
    ctx.body = { status: 'ok' };
  });

  router.get('getOpenApiDocument', '/openapi.json', (ctx) => {
    openApi ??= readFileSync(options.openApiFile, 'utf8');
    ctx.type = 'application/json; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = openApi;
  });

  router.get('getDocs', '/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = html;
  });

  router.get('docsAsset', '/docs/assets/:file', async (ctx) => {
    const name = ctx.params.file ?? '';
    if (name === 'init.js') {
      ctx.type = 'text/javascript; charset=utf-8';
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = DOCS_INIT;
      return;
    }
    if (!SWAGGER_ASSETS.has(name) || !(await sendFile(ctx, path.join(SWAGGER_DIR, name), 'public, max-age=86400'))) {
      throw new HttpProblem(404, 'not_found', 'no such asset');
    }
  });

  return router;
}

/**
 * Mounts routers in order, each with allowedMethods that throws, so 405 and 501 reach the error mapper; a router and
 * its allowedMethods are one middleware, with each method and path planned once (route-dispatch.ts).
 */
export function useRouters<S, C>(app: Koa<S, C>, routers: Iterable<Router<S, C>>): void {
  for (const router of routers) app.use(dispatch(router));
}
