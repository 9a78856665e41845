// API v1: every route of @microblog/mobile-contract v1. A v2 would sit beside it in src/v2/ (see README).
import { Router } from '@koa/router';
import type { RouteDeps } from './deps.ts';
import { accountRoutes } from './routes/account.ts';
import { authRoutes } from './routes/auth.ts';
import { meRoutes } from './routes/me.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { peopleRoutes } from './routes/people.ts';
import { postPageRoutes } from './routes/post-page.ts';
import { oidcRoutes } from './routes/oidc.ts';
import { postRoutes } from './routes/posts.ts';
import { timelineRoutes } from './routes/timeline.ts';
import { userRoutes } from './routes/users.ts';

/** The v1 router (paths carry their /v1 prefix). */
export function v1Router(deps: RouteDeps): Router {
  const router = new Router();
  // The index the launcher's banner links to (outside the contract: a convenience for people, not for the app).
  router.get('/v1', (ctx) => {
    ctx.body = { name: 'bff-mobile API v1', links: { docs: '/docs', openapi: '/openapi.json' } };
  });
  authRoutes(router, deps);
  meRoutes(router, deps);
  userRoutes(router, deps);
  timelineRoutes(router, deps);
  postRoutes(router, deps);
  postPageRoutes(router, deps);
  notificationRoutes(router, deps);
  peopleRoutes(router, deps);
  accountRoutes(router, deps);
  oidcRoutes(router, deps);
  return router;
}
