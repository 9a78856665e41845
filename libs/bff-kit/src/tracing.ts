// OpenTelemetry tracing, loaded BEFORE the app with `node --import @microblog/bff-kit/tracing src/main.ts` (each BFF's
// start script does so). Off, and nothing but this file loaded, unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
//
// Why a preload: instrumentations work by patching `node:http`, `koa` and `pg` as they are loaded. The BFFs are ES
// modules run directly by Node 24, and ES module imports are resolved before any line of main.ts runs, so patching
// from main.ts would come too late. This file registers import-in-the-middle's loader hook (through
// `@opentelemetry/instrumentation/hook.mjs`) with `node:module`'s register() and enables the instrumentations; only then
// does Node load main.ts and, with it, koa and pg (MikroORM imports pg as an ES module, which the hook wraps).
//
// What a trace holds: the server span of each request (continuing the caller's W3C `traceparent`), named
// `<METHOD> <route template>` by the Koa instrumentation (`http.route` attribute too), and a child span per SQL
// statement from the pg instrumentation. Spans go to OTLP/HTTP (`<endpoint>/v1/traces`, JSON) in batches.
import { register } from 'node:module';

const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;

if (endpoint !== undefined && endpoint !== '') {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const { startTracing } = await import('./tracing-sdk.ts');
  startTracing();
}
