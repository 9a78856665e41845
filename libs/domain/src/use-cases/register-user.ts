import { User } from '../entities/user.ts';
import type { DomainContext } from '../database.ts';
import { Conflict, ValidationError, type FieldError } from '../errors.ts';
import { checkPassword, hashPassword } from '../passwords.ts';
import { checkDisplayName, checkUsername, usernameKey } from '../text-rules.ts';
import { toUserProfile, type UserProfile } from '../views.ts';

/** Creates an account; Conflict when the username is taken in any letter case. */
export async function registerUser(
  ctx: DomainContext,
  input: { username: string; password: string; displayName?: string | undefined },
): Promise<UserProfile> {
  const errors = [
    checkUsername(input.username),
    await checkPassword(input.password, input.username),
    input.displayName === undefined ? null : checkDisplayName(input.displayName),
  ].filter((e): e is FieldError => e !== null);
  if (errors.length > 0) throw new ValidationError(errors);

  const key = usernameKey(input.username);
  if ((await ctx.em.count(User, { usernameKey: key })) > 0) throw new Conflict('username is taken');
  const user = ctx.em.create(User, {
    username: input.username,
    usernameKey: key,
    displayName: (input.displayName ?? '').normalize('NFC'),
    passwordHash: await hashPassword(input.password),
  });
  // A concurrent sign-up with the same name loses on the unique index; the edge turns that into Conflict.
  await ctx.em.flush();
  return toUserProfile(user);
}
