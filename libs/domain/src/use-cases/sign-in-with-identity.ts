import type { DomainContext } from '../database.ts';
import { ExternalIdentity } from '../entities/external-identity.ts';
import { User } from '../entities/user.ts';
import type { VerifiedIdentity } from '../identity-providers.ts';
import { issueSignupTicket } from '../signup-tickets.ts';
import { checkDisplayName, checkUsername, usernameKey } from '../text-rules.ts';
import { toUserProfile, type UserProfile } from '../views.ts';

/** Signed in as a (possibly just created) user, or a username must be chosen first. */
export type IdentitySignIn =
  | { status: 'signed_in'; user: UserProfile; created: boolean }
  | { status: 'username_required'; suggestedUsername: string | null; signupTicket: string };

/** The provider's preferred name made to fit the username rules, or null when nothing usable is left. */
export function suggestUsername(preferred: string | null): string | null {
  if (preferred === null) return null;
  const cleaned = preferred
    .normalize('NFKD')
    .replace(/@.*$/, '')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 30);
  return checkUsername(cleaned) === null ? cleaned : null;
}

/** Creates a passwordless user linked to this identity; the caller has checked the username. */
export async function createUserWithIdentity(
  ctx: DomainContext,
  identity: VerifiedIdentity,
  username: string,
): Promise<User> {
  return ctx.em.transactional(async (em) => {
    const displayName =
      identity.displayName && checkDisplayName(identity.displayName) === null
        ? identity.displayName.normalize('NFC')
        : '';
    const user = em.create(User, { username, usernameKey: usernameKey(username), displayName, passwordHash: null });
    em.create(ExternalIdentity, {
      user,
      providerId: identity.providerId,
      issuer: identity.issuer,
      subject: identity.subject,
    });
    // A concurrent sign-up with the same name or identity loses on a unique index: nothing is half-written.
    await em.flush();
    return user;
  });
}

/**
 * The user linked to a verified provider identity. A first sign-in creates the user when the provider's
 * preferred username fits and is free; otherwise it answers with a ticket to choose one. Accounts are never
 * matched by e-mail address: only an explicit link joins an identity to an existing account.
 */
export async function signInWithIdentity(ctx: DomainContext, identity: VerifiedIdentity): Promise<IdentitySignIn> {
  const linked = await ctx.em.findOne(
    ExternalIdentity,
    { issuer: identity.issuer, subject: identity.subject },
    { populate: ['user'] },
  );
  if (linked) {
    linked.lastUsedAt = new Date();
    await ctx.em.flush();
    return { status: 'signed_in', user: toUserProfile(linked.user.getEntity()), created: false };
  }
  const suggested = suggestUsername(identity.preferredUsername);
  if (suggested !== null && (await ctx.em.count(User, { usernameKey: usernameKey(suggested) })) === 0) {
    const user = await createUserWithIdentity(ctx, identity, suggested);
    return { status: 'signed_in', user: toUserProfile(user), created: true };
  }
  return {
    status: 'username_required',
    suggestedUsername: suggested,
    signupTicket: issueSignupTicket(ctx.keys, identity),
  };
}
