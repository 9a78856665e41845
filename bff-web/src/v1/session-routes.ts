// Sign up, sign in, who am I, sign out, and the signed-in user's own profile and password.
import {
  authenticate,
  changePassword,
  DomainError,
  getOwnProfile,
  registerUser,
  revokeSession,
  startWebSession,
  updateProfile,
  type DomainContext,
  type UserProfile,
} from '@microblog/domain';
import { ChangePasswordRequest, SignInRequest, SignUpRequest, UpdateMeRequest } from '@microblog/web-contract';
import type { ParameterizedContext } from 'koa';
import { optionalViewer, requireViewer, signedIn, type AppState } from '../auth.ts';
import type { V1Deps, V1Router } from './router.ts';
import { parseBody } from './parse.ts';
import { presentCurrentUser, presentSessionInfo } from './presenters.ts';

async function signInAs(ctx: ParameterizedContext<AppState>, deps: V1Deps, profile: UserProfile): Promise<Date> {
  const session = await startWebSession(ctx.state.domain, { userId: profile.id });
  const { token, maxAgeSeconds } = deps.cookies.issue(profile.id, session.id, session.expiresAt);
  ctx.set('Set-Cookie', deps.cookies.setCookie(token, maxAgeSeconds));
  return session.expiresAt;
}

// Counts a wrong password against the account (an unknown user counts the same), clears the count on success.
async function authenticateCounted(domain: DomainContext, deps: V1Deps, input: SignInRequest): Promise<UserProfile> {
  const accountKey = input.username.toLowerCase();
  await deps.throttles.assertAccountNotLocked(accountKey);
  try {
    const profile = await authenticate(domain, input);
    await deps.throttles.clearFailedSignIns(accountKey);
    return profile;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'invalid_credentials')
      await deps.throttles.recordFailedSignIn(accountKey);
    throw error;
  }
}

/** Adds the session and own-profile routes. */
export function sessionRoutes(router: V1Router, deps: V1Deps): void {
  router.post('signUp', '/users', async (ctx) => {
    await deps.throttles.signUp(ctx.ip);
    const body = parseBody(SignUpRequest, ctx.request.body);
    const profile = await registerUser(ctx.state.domain, body);
    const expiresAt = await signInAs(ctx, deps, profile);
    ctx.status = 201;
    ctx.body = presentSessionInfo(profile, expiresAt);
  });

  router.post('signIn', '/session', async (ctx) => {
    const body = parseBody(SignInRequest, ctx.request.body);
    await deps.throttles.signInAttempt(ctx.ip);
    const profile = await authenticateCounted(ctx.state.domain, deps, body);
    const expiresAt = await signInAs(ctx, deps, profile);
    ctx.body = presentSessionInfo(profile, expiresAt);
  });

  router.get('getSession', '/session', requireViewer(deps.cookies), async (ctx) => {
    const viewer = signedIn(ctx);
    const profile = await getOwnProfile(ctx.state.domain, { userId: viewer.userId });
    ctx.body = presentSessionInfo(profile, viewer.sessionExpiresAt);
  });

  router.delete('signOut', '/session', optionalViewer(deps.cookies), async (ctx) => {
    const viewer = ctx.state.viewer;
    if (viewer) await revokeSession(ctx.state.domain, { userId: viewer.userId, sessionId: viewer.sessionId });
    ctx.set('Set-Cookie', deps.cookies.clearCookie());
    ctx.status = 204;
  });

  router.patch('updateMe', '/me', requireViewer(deps.cookies), async (ctx) => {
    const body = parseBody(UpdateMeRequest, ctx.request.body);
    const profile = await updateProfile(ctx.state.domain, {
      userId: signedIn(ctx).userId,
      displayName: body.displayName,
      bio: body.bio,
    });
    ctx.body = presentCurrentUser(profile);
  });

  router.put('changePassword', '/me/password', requireViewer(deps.cookies), async (ctx) => {
    const viewer = signedIn(ctx);
    const body = parseBody(ChangePasswordRequest, ctx.request.body);
    await changePassword(ctx.state.domain, {
      userId: viewer.userId,
      currentPassword: body.currentPassword,
      newPassword: body.newPassword,
      keepSessionId: viewer.sessionId,
    });
    ctx.status = 204;
  });
}
