import type { DomainContext } from '../database.ts';
import { ExternalIdentity } from '../entities/external-identity.ts';
import { Conflict } from '../errors.ts';
import type { VerifiedIdentity } from '../identity-providers.ts';
import { loadUserById } from './find-user.ts';
import { listIdentities, type SignInMethods } from './list-identities.ts';

/**
 * Links a verified provider identity to the signed-in user. Linking the same identity again changes nothing;
 * Conflict when it belongs to another account or the user already has another identity at that issuer.
 */
export async function linkIdentity(
  ctx: DomainContext,
  input: { userId: string; identity: VerifiedIdentity },
): Promise<SignInMethods> {
  const user = await loadUserById(ctx.em, input.userId);
  const { identity } = input;
  const existing = await ctx.em.findOne(ExternalIdentity, { issuer: identity.issuer, subject: identity.subject });
  if (existing && existing.user.id !== user.id) throw new Conflict('this sign-in is already linked to another account');
  if (!existing) {
    if ((await ctx.em.count(ExternalIdentity, { user: user.id, issuer: identity.issuer })) > 0) {
      throw new Conflict('another sign-in at this provider is already linked; unlink it first');
    }
    ctx.em.create(ExternalIdentity, {
      user,
      providerId: identity.providerId,
      issuer: identity.issuer,
      subject: identity.subject,
    });
    await ctx.em.flush();
  }
  return listIdentities(ctx, { userId: user.id });
}
