// Operational and documentation routes: /healthz, /readyz, /openapi.json and /docs (swagger-ui, served locally).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from '@koa/router';
import type { Database } from '@microblog/domain';
import type { AppState } from './auth.ts';
import { UNAVAILABLE_RETRY_AFTER } from './error-handler.ts';
import { HttpProblem } from './problem.ts';
import { sendFile } from './static-files.ts';

const require = createRequire(import.meta.url);
const OPENAPI_FILE = fileURLToPath(import.meta.resolve('@microblog/web-contract/openapi.json'));
const SWAGGER_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));
// Only what the page loads; nothing else of the package is reachable.
const SWAGGER_ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png']);

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>bff-web API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

// A file, not an inline script, so the page works under script-src 'self'.
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;

/** The router of /healthz, /readyz, /openapi.json and /docs. */
export function metaRouter(db: Database): Router<AppState> {
  const router = new Router<AppState>();
  let openapi: string | undefined;

  router.get('healthz', '/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });

  router.get('readyz', '/readyz', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    if (!(await db.isReachable())) {
      throw new HttpProblem(503, 'unavailable', 'the database is unreachable', { headers: { 'Retry-After': UNAVAILABLE_RETRY_AFTER } });
    }
    ctx.body = { status: 'ok' };
  });

  router.get('getOpenApiDocument', '/openapi.json', (ctx) => {
    openapi ??= readFileSync(OPENAPI_FILE, 'utf8');
    ctx.type = 'application/json; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = openapi;
  });

  router.get('getDocs', '/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = DOCS_HTML;
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
      throw new HttpProblem(404, 'not_found', 'no such file');
    }
  });

  return router;
}
