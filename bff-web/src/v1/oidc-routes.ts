// Sign-in through OpenID Connect providers (authorization code flow with PKCE, state and nonce; bff-web is the
// confidential client and keeps no provider token), the username choice of a first sign-in, linked sign-ins,
// and sign-out that also names the provider's end-session URL.
import {
  checkSession,
  DomainError,
  linkIdentity,
  listIdentities,
  revokeSession,
  signInWithIdentity,
  signUpWithIdentity,
  startWebSession,
  unlinkIdentity,
  type IdentityProviders,
  type UserProfile,
} from '@microblog/domain';
import {
  OidcAuthorizationRequest,
  OidcCallbackRequest,
  OidcSignUpRequest,
  ProviderParams,
} from '@microblog/web-contract';
import type { ParameterizedContext } from 'koa';
import { optionalViewer, requireViewer, signedIn, type AppState } from '../auth.ts';
import { OIDC_COOKIE, type OidcCookie, type PendingAuthorization } from '../oidc/transaction-cookie.ts';
import { HttpProblem } from '@microblog/bff-kit';
import { parseBody, parseParams } from './parse.ts';
import { presentIdentityProviders, presentSignInMethods } from './oidc-presenters.ts';
import { presentSessionInfo } from './presenters.ts';
import type { V1Deps, V1Router } from './router.ts';

/** What the provider routes need besides the common v1 dependencies. */
export type OidcDeps = {
  providers: IdentityProviders;
  oidcCookie: OidcCookie;
  /** This BFF's public origin: the provider redirects back to `<origin>/oidc/callback`. */
  publicOrigin: string;
};

type Context = ParameterizedContext<AppState>;

/** The page of the single-page app that receives the provider's redirect. */
export const CALLBACK_PATH = '/oidc/callback';

// One Set-Cookie for the transaction cookie per answer: a later value replaces an earlier one of this answer.
function setOidcCookie(ctx: Context, value: string): void {
  const current = ctx.response.headers['set-cookie'];
  const others = (Array.isArray(current) ? current : typeof current === 'string' ? [current] : []).filter(
    (line) => !line.startsWith(`${OIDC_COOKIE}=`),
  );
  ctx.set('Set-Cookie', [...others, value]);
}

async function signInAs(ctx: Context, deps: V1Deps, profile: UserProfile, provider: string) {
  const session = await startWebSession(ctx.state.domain, { userId: profile.id, identityProvider: provider });
  const { token, maxAgeSeconds } = deps.cookies.issue(profile.id, session.id, session.expiresAt);
  ctx.append('Set-Cookie', deps.cookies.setCookie(token, maxAgeSeconds));
  return presentSessionInfo(profile, session.expiresAt);
}

function knownProvider(deps: V1Deps & OidcDeps, params: unknown): string {
  const { provider } = parseParams(ProviderParams, params);
  if (deps.providers.find(provider) === null) throw new HttpProblem(404, 'not_found', 'no such sign-in provider');
  return provider;
}

async function startAuthorization(ctx: Context, deps: V1Deps & OidcDeps) {
  const provider = knownProvider(deps, ctx.params);
  const { purpose = 'sign_in' } = parseBody(OidcAuthorizationRequest, ctx.request.body);
  const viewer = ctx.state.viewer;
  if (purpose === 'link' && viewer === null)
    throw new HttpProblem(401, 'unauthenticated', 'sign in to link a provider');
  await deps.throttles.signInAttempt(ctx.ip);
  const request = await deps.providers.authorizationRequest(provider, `${deps.publicOrigin}${CALLBACK_PATH}`);
  const pending: PendingAuthorization = {
    kind: 'authorization',
    provider,
    state: request.state,
    nonce: request.nonce,
    codeVerifier: request.codeVerifier,
    linkUserId: purpose === 'link' && viewer ? viewer.userId : null,
  };
  setOidcCookie(ctx, deps.oidcCookie.set(pending));
  return { authorizationUrl: request.url };
}

async function finishAuthorization(ctx: Context, deps: V1Deps & OidcDeps) {
  const body = parseBody(OidcCallbackRequest, ctx.request.body);
  const pending = deps.oidcCookie.read(ctx.get('Cookie'), 'authorization');
  // One use only: whatever happens next, this transaction is spent.
  setOidcCookie(ctx, deps.oidcCookie.clear());
  await deps.throttles.signInAttempt(ctx.ip);
  const identity = await deps.providers.redeemCode(pending.provider, {
    code: body.code,
    redirectUri: `${deps.publicOrigin}${CALLBACK_PATH}`,
    codeVerifier: pending.codeVerifier,
    nonce: pending.nonce,
    state: { received: body.state, expected: pending.state },
    iss: body.iss,
  });
  if (pending.linkUserId !== null) {
    if (ctx.state.viewer?.userId !== pending.linkUserId)
      throw new HttpProblem(401, 'unauthenticated', 'sign in to link a provider');
    const methods = await linkIdentity(ctx.state.domain, { userId: pending.linkUserId, identity });
    return { outcome: 'linked' as const, signInMethods: presentSignInMethods(methods, deps.providers) };
  }
  const result = await signInWithIdentity(ctx.state.domain, identity);
  if (result.status === 'signed_in')
    return { outcome: 'signed_in' as const, session: await signInAs(ctx, deps, result.user, pending.provider) };
  setOidcCookie(
    ctx,
    deps.oidcCookie.set({ kind: 'signup', provider: pending.provider, signupTicket: result.signupTicket }),
  );
  return { outcome: 'username_required' as const, suggestedUsername: result.suggestedUsername };
}

async function finishSignUp(ctx: Context, deps: V1Deps & OidcDeps) {
  const { username } = parseBody(OidcSignUpRequest, ctx.request.body);
  const pending = deps.oidcCookie.read(ctx.get('Cookie'), 'signup');
  const profile = await signUpWithIdentity(ctx.state.domain, { signupTicket: pending.signupTicket, username });
  setOidcCookie(ctx, deps.oidcCookie.clear());
  return signInAs(ctx, deps, profile, pending.provider);
}

// The local session ends whatever the provider does; a provider that cannot be reached just gets no logout URL.
async function signOut(ctx: Context, deps: V1Deps & OidcDeps) {
  const viewer = ctx.state.viewer;
  let provider: string | null = null;
  if (viewer) {
    provider = (await checkSession(ctx.state.domain, { sessionId: viewer.sessionId, userId: viewer.userId }))
      .identityProvider;
    await revokeSession(ctx.state.domain, { userId: viewer.userId, sessionId: viewer.sessionId });
  }
  ctx.set('Set-Cookie', deps.cookies.clearCookie());
  if (provider === null || deps.providers.find(provider) === null) return { endSessionUrl: null };
  try {
    return { endSessionUrl: await deps.providers.endSessionUrl(provider, `${deps.publicOrigin}/`) };
  } catch (error) {
    if (error instanceof DomainError && error.code === 'identity_provider_unavailable') return { endSessionUrl: null };
    throw error;
  }
}

/** Adds the provider sign-in and linked sign-in routes. */
export function oidcRoutes(router: V1Router, deps: V1Deps & OidcDeps): void {
  router.get('listIdentityProviders', '/auth/providers', (ctx) => {
    ctx.body = presentIdentityProviders(deps.providers);
  });

  router.post(
    'startProviderSignIn',
    '/auth/providers/:provider/authorization',
    optionalViewer(deps.cookies),
    async (ctx) => {
      ctx.body = await startAuthorization(ctx, deps);
    },
  );

  router.post('finishProviderSignIn', '/auth/oidc/callback', optionalViewer(deps.cookies), async (ctx) => {
    ctx.body = await finishAuthorization(ctx, deps);
  });

  router.post('finishProviderSignUp', '/auth/oidc/signup', async (ctx) => {
    ctx.body = await finishSignUp(ctx, deps);
    ctx.status = 201;
  });

  router.post('signOutWithProvider', '/auth/sign-out', optionalViewer(deps.cookies), async (ctx) => {
    ctx.body = await signOut(ctx, deps);
  });

  router.get('getSignInMethods', '/me/sign-in-methods', requireViewer(deps.cookies), async (ctx) => {
    const methods = await listIdentities(ctx.state.domain, { userId: signedIn(ctx).userId });
    ctx.body = presentSignInMethods(methods, deps.providers);
  });

  router.delete('unlinkProvider', '/me/sign-in-methods/:provider', requireViewer(deps.cookies), async (ctx) => {
    const { provider } = parseParams(ProviderParams, ctx.params);
    const methods = await unlinkIdentity(ctx.state.domain, { userId: signedIn(ctx).userId, providerId: provider });
    ctx.body = presentSignInMethods(methods, deps.providers);
  });
}
