// The composition root of the HTTP app: pure wiring, no listen.
import { constants as zlib } from 'node:zlib';
import { identityProviders, type Database } from '@microblog/domain';
import Koa from 'koa';
import compress from 'koa-compress';
import { serveVersions, versionOf, type ApiVersion } from './api-versions.ts';
import { appVersionMix, countAppVersions, type AppVersionMix } from './app-version-mix.ts';
import { accessTokens } from './auth/access-tokens.ts';
import { bearerAuth } from './auth/bearer.ts';
import type { Config } from './config.ts';
import { jsonLogger, type Logger } from './logger.ts';
import { appVersionGate } from './middleware/app-version.ts';
import { deprecationHeaders } from './middleware/deprecation.ts';
import { errorHandler } from './middleware/error-handler.ts';
import { etags } from './middleware/etag.ts';
import { jsonBody } from './middleware/json-body.ts';
import { requestLog } from './middleware/request-log.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { headerOnlyTokens } from './middleware/token-transport.ts';
import { opsRouter } from './ops-routes.ts';
import { createRateLimiters, type Limits, type RateLimiters } from './rate-limits.ts';
import type { Hooks } from './v1/deps.ts';
import { v1Router } from './v1/router.ts';

export type { ApiVersion } from './api-versions.ts';
export type { Config } from './config.ts';
export { loadConfig } from './config.ts';
export { appVersionMix, reportAppVersionMix, type AppVersionMix } from './app-version-mix.ts';

/** What the app is built from; everything but db and config has a production default. */
export type AppDeps = {
  db: Database;
  config: Config;
  /** Defaults to JSON lines on stdout at config.logLevel. */
  log?: Logger;
  /** Throttle overrides (tests use small numbers). */
  limits?: Partial<Limits>;
  /** Prebuilt limiters (e.g. shared between app instances); built from config.redisUrl and limits otherwise. */
  limiters?: RateLimiters;
  /** Test seams. */
  hooks?: Hooks;
  /** Where the X-App-Version mix is counted (main.ts logs it every APP_VERSION_MIX_INTERVAL_SECONDS). */
  appVersionMix?: AppVersionMix;
  /** More API versions served through the same registry, before the real ones (tests: a fixture version). */
  extraApiVersions?: ApiVersion[];
};

/** Builds the Koa app for bff-mobile. */
export function createApp(deps: AppDeps): Koa {
  const { db, config } = deps;
  const log = deps.log ?? jsonLogger(config.logLevel);
  const tokens = accessTokens(config.jwtSecret, config.accessTokenTtlSeconds);
  const limiters = deps.limiters ?? createRateLimiters(deps.limits ?? {}, config.redisUrl);
  const auth = bearerAuth(tokens);

  const app = new Koa({ proxy: config.trustProxy, maxIpsCount: 1 });
  // Errors are answered and logged by errorHandler; keep Koa from printing them again.
  app.silent = true;

  // The majors served side by side, each under /<version> from its own folder. A v2 is one more line:
  // { version: 'v2', router: v2Router(routeDeps) }. Deprecations come from API_DEPRECATIONS.
  const routeDeps = {
    config, tokens, limiters, requireAuth: auth.required, optionalAuth: auth.optional, hooks: deps.hooks ?? {},
    providers: identityProviders(config.identityProviders),
  };
  const apiVersions: ApiVersion[] = [
    ...(deps.extraApiVersions ?? []),
    { version: 'v1', router: v1Router(routeDeps) },
  ];
  const versions = serveVersions(apiVersions, config.apiDeprecations);

  const versionGate = appVersionGate(config.minAppVersion);
  const versionedOnly = (middleware: Koa.Middleware): Koa.Middleware => (ctx, next) =>
    versionOf(versions, ctx.path) !== undefined ? middleware(ctx, next) : next();

  app.use(requestLog(log));
  app.use(countAppVersions(deps.appVersionMix ?? appVersionMix(), versions));
  app.use(deprecationHeaders(versions));
  app.use(errorHandler(log));
  app.use(securityHeaders());
  app.use(
    compress({
      threshold: 1024,
      br: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
      gzip: { level: 6 },
      deflate: false,
    }),
  );
  app.use(versionedOnly(etags()));
  app.use(versionedOnly(versionGate));
  for (const middleware of jsonBody()) app.use(middleware);
  app.use(headerOnlyTokens());
  app.use(async (ctx, next) => {
    ctx.state.domain = db.context();
    await next();
  });

  const ops = opsRouter(db);
  app.use(ops.routes());
  app.use(ops.allowedMethods({ throw: true }));
  for (const { router } of versions) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  return app;
}
