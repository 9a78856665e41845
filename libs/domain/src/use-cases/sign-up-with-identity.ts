import type { DomainContext } from '../database.ts';
import { ExternalIdentity } from '../entities/external-identity.ts';
import { User } from '../entities/user.ts';
import { Conflict, ValidationError } from '../errors.ts';
import { readSignupTicket } from '../signup-tickets.ts';
import { checkUsername, usernameKey } from '../text-rules.ts';
import { toUserProfile, type UserProfile } from '../views.ts';
import { createUserWithIdentity } from './sign-in-with-identity.ts';

/** Finishes a first provider sign-in with the username the person chose; Conflict when it is taken. */
export async function signUpWithIdentity(
  ctx: DomainContext,
  input: { signupTicket: string; username: string },
): Promise<UserProfile> {
  const identity = readSignupTicket(ctx.keys, input.signupTicket);
  const error = checkUsername(input.username);
  if (error) throw new ValidationError([error]);
  if ((await ctx.em.count(ExternalIdentity, { issuer: identity.issuer, subject: identity.subject })) > 0) {
    throw new Conflict('this sign-in already has an account; sign in with the provider again');
  }
  if ((await ctx.em.count(User, { usernameKey: usernameKey(input.username) })) > 0)
    throw new Conflict('username is taken');
  return toUserProfile(await createUserWithIdentity(ctx, identity, input.username));
}
