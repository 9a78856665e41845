// Profiles, a user's posts, follows and the follower lists.
import {
  followUser,
  getProfile,
  listFollowers,
  listFollowing,
  listUserMicroposts,
  unfollowUser,
} from '@microblog/domain';
import { CursorPageQuery, UsernameParams } from '@microblog/mobile-contract';
import type { Router } from '@koa/router';
import { caller, domain, viewerId } from '../../state.ts';
import type { RouteDeps } from '../deps.ts';
import { parseParams, parseQuery } from '../parse.ts';
import { presentMicropostPage, presentProfile, presentRelationship, presentUserPage } from '../presenters.ts';

/** Registers the /v1/users routes on `router`. */
export function userRoutes(router: Router, deps: RouteDeps): void {
  router.get('/v1/users/:username', deps.optionalAuth, async (ctx) => {
    const { username } = parseParams(ctx, UsernameParams);
    const { profile, relationship } = await getProfile(domain(ctx), { username, viewerId: viewerId(ctx) });
    ctx.body = presentProfile(profile, relationship);
  });

  router.get('/v1/users/:username/posts', deps.optionalAuth, async (ctx) => {
    const { username } = parseParams(ctx, UsernameParams);
    const { cursor, limit } = parseQuery(ctx, CursorPageQuery);
    const page = await listUserMicroposts(domain(ctx), {
      username,
      paging: { kind: 'cursor', cursor: cursor ?? null, limit },
    });
    ctx.body = presentMicropostPage(page);
  });

  router.put('/v1/users/:username/follow', deps.requireAuth, async (ctx) => {
    const { username } = parseParams(ctx, UsernameParams);
    const state = await followUser(domain(ctx), { followerId: caller(ctx).userId, username });
    ctx.body = presentRelationship({ isSelf: false, isFollowing: state.isFollowing, followsYou: state.followsYou });
  });

  router.delete('/v1/users/:username/follow', deps.requireAuth, async (ctx) => {
    const { username } = parseParams(ctx, UsernameParams);
    const state = await unfollowUser(domain(ctx), { followerId: caller(ctx).userId, username });
    ctx.body = presentRelationship({ isSelf: false, isFollowing: state.isFollowing, followsYou: state.followsYou });
  });

  router.get('/v1/users/:username/followers', deps.optionalAuth, async (ctx) => {
    const { username } = parseParams(ctx, UsernameParams);
    const { cursor, limit } = parseQuery(ctx, CursorPageQuery);
    ctx.body = presentUserPage(
      await listFollowers(domain(ctx), { username, paging: { kind: 'cursor', cursor: cursor ?? null, limit } }),
    );
  });

  router.get('/v1/users/:username/following', deps.optionalAuth, async (ctx) => {
    const { username } = parseParams(ctx, UsernameParams);
    const { cursor, limit } = parseQuery(ctx, CursorPageQuery);
    ctx.body = presentUserPage(
      await listFollowing(domain(ctx), { username, paging: { kind: 'cursor', cursor: cursor ?? null, limit } }),
    );
  });
}
