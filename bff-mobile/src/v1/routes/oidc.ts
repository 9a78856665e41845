// Sign-in through OpenID Connect providers for the app (RFC 8252): the app runs the authorization request with
// PKCE in the system browser and sends the code, its verifier, redirect URI and nonce here; bff-mobile redeems
// them as the confidential client, validates the ID token, and answers with its own token pair for a device
// session (rotation and reuse detection as for password sign-in). Provider tokens are dropped.
import {
  linkIdentity,
  listIdentities,
  signInWithIdentity,
  signUpWithIdentity,
  startDeviceSession,
  unlinkIdentity,
  type IdentityProviders,
  type SignInMethods,
  type UserSummary,
} from '@microblog/domain';
import { ProviderLinkBody, ProviderParams, ProviderSignUpBody, ProviderTokenBody } from '@microblog/mobile-contract';
import { HttpProblem } from '@microblog/bff-kit';
import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { caller, domain } from '../../state.ts';
import type { RouteDeps } from '../deps.ts';
import { parseBody, parseParams } from '../parse.ts';
import { presentTokens } from '../presenters.ts';

/** The relying party the provider routes use. */
export type OidcRouteDeps = { providers: IdentityProviders };

function presentSignInMethods(methods: SignInMethods, providers: IdentityProviders) {
  return {
    hasPassword: methods.hasPassword,
    identities: methods.identities.map((identity) => ({
      provider: identity.providerId,
      providerName: providers.find(identity.providerId)?.name ?? identity.providerId,
      linkedAt: identity.linkedAt.toISOString(),
      lastUsedAt: identity.lastUsedAt.toISOString(),
    })),
  };
}

// The provider must exist and the app's redirect URI be one configured for it (the provider checks it too).
function redemptionTarget(ctx: Context, deps: OidcRouteDeps, redirectUri: string): string {
  const { provider } = parseParams(ctx, ProviderParams);
  const setting = deps.providers.find(provider);
  if (setting === null || setting.appRedirectUris.length === 0)
    throw new HttpProblem(404, 'not_found', 'no such sign-in provider for the app');
  if (!setting.appRedirectUris.includes(redirectUri)) {
    throw new HttpProblem(422, 'validation_failed', 'some fields are not valid', {
      errors: [{ field: 'redirectUri', message: 'is not a redirect URI configured for this provider' }],
    });
  }
  return provider;
}

/** Registers the provider sign-in routes on `router`. */
export function oidcRoutes(router: Router, deps: RouteDeps & OidcRouteDeps): void {
  const { tokens, throttles, providers } = deps;
  const issue = (ctx: Context, user: UserSummary, sessionId: string, refreshToken: string) => {
    ctx.set('Cache-Control', 'no-store');
    return presentTokens(
      { accessToken: tokens.sign({ userId: user.id, sessionId }), expiresIn: tokens.ttlSeconds, refreshToken },
      user,
    );
  };

  router.get('/v1/auth/providers', (ctx) => {
    ctx.body = {
      items: providers
        .list()
        .filter((p) => p.appRedirectUris.length > 0)
        .map((p) => ({
          id: p.id,
          name: p.name,
          issuer: p.issuer,
          clientId: p.clientId,
          redirectUris: p.appRedirectUris,
        })),
    };
  });

  router.post('/v1/auth/providers/:provider/token', async (ctx) => {
    await throttles.signInAttempt(ctx.ip);
    const input = parseBody(ctx, ProviderTokenBody);
    const provider = redemptionTarget(ctx, deps, input.redirectUri);
    const identity = await providers.redeemCode(provider, input);
    const result = await signInWithIdentity(domain(ctx), identity);
    if (result.status === 'username_required') {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = {
        outcome: 'username_required',
        signupTicket: result.signupTicket,
        suggestedUsername: result.suggestedUsername,
      };
      return;
    }
    const { session, refreshToken } = await startDeviceSession(domain(ctx), {
      userId: result.user.id,
      device: input.device,
      identityProvider: provider,
    });
    ctx.body = { outcome: 'signed_in', ...issue(ctx, result.user, session.id, refreshToken) };
  });

  router.post('/v1/auth/provider-signup', async (ctx) => {
    await throttles.signUp(ctx.ip);
    const input = parseBody(ctx, ProviderSignUpBody);
    const user = await signUpWithIdentity(domain(ctx), { signupTicket: input.signupTicket, username: input.username });
    const { session, refreshToken } = await startDeviceSession(domain(ctx), { userId: user.id, device: input.device });
    ctx.status = 201;
    ctx.body = issue(ctx, user, session.id, refreshToken);
  });

  router.get('/v1/me/sign-in-methods', deps.requireAuth, async (ctx) => {
    ctx.body = presentSignInMethods(await listIdentities(domain(ctx), { userId: caller(ctx).userId }), providers);
  });

  router.post('/v1/me/sign-in-methods/:provider', deps.requireAuth, async (ctx) => {
    const input = parseBody(ctx, ProviderLinkBody);
    const identity = await providers.redeemCode(redemptionTarget(ctx, deps, input.redirectUri), input);
    ctx.body = presentSignInMethods(
      await linkIdentity(domain(ctx), { userId: caller(ctx).userId, identity }),
      providers,
    );
  });

  router.delete('/v1/me/sign-in-methods/:provider', deps.requireAuth, async (ctx) => {
    const { provider } = parseParams(ctx, ProviderParams);
    ctx.body = presentSignInMethods(
      await unlinkIdentity(domain(ctx), { userId: caller(ctx).userId, providerId: provider }),
      providers,
    );
  });
}
