// One micropost by id: the address a push or a notification points to.
import { getMicropost } from '@microblog/domain';
import { PostIdParams } from '@microblog/mobile-contract';
import type { Router } from '@koa/router';
import { domain } from '../../state.ts';
import type { RouteDeps } from '../deps.ts';
import { parseParams } from '../parse.ts';
import { presentPostWithUsers } from '../presenters.ts';

/** Registers GET /v1/posts/:id on `router`. */
export function postPageRoutes(router: Router, deps: RouteDeps): void {
  router.get('/v1/posts/:id', deps.optionalAuth, async (ctx) => {
    const { id } = parseParams(ctx, PostIdParams);
    ctx.body = presentPostWithUsers(await getMicropost(domain(ctx), { id }));
  });
}
