// What the v1 routes are given by createApp.
import type { IdentityProviders } from '@microblog/domain';
import type { Middleware } from 'koa';
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { Throttles } from '@microblog/bff-kit';
import type { Settings } from '../settings.ts';

/** Test seams: code run at fixed points of a request (e.g. hold a create inside its transaction, before its commit). */
export type Hooks = { insideCreatePost?: () => Promise<void> };

/** Shared by every v1 route module. */
export type RouteDeps = {
  settings: Settings;
  tokens: AccessTokens;
  throttles: Throttles;
  requireAuth: Middleware;
  optionalAuth: Middleware;
  hooks: Hooks;
  /** OpenID Connect providers (config.identityProviders) and their relying party. */
  providers: IdentityProviders;
};
