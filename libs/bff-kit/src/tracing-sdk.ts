// The OpenTelemetry SDK set-up behind tracing.ts; imported only when tracing is on.
import { context, diag, DiagConsoleLogger, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KoaInstrumentation, KoaLayerType } from '@opentelemetry/instrumentation-koa';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, AlwaysOnSampler, TracerProvider } from '@opentelemetry/sdk-trace';

/**
 * The statement with its literal values replaced by `?`. MikroORM inlines parameters into the SQL it sends, so the raw
 * text would carry usernames, password hashes and token hashes to the tracing backend.
 */
export function withoutLiterals(sql: string): string {
  return sql.replace(/E?'(?:[^']|'')*'/g, '?').replace(/(?<![$\w])\d+(?:\.\d+)?\b/g, '?');
}

/** Paths whose requests are not worth a trace (probes hit them every few seconds). */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz']);

/** Starts the tracer provider (global), the W3C propagator and the http, koa and pg instrumentations. */
export function startTracing(env: Record<string, string | undefined> = process.env): TracerProvider {
  // OTEL_LOG_LEVEL=debug|info|warn|error shows what the SDK itself does (export failures among it).
  const level = (env.OTEL_LOG_LEVEL ?? '').toUpperCase() as keyof typeof DiagLogLevel;
  if (level in DiagLogLevel) diag.setLogger(new DiagConsoleLogger(), DiagLogLevel[level]);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': env.OTEL_SERVICE_NAME || process.env.npm_package_name || 'microblog-bff',
    }),
    // Follow the caller's sampling decision; sample everything we start ourselves.
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and _HEADERS, _TIMEOUT) itself and posts to <endpoint>/v1/traces.
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter(),
        scheduledDelayMillis: Number(env.OTEL_BSP_SCHEDULE_DELAY) || 5000,
      }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
        // Outgoing calls of the process itself (the exporter's own posts) are not traced.
        ignoreOutgoingRequestHook: (options) =>
          typeof options === 'object' && String(options.path ?? '').startsWith('/v1/traces'),
      }),
      // Only router layers make spans; one span per plain middleware would bury the SQL spans in noise.
      new KoaInstrumentation({ ignoreLayersType: [KoaLayerType.MIDDLEWARE] }),
      // A span per statement, its text without literal values nor parameters (they can hold personal data).
      new PgInstrumentation({
        enhancedDatabaseReporting: false,
        requireParentSpan: true,
        requestHook: (span, info) => span.setAttribute('db.query.text', withoutLiterals(info.query.text)),
      }),
    ],
  });
  // Spans still in the batch go out before the process ends.
  const flush = () => void provider.shutdown().catch(() => undefined);
  process.once('beforeExit', flush);
  return provider;
}
