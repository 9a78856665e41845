import { LockMode } from '@mikro-orm/core';
import type { DomainContext } from '../database.ts';
import { ExternalIdentity } from '../entities/external-identity.ts';
import { User } from '../entities/user.ts';
import { Conflict, NotFound } from '../errors.ts';
import { listIdentities, type SignInMethods } from './list-identities.ts';

/**
 * Removes a provider sign-in from the user's account. Conflict when it is the last way to sign in (no
 * password, no other identity): an account never locks its owner out.
 */
export async function unlinkIdentity(
  ctx: DomainContext,
  input: { userId: string; providerId: string },
): Promise<SignInMethods> {
  await ctx.em.transactional(async (em) => {
    // The user row is locked so two unlinks at once cannot each leave the other as the "remaining" way in.
    const user = await em.findOne(User, { id: input.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!user) throw new NotFound('user');
    const identities = await em.find(ExternalIdentity, { user: user.id });
    const target = identities.find((identity) => identity.providerId === input.providerId);
    if (!target) throw new NotFound('linked sign-in');
    if (user.passwordHash === null && identities.length === 1) {
      throw new Conflict('this is the last way to sign in to this account; link another provider first');
    }
    em.remove(target);
    await em.flush();
  });
  return listIdentities(ctx, { userId: input.userId });
}
