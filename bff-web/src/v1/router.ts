// Version 1 of the web API under /api/v1. A v2 would live in src/v2/ with its own routes and presenters,
// mounted beside this one (see README).
import { Router } from '@koa/router';
import type { AppState } from '../auth.ts';
import type { Throttles } from '@microblog/bff-kit';
import type { SessionCookies } from '../session-cookie.ts';
import { accountRoutes } from './account-routes.ts';
import { micropostRoutes } from './micropost-routes.ts';
import { notificationRoutes } from './notification-routes.ts';
import { peopleRoutes } from './people-routes.ts';
import type { TimelineStreams } from '../live/timeline-streams.ts';
import { liveRoutes } from './live-routes.ts';
import { oidcRoutes, type OidcDeps } from './oidc-routes.ts';
import { sessionRoutes } from './session-routes.ts';
import { userRoutes } from './user-routes.ts';

/** What the v1 routes need beyond the per-request domain context. */
export type V1Deps = { cookies: SessionCookies; throttles: Throttles };
export type V1Router = Router<AppState>;

/** The /api/v1 router; route names are the contract's operationIds. */
export function v1Router(deps: V1Deps & OidcDeps & { streams: TimelineStreams }): V1Router {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  sessionRoutes(router, deps);
  micropostRoutes(router, deps);
  userRoutes(router, deps);
  notificationRoutes(router, deps);
  peopleRoutes(router, deps);
  accountRoutes(router, deps);
  oidcRoutes(router, deps);
  liveRoutes(router, deps);
  return router;
}
