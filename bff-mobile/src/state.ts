// Typed access to what the middleware put on ctx.state.
import type { DomainContext } from '@microblog/domain';
import type { Context } from 'koa';
import type { AccessClaims } from './auth/access-tokens.ts';

/** This request's domain context (one per request). */
export function domain(ctx: Context): DomainContext {
  return ctx.state.domain as DomainContext;
}

/** The authenticated caller; only on routes behind the required bearer check. */
export function caller(ctx: Context): AccessClaims {
  const claims = ctx.state.caller as AccessClaims | undefined;
  if (!claims) throw new Error('this route must be behind bearer authentication');
  return claims;
}

/** The caller's user id on routes where a token is optional; null when signed out. */
export function viewerId(ctx: Context): string | null {
  return (ctx.state.caller as AccessClaims | undefined)?.userId ?? null;
}
