// The composition root of bff-web: the kit's middleware in order, the routers, then the single-page app.
import {
  APP_CSP,
  compression,
  createLogger,
  createThrottles,
  deprecationHeaders,
  errorHandler,
  etags,
  HttpProblem,
  jsonBody,
  opsRouter,
  requestLogging,
  securityHeaders,
  sendInOneWrite,
  serveVersions,
  useRouters,
  UNAVAILABLE_RETRY_AFTER,
  type ApiVersion,
  type DomainProblems,
  type Logger,
  type RateLimits,
  type Throttles,
} from '@microblog/bff-kit';
import type { Metrics } from '@microblog/bff-kit/metrics';
import { DomainError, identityProviders, recordWrite, type Database } from '@microblog/domain';
import Koa from 'koa';
import { fileURLToPath } from 'node:url';
import type { AppState } from './auth.ts';
import { csrfGuard } from './csrf.ts';
import { DEFAULT_FRONTEND_DIR, serveFrontend } from './frontend.ts';
import { timelineStreams, type TimelineStreams } from './live/timeline-streams.ts';
import { oidcCookie } from './oidc/transaction-cookie.ts';
import type { Settings } from './settings.ts';
import { sessionCookies } from './session-cookie.ts';
import { v1Router, type V1Router } from './v1/router.ts';

export type { Settings } from './settings.ts';
export { readSettings, settingsFrom } from './settings.ts';
export { timelineStreams, type TimelineStreams } from './live/timeline-streams.ts';
export { serveFrontend } from './frontend.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What every domain error code means to a browser (complete: a new code fails the type-check until mapped). */
export const DOMAIN_PROBLEMS: DomainProblems = {
  validation_failed: { status: 422, code: 'validation_failed', detail: 'some fields are not valid' },
  not_found: { status: 404, code: 'not_found' },
  conflict: { status: 409, code: 'conflict' },
  forbidden: { status: 403, code: 'forbidden' },
  invalid_credentials: { status: 401, code: 'unauthenticated', detail: 'username or password is incorrect' },
  unauthenticated: { status: 401, code: 'unauthenticated', detail: 'sign in to continue' },
  invalid_grant: { status: 401, code: 'unauthenticated', detail: 'sign in to continue' },
  bad_cursor: { status: 400, code: 'bad_request' },
  idempotency_key_reused: { status: 422, code: 'validation_failed' },
  rate_limited: { status: 429, code: 'rate_limited' },
  unavailable: {
    status: 503,
    code: 'unavailable',
    detail: 'the service is temporarily unavailable',
    headers: { 'Retry-After': UNAVAILABLE_RETRY_AFTER },
  },
  identity_rejected: {
    status: 401,
    code: 'unauthenticated',
    detail: "the sign-in provider's answer was not accepted; start again",
  },
  identity_provider_unavailable: {
    status: 503,
    code: 'unavailable',
    detail: 'the sign-in provider cannot be reached; try again later',
    headers: { 'Retry-After': UNAVAILABLE_RETRY_AFTER },
  },
};

/** What the app is built from. */
export type AppDeps = {
  db: Database;
  settings: Settings;
  logger?: Logger;
  /** Prebuilt throttles; built from settings.redisUrl and rateLimits otherwise. */
  throttles?: Throttles;
  /** Overrides of API.md's throttles (tests use small numbers). */
  rateLimits?: Partial<RateLimits>;
  /** The built client (default bff-web/client/dist). */
  staticDir?: string;
  /** More API versions served through the same registry, before the real ones (tests: a fixture version). */
  extraApiVersions?: ApiVersion<V1Router>[];
  /** Prometheus metrics of this process (main.ts serves them on METRICS_PORT). */
  metrics?: Metrics;
  /** The live timeline streams (main.ts makes them to close them on shutdown); built from settings otherwise. */
  streams?: TimelineStreams;
};

/** Builds the Koa app; it does not listen. */
export function createApp(deps: AppDeps): Koa<AppState> {
  const { db, settings } = deps;
  const logger =
    deps.logger ?? createLogger({ service: 'bff-web', level: settings.logLevel, format: settings.logFormat });
  const cookies = sessionCookies({ jwtSecret: settings.jwtSecret, ttlSeconds: settings.sessionTokenTtlSeconds });
  const throttles = deps.throttles ?? createThrottles('bff-web', deps.rateLimits ?? {}, settings.redisUrl);
  const streams =
    deps.streams ?? timelineStreams({ db, settings: settings.streams, listenUrl: settings.databaseUrl, logger });
  const oidc = {
    providers: identityProviders(settings.identityProviders),
    oidcCookie: oidcCookie({ jwtSecret: settings.jwtSecret }),
    publicOrigin: settings.publicOrigins[0]!,
  };

  const app = new Koa<AppState>({ proxy: settings.trustProxy, maxIpsCount: 1 });
  // Errors are answered and logged by errorHandler. What still reaches Koa happened after the answer began,
  // typically a browser closing the connection mid-download (ERR_STREAM_PREMATURE_CLOSE): a debug line is enough.
  app.silent = true;
  app.on('error', (error: Error & { code?: string }) =>
    logger.debug({ code: error.code ?? error.name }, 'response ended early'),
  );

  // The majors served side by side, each under /api/<version> from its own folder. A v2 is one more line:
  // { version: 'v2', router: v2Router({ cookies, throttles }) }. Deprecations come from API_DEPRECATIONS.
  const apiVersions: ApiVersion<V1Router>[] = [
    ...(deps.extraApiVersions ?? []),
    { version: 'v1', router: v1Router({ cookies, throttles, streams, ...oidc }) },
  ];
  const versions = serveVersions(apiVersions, settings.apiDeprecations, (version) => `/api/${version}`);
  const ops = opsRouter<AppState>({
    title: 'bff-web API',
    openApiFile: fileURLToPath(import.meta.resolve('@microblog/web-contract/openapi.json')),
    readiness: db,
  });

  // First, so that it runs after every other middleware: small Buffer answers leave in one socket write.
  app.use(sendInOneWrite());
  if (deps.metrics) app.use(deps.metrics.requests());
  app.use(requestLogging(logger));
  app.use(deprecationHeaders(versions));
  app.use(errorHandler({ logger, domainProblems: DOMAIN_PROBLEMS, observe: logRefusedProviderSignIn }));
  app.use(securityHeaders({ csp: APP_CSP, hsts: settings.hsts }));
  app.use(compression());
  app.use(etags({ vary: 'Cookie' }));
  app.use(csrfGuard(settings.publicOrigins));
  app.use(jsonBody());
  app.use((ctx, next) => {
    ctx.state.domain = db.context();
    ctx.state.viewer = null;
    if (SAFE_METHODS.has(ctx.method)) return next();
    // Read-your-writes with replicas: the signed-in user's next reads wait for this write (domain replica-reads.ts).
    return next().then(() => (ctx.status < 400 ? recordWrite(ctx.state.domain) : undefined));
  });
  useRouters(app, [ops, ...versions.map(({ router }) => router)]);
  app.use((ctx, next) => {
    const matched = (ctx as { matched?: unknown[] }).matched ?? [];
    if ((ctx.path === '/api' || ctx.path.startsWith('/api/')) && matched.length === 0) {
      throw new HttpProblem(404, 'not_found', 'no such API route');
    }
    return next();
  });
  app.use(serveFrontend(deps.staticDir ?? DEFAULT_FRONTEND_DIR));
  return app;
}

// Why a provider's answer was refused is for operators (the browser only learns that it was).
function logRefusedProviderSignIn(error: unknown, ctx: Koa.Context): void {
  if (!(error instanceof DomainError) || !error.code.startsWith('identity_')) return;
  (ctx.state.log as Logger).warn({ code: error.code, reason: error.message }, 'provider sign-in refused');
}
