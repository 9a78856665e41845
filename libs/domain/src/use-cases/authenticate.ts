import { User } from '../entities/user.ts';
import type { DomainContext } from '../database.ts';
import { InvalidCredentials } from '../errors.ts';
import { passwordMatches } from '../passwords.ts';
import { checkUsername, usernameKey } from '../text-rules.ts';
import { toUserProfile, type UserProfile } from '../views.ts';

/** The user whose username and password these are; InvalidCredentials otherwise, at the same cost either way. */
export async function authenticate(
  ctx: DomainContext,
  input: { username: string; password: string },
): Promise<UserProfile> {
  const user =
    checkUsername(input.username) === null
      ? await ctx.em.findOne(User, { usernameKey: usernameKey(input.username) })
      : null;
  const ok = await passwordMatches(user?.passwordHash ?? null, input.password.slice(0, 1024));
  if (!user || !ok) throw new InvalidCredentials();
  return toUserProfile(user);
}
