// The signed-in user's own things: profile, timeline read marker, push tokens.
import { sendCachedAnswer } from '@microblog/bff-kit';
import {
  answerDependency,
  getOwnProfile,
  getTimelineMarker,
  registerPushToken,
  setTimelineMarker,
  unregisterPushToken,
  updateProfile,
} from '@microblog/domain';
import { MarkerUpdateBody, PushTokenBody, PushTokenParams, UpdateMeBody } from '@microblog/mobile-contract';
import type { Router } from '@koa/router';
import { caller, domain } from '../../state.ts';
import type { RouteDeps } from '../deps.ts';
import { parseBody, parseParams } from '../parse.ts';
import { presentMarker, presentOwnProfile, presentPushToken } from '../presenters.ts';

/** Registers the /v1/me routes on `router`. */
export function meRoutes(router: Router, deps: RouteDeps): void {
  router.get('/v1/me', deps.requireAuth, async (ctx) => {
    const { userId } = caller(ctx);
    // Cached until the user's row changes (profile, counters), which every instance hears.
    await sendCachedAnswer(ctx, domain(ctx).answers, `mobile:me:${userId}`, async () => ({
      body: presentOwnProfile(await getOwnProfile(domain(ctx), { userId })),
      dependsOn: [answerDependency.user(userId)],
    }));
  });

  router.patch('/v1/me', deps.requireAuth, async (ctx) => {
    const input = parseBody(ctx, UpdateMeBody);
    const profile = await updateProfile(domain(ctx), {
      userId: caller(ctx).userId,
      displayName: input.displayName,
      bio: input.bio,
    });
    ctx.body = presentOwnProfile(profile);
  });

  router.get('/v1/me/markers/timeline', deps.requireAuth, async (ctx) => {
    ctx.body = presentMarker(await getTimelineMarker(domain(ctx), { userId: caller(ctx).userId }));
  });

  router.put('/v1/me/markers/timeline', deps.requireAuth, async (ctx) => {
    const input = parseBody(ctx, MarkerUpdateBody);
    const marker = await setTimelineMarker(domain(ctx), {
      userId: caller(ctx).userId,
      lastReadId: input.lastReadId,
      version: input.version,
    });
    ctx.body = presentMarker(marker);
  });

  router.post('/v1/me/push-tokens', deps.requireAuth, async (ctx) => {
    const input = parseBody(ctx, PushTokenBody);
    const { userId, sessionId } = caller(ctx);
    const registration = await registerPushToken(domain(ctx), {
      userId,
      sessionId,
      token: input.token,
      platform: input.platform,
    });
    ctx.status = 201;
    ctx.body = presentPushToken(registration);
  });

  router.delete('/v1/me/push-tokens/:token', deps.requireAuth, async (ctx) => {
    const { token } = parseParams(ctx, PushTokenParams);
    await unregisterPushToken(domain(ctx), { userId: caller(ctx).userId, token });
    ctx.status = 204;
  });
}
