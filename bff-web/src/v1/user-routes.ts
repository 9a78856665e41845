// Profiles, follow and unfollow, and the follower lists.
import { followUser, getProfile, listFollowers, listFollowing, unfollowUser } from '@microblog/domain';
import { PageQuery, UsernameParams } from '@microblog/web-contract';
import { optionalViewer, requireViewer, signedIn } from '../auth.ts';
import { respondWithPage } from './micropost-routes.ts';
import { parseParams, parseQuery } from './parse.ts';
import { presentProfile, presentRelationship, presentUserSummary } from './presenters.ts';
import type { V1Deps, V1Router } from './router.ts';

/** Adds the profile and follow routes. */
export function userRoutes(router: V1Router, deps: V1Deps): void {
  router.get('getProfile', '/users/:username', optionalViewer(deps.cookies), async (ctx) => {
    const { username } = parseParams(UsernameParams, ctx.params);
    const { profile, relationship } = await getProfile(ctx.state.domain, {
      username,
      viewerId: ctx.state.viewer?.userId ?? null,
    });
    ctx.body = presentProfile(profile, relationship);
  });

  router.put('follow', '/users/:username/follow', requireViewer(deps.cookies), async (ctx) => {
    const { username } = parseParams(UsernameParams, ctx.params);
    ctx.body = presentRelationship(await followUser(ctx.state.domain, { followerId: signedIn(ctx).userId, username }));
  });

  router.delete('unfollow', '/users/:username/follow', requireViewer(deps.cookies), async (ctx) => {
    const { username } = parseParams(UsernameParams, ctx.params);
    ctx.body = presentRelationship(
      await unfollowUser(ctx.state.domain, { followerId: signedIn(ctx).userId, username }),
    );
  });

  router.get('listFollowers', '/users/:username/followers', async (ctx) => {
    const { username } = parseParams(UsernameParams, ctx.params);
    const query = parseQuery(PageQuery, ctx);
    const page = await listFollowers(ctx.state.domain, {
      username,
      paging: { kind: 'page', number: query.page, size: query.per_page },
    });
    respondWithPage(ctx, page, presentUserSummary);
  });

  router.get('listFollowing', '/users/:username/following', async (ctx) => {
    const { username } = parseParams(UsernameParams, ctx.params);
    const query = parseQuery(PageQuery, ctx);
    const page = await listFollowing(ctx.state.domain, {
      username,
      paging: { kind: 'page', number: query.page, size: query.per_page },
    });
    respondWithPage(ctx, page, presentUserSummary);
  });
}
