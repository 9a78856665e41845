// The composition root of bff-mobile: the kit's middleware in order, then what the app needs different (bearer
// tokens, the app-version gate and mix, header-only tokens), then the routers. Pure wiring, no listen.
import { fileURLToPath } from 'node:url';
import {
  API_CSP,
  compression,
  createLogger,
  createThrottles,
  deprecationHeaders,
  errorHandler,
  etags,
  jsonBody,
  opsRouter,
  requestLogging,
  securityHeaders,
  sendInOneWrite,
  serveVersions,
  useRouters,
  UNAVAILABLE_RETRY_AFTER,
  versionOf,
  type ApiVersion as KitApiVersion,
  type DomainProblems,
  type Logger,
  type RateLimits,
  type Throttles,
} from '@microblog/bff-kit';
import { DomainError, identityProviders, InvalidGrant, recordWrite, type Database } from '@microblog/domain';
import type { Router } from '@koa/router';
import type { Metrics } from '@microblog/bff-kit/metrics';
import Koa from 'koa';
import { appVersionMix, countAppVersions, type AppVersionMix } from './app-version-mix.ts';
import { accessTokens } from './auth/access-tokens.ts';
import { bearerAuth } from './auth/bearer.ts';
import { appVersionGate } from './middleware/app-version.ts';
import { headerOnlyTokens } from './middleware/token-transport.ts';
import type { Settings } from './settings.ts';
import type { Hooks } from './v1/deps.ts';
import { v1Router } from './v1/router.ts';

export type { Settings } from './settings.ts';
export { readSettings, settingsFrom } from './settings.ts';
export { appVersionMix, reportAppVersionMix, type AppVersionMix } from './app-version-mix.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** One major of the mobile API: its name (`v1`) and its folder's router (every path under `/<version>`). */
export type ApiVersion = KitApiVersion<Router>;

/** What every domain error code means to the app (complete: a new code fails the type-check until mapped). */
export const DOMAIN_PROBLEMS: DomainProblems = {
  validation_failed: { status: 422, code: 'validation_failed' },
  not_found: { status: 404, code: 'not_found' },
  conflict: { status: 409, code: 'conflict' },
  forbidden: { status: 403, code: 'forbidden' },
  invalid_credentials: { status: 401, code: 'unauthenticated' },
  unauthenticated: { status: 401, code: 'unauthenticated' },
  invalid_grant: { status: 401, code: 'invalid_grant' },
  bad_cursor: { status: 400, code: 'bad_request' },
  idempotency_key_reused: { status: 422, code: 'idempotency_key_reused' },
  rate_limited: { status: 429, code: 'rate_limited' },
  unavailable: { status: 503, code: 'unavailable', headers: { 'Retry-After': UNAVAILABLE_RETRY_AFTER } },
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

/** What the app is built from; everything but db and settings has a production default. */
export type AppDeps = {
  db: Database;
  settings: Settings;
  /** Defaults to the kit's logger at settings.logLevel. */
  logger?: Logger;
  /** Throttle overrides (tests use small numbers). */
  rateLimits?: Partial<RateLimits>;
  /** Prebuilt throttles (e.g. shared between app instances); built from settings.redisUrl and rateLimits otherwise. */
  throttles?: Throttles;
  /** Test seams. */
  hooks?: Hooks;
  /** Where the X-App-Version mix is counted (main.ts logs it every APP_VERSION_MIX_INTERVAL_SECONDS). */
  appVersionMix?: AppVersionMix;
  /** More API versions served through the same registry, before the real ones (tests: a fixture version). */
  extraApiVersions?: ApiVersion[];
  /** Prometheus metrics of this process (main.ts serves them on METRICS_PORT). */
  metrics?: Metrics;
};

/** Builds the Koa app for bff-mobile. */
export function createApp(deps: AppDeps): Koa {
  const { db, settings } = deps;
  const logger =
    deps.logger ?? createLogger({ service: 'bff-mobile', level: settings.logLevel, format: settings.logFormat });
  const tokens = accessTokens(settings.jwtSecret, settings.accessTokenTtlSeconds);
  const throttles = deps.throttles ?? createThrottles('bff-mobile', deps.rateLimits ?? {}, settings.redisUrl);
  const auth = bearerAuth(tokens);

  const app = new Koa({ proxy: settings.trustProxy, maxIpsCount: 1 });
  // Errors are answered and logged by errorHandler; keep Koa from printing them again.
  app.silent = true;

  // The majors served side by side, each under /<version> from its own folder. A v2 is one more line:
  // { version: 'v2', router: v2Router(routeDeps) }. Deprecations come from API_DEPRECATIONS.
  const routeDeps = {
    settings,
    tokens,
    throttles,
    requireAuth: auth.required,
    optionalAuth: auth.optional,
    hooks: deps.hooks ?? {},
    providers: identityProviders(settings.identityProviders),
  };
  const apiVersions: ApiVersion[] = [...(deps.extraApiVersions ?? []), { version: 'v1', router: v1Router(routeDeps) }];
  const versions = serveVersions(apiVersions, settings.apiDeprecations, (version) => `/${version}`);
  const versionedOnly =
    (middleware: Koa.Middleware): Koa.Middleware =>
    (ctx, next) =>
      versionOf(versions, ctx.path) !== undefined ? middleware(ctx, next) : next();
  const ops = opsRouter({
    title: 'bff-mobile API',
    openApiFile: fileURLToPath(import.meta.resolve('@microblog/mobile-contract/openapi.json')),
    readiness: db,
  });

  // First, so that it runs after every other middleware: small Buffer answers leave in one socket write.
  app.use(sendInOneWrite());
  if (deps.metrics) app.use(deps.metrics.requests());
  app.use(requestLogging(logger));
  app.use(countAppVersions(deps.appVersionMix ?? appVersionMix(), versions));
  app.use(deprecationHeaders(versions));
  app.use(
    errorHandler({ logger, domainProblems: DOMAIN_PROBLEMS, observe: logSecurityEvents, decorate: bearerChallenge }),
  );
  app.use(securityHeaders({ csp: API_CSP, hsts: settings.hsts }));
  app.use(compression());
  app.use(versionedOnly(etags({ vary: 'Authorization' })));
  app.use(versionedOnly(appVersionGate(settings.minAppVersion)));
  app.use(jsonBody());
  app.use(headerOnlyTokens());
  app.use((ctx, next) => {
    ctx.state.domain = db.context();
    if (SAFE_METHODS.has(ctx.method)) return next();
    // Read-your-writes with replicas: the signed-in user's next reads wait for this write (domain replica-reads.ts).
    return next().then(() => (ctx.status < 400 ? recordWrite(ctx.state.domain) : undefined));
  });
  useRouters(app, [ops, ...versions.map(({ router }) => router)]);
  return app;
}

function logSecurityEvents(error: unknown, ctx: Koa.Context): void {
  const log = ctx.state.log as Logger;
  // RFC 9700 reuse detection: a security event worth an alert, not just a 401.
  if (error instanceof InvalidGrant && error.reusedSessionId !== null) {
    log.warn(
      { event: 'refresh_token_reuse', sessionId: error.reusedSessionId, ip: ctx.ip },
      'refresh token reused; device session revoked',
    );
  }
  // Why a provider's answer was refused is for operators (the app only learns that it was).
  if (error instanceof DomainError && error.code.startsWith('identity_'))
    log.warn({ code: error.code, reason: error.message }, 'provider sign-in refused');
}

// RFC 6750: say how to authenticate, and that the presented token was the problem when there was one.
function bearerChallenge(ctx: Koa.Context, status: number): void {
  if (status !== 401 || ctx.response.get('WWW-Authenticate')) return;
  ctx.set(
    'WWW-Authenticate',
    ctx.get('authorization') ? 'Bearer realm="bff-mobile", error="invalid_token"' : 'Bearer realm="bff-mobile"',
  );
}
