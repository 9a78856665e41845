// Unversioned routes: liveness, readiness, the contract document and its rendering (Swagger UI, served locally).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '@microblog/domain';
import { Router } from '@koa/router';
import { HttpProblem } from './problem.ts';

// The only Swagger UI files the docs page needs, by the name it asks for.
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const DOCS_HTML = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>bff-mobile API</title>
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

// An external file rather than an inline script, so the CSP needs no 'unsafe-inline' for scripts.
const INIT_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
});
`;

/** /healthz, /readyz, /openapi.json, /docs and /docs/assets/*. */
export function opsRouter(db: Database): Router {
  const openApi: unknown = JSON.parse(
    readFileSync(fileURLToPath(import.meta.resolve('@microblog/mobile-contract/openapi.json')), 'utf8'),
  );
  const swaggerDir = path.dirname(fileURLToPath(import.meta.resolve('swagger-ui-dist/package.json')));
  const router = new Router();

  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    if (!(await db.isReachable())) {
      throw new HttpProblem(503, 'unavailable', 'the database is unreachable', { headers: { 'Retry-After': '5' } });
    }
    ctx.body = { status: 'ok' };
  });

  router.get('/openapi.json', (ctx) => {
    ctx.body = openApi;
  });

  router.get('/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = DOCS_HTML;
  });

  router.get('/docs/assets/init.js', (ctx) => {
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.body = INIT_JS;
  });

  router.get('/docs/assets/:file', async (ctx) => {
    const file = ctx.params.file ?? '';
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (type === undefined) throw new HttpProblem(404, 'not_found', 'no such asset');
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = await readFile(path.join(swaggerDir, file));
  });

  return router;
}
