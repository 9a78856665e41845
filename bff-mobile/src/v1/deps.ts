// What the v1 routes are given by createApp.
import type { IdentityProviders } from '@microblog/domain';
import type { Middleware } from 'koa';
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { Config } from '../config.ts';
import type { RateLimiters } from '../rate-limits.ts';

/** Test seams: code run at fixed points of a request (e.g. hold a create inside its transaction). */
export type Hooks = { insideCreatePost?: () => Promise<void> };

/** Shared by every v1 route module. */
export type RouteDeps = {
  config: Config;
  tokens: AccessTokens;
  limiters: RateLimiters;
  requireAuth: Middleware;
  optionalAuth: Middleware;
  hooks: Hooks;
  /** OpenID Connect providers (config.identityProviders) and their relying party. */
  providers: IdentityProviders;
};
