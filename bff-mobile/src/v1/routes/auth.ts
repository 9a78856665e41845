// Sign-up, sign-in, refresh (rotation with reuse detection), sign-out and device sessions.
import {
  authenticate,
  getOwnProfile,
  InvalidCredentials,
  listSessions,
  registerUser,
  revokeSession,
  rotateRefreshToken,
  startDeviceSession,
  type UserSummary,
} from '@microblog/domain';
import { RefreshBody, SessionIdParams, SignInBody, SignUpBody } from '@microblog/mobile-contract';
import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { caller, domain } from '../../state.ts';
import type { RouteDeps } from '../deps.ts';
import { parseBody, parseParams } from '../parse.ts';
import { presentSession, presentTokens } from '../presenters.ts';

/** Registers the auth routes on `router`. */
export function authRoutes(router: Router, deps: RouteDeps): void {
  const { tokens, throttles } = deps;
  const issue = (ctx: Context, user: UserSummary, sessionId: string, refreshToken: string) => {
    ctx.set('Cache-Control', 'no-store');
    const accessToken = tokens.sign({ userId: user.id, sessionId });
    return presentTokens({ accessToken, expiresIn: tokens.ttlSeconds, refreshToken }, user);
  };

  router.post('/v1/users', async (ctx) => {
    await throttles.signUp(ctx.ip);
    const input = parseBody(ctx, SignUpBody);
    const user = await registerUser(domain(ctx), {
      username: input.username,
      password: input.password,
      displayName: input.displayName,
    });
    const { session, refreshToken } = await startDeviceSession(domain(ctx), { userId: user.id, device: input.device });
    ctx.status = 201;
    ctx.body = issue(ctx, user, session.id, refreshToken);
  });

  router.post('/v1/auth/token', async (ctx) => {
    await throttles.signInAttempt(ctx.ip);
    const input = parseBody(ctx, SignInBody);
    const account = input.username.toLowerCase();
    await throttles.assertAccountNotLocked(account);
    const user = await authenticate(domain(ctx), input).catch(async (error: unknown) => {
      if (error instanceof InvalidCredentials) await throttles.recordFailedSignIn(account);
      throw error;
    });
    // As on the web: a good password clears the account's failed attempts.
    await throttles.clearFailedSignIns(account);
    const { session, refreshToken } = await startDeviceSession(domain(ctx), { userId: user.id, device: input.device });
    ctx.body = issue(ctx, user, session.id, refreshToken);
  });

  router.post('/v1/auth/refresh', async (ctx) => {
    const input = parseBody(ctx, RefreshBody);
    const { session, refreshToken } = await rotateRefreshToken(domain(ctx), {
      refreshToken: input.refreshToken,
      reuseGraceMs: deps.settings.refreshReuseGraceMs,
    });
    const user = await getOwnProfile(domain(ctx), { userId: session.userId });
    ctx.body = issue(ctx, user, session.id, refreshToken);
  });

  router.post('/v1/auth/logout', deps.requireAuth, async (ctx) => {
    const { userId, sessionId } = caller(ctx);
    await revokeSession(domain(ctx), { userId, sessionId, reason: 'signed_out' });
    ctx.status = 204;
  });

  router.get('/v1/me/sessions', deps.requireAuth, async (ctx) => {
    const { userId, sessionId } = caller(ctx);
    const sessions = await listSessions(domain(ctx), { userId, kind: 'mobile' });
    ctx.body = { items: sessions.map((s) => presentSession(s, sessionId)) };
  });

  router.delete('/v1/me/sessions/:id', deps.requireAuth, async (ctx) => {
    const { id } = parseParams(ctx, SessionIdParams);
    // Only the device sessions GET /v1/me/sessions lists: a web session's id is 404 here.
    await revokeSession(domain(ctx), { userId: caller(ctx).userId, sessionId: id, reason: 'revoked', kind: 'mobile' });
    ctx.status = 204;
  });
}
