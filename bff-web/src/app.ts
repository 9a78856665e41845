// The composition root of bff-web: middleware in order, then the routers, then the single-page app.
import { identityProviders, type Database } from '@microblog/domain';
import type { Redis } from 'ioredis';
import Koa from 'koa';
import { koaBody } from 'koa-body';
import { serveVersions, type ApiVersion } from './api-versions.ts';
import type { AppState } from './auth.ts';
import type { Config } from './config.ts';
import { csrfGuard, jsonOnlyWrites } from './csrf.ts';
import { deprecationHeaders } from './deprecation.ts';
import { errorHandler } from './error-handler.ts';
import { DEFAULT_FRONTEND_DIR, serveFrontend } from './frontend.ts';
import { createLogger, type Logger } from './logger.ts';
import { metaRouter } from './meta-routes.ts';
import { timelineStreams, type TimelineStreams } from './live/timeline-streams.ts';
import { oidcCookie } from './oidc/transaction-cookie.ts';
import { HttpProblem } from './problem.ts';
import { createThrottles, DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limits.ts';
import { requestIdAndAccessLog } from './request-id.ts';
import { securityHeaders } from './security-headers.ts';
import { sessionCookies } from './session-cookie.ts';
import { v1Router } from './v1/router.ts';

export type { ApiVersion } from './api-versions.ts';
export type { Config } from './config.ts';
export { readConfig } from './config.ts';
export { timelineStreams, type TimelineStreams } from './live/timeline-streams.ts';
export { serveFrontend } from './frontend.ts';
export { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limits.ts';

/** What the app is built from. */
export type AppDeps = {
  db: Database;
  config: Config;
  logger?: Logger;
  /** Rate-limit counters go here when given (else memory). */
  redis?: Redis | null;
  /** Overrides of API.md's throttles (tests use small numbers). */
  rateLimits?: Partial<RateLimits>;
  /** The built client (default bff-web/client/dist). */
  staticDir?: string;
  /** More API versions served through the same registry, before the real ones (tests: a fixture version). */
  extraApiVersions?: ApiVersion[];
  /** The live timeline streams (main.ts makes them to close them on shutdown); built from config otherwise. */
  streams?: TimelineStreams;
};

/** Builds the Koa app; it does not listen. */
export function createApp(deps: AppDeps): Koa<AppState> {
  const { db, config } = deps;
  const logger = deps.logger ?? createLogger(config.logLevel);
  const cookies = sessionCookies({ jwtSecret: config.jwtSecret, ttlSeconds: config.sessionTokenTtlSeconds });
  const throttles = createThrottles({ ...DEFAULT_RATE_LIMITS, ...deps.rateLimits }, deps.redis ?? null);
  const streams = deps.streams ?? timelineStreams({ db, settings: config.streams, listenUrl: config.databaseUrl, logger });
  const oidc = {
    providers: identityProviders(config.identityProviders),
    oidcCookie: oidcCookie({ jwtSecret: config.jwtSecret }),
    publicOrigin: config.publicOrigins[0]!,
  };

  const app = new Koa<AppState>({ proxy: config.trustProxy, maxIpsCount: 1 });
  // Errors are answered and logged by errorHandler. What still reaches Koa happened after the answer began,
  // typically a browser closing the connection mid-download (ERR_STREAM_PREMATURE_CLOSE): a debug line is enough.
  app.silent = true;
  app.on('error', (error: Error & { code?: string }) => logger.debug({ msg: 'response ended early', code: error.code ?? error.name }));
  const meta = metaRouter(db);

  // The majors served side by side, each under /api/<version> from its own folder. A v2 is one more line:
  // { version: 'v2', router: v2Router({ cookies, throttles }) }. Deprecations come from API_DEPRECATIONS.
  const apiVersions: ApiVersion[] = [
    ...(deps.extraApiVersions ?? []),
    { version: 'v1', router: v1Router({ cookies, throttles, streams, ...oidc }) },
  ];
  const versions = serveVersions(apiVersions, config.apiDeprecations);

  app.use(requestIdAndAccessLog(logger));
  app.use(deprecationHeaders(versions));
  app.use(errorHandler(logger));
  app.use(securityHeaders());
  app.use(csrfGuard(config.publicOrigins));
  app.use(jsonOnlyWrites());
  app.use(
    koaBody({ json: true, urlencoded: false, text: false, multipart: false, jsonLimit: '16kb', jsonStrict: true, patchNode: false }),
  );
  app.use(async (ctx, next) => {
    ctx.state.domain = db.context();
    ctx.state.viewer = null;
    await next();
  });
  app.use(meta.routes());
  app.use(meta.allowedMethods({ throw: true }));
  for (const { router } of versions) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  app.use(async (ctx, next) => {
    const matched = (ctx as { matched?: unknown[] }).matched ?? [];
    if ((ctx.path === '/api' || ctx.path.startsWith('/api/')) && matched.length === 0) {
      throw new HttpProblem(404, 'not_found', 'no such API route');
    }
    await next();
  });
  app.use(serveFrontend(deps.staticDir ?? DEFAULT_FRONTEND_DIR));
  return app;
}
