import type { DomainContext } from '../database.ts';
import { ExternalIdentity } from '../entities/external-identity.ts';
import { loadUserById } from './find-user.ts';

/** One provider sign-in linked to the account. */
export type LinkedIdentityView = { providerId: string; issuer: string; linkedAt: Date; lastUsedAt: Date };

/** The ways an account can sign in. */
export type SignInMethods = { hasPassword: boolean; identities: LinkedIdentityView[] };

/** The account's password (whether it has one) and linked provider identities, oldest link first. */
export async function listIdentities(ctx: DomainContext, input: { userId: string }): Promise<SignInMethods> {
  const user = await loadUserById(ctx.em, input.userId);
  const identities = await ctx.em.find(
    ExternalIdentity,
    { user: user.id },
    { orderBy: { createdAt: 'asc', id: 'asc' } },
  );
  return {
    hasPassword: user.passwordHash !== null,
    identities: identities.map((identity) => ({
      providerId: identity.providerId,
      issuer: identity.issuer,
      linkedAt: identity.createdAt,
      lastUsedAt: identity.lastUsedAt,
    })),
  };
}
