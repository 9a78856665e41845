import type { DomainContext } from '../database.ts';
import { toUserProfile, type UserProfile } from '../views.ts';
import { loadUserById } from './find-user.ts';

/** Changes the display name and/or bio of the signed-in user. */
export async function updateProfile(
  ctx: DomainContext,
  input: { userId: string; displayName?: string | undefined; bio?: string | undefined },
): Promise<UserProfile> {
  const user = await loadUserById(ctx.em, input.userId);
  user.editProfile({ displayName: input.displayName, bio: input.bio });
  await ctx.em.flush();
  return toUserProfile(user);
}
