import type { DomainContext } from '../database.ts';
import { query } from '../sql.ts';
import { toUserProfile, type Relationship, type UserProfile } from '../views.ts';
import { loadUserById, loadUserByUsername } from './find-user.ts';

/** A user's public profile and, for a signed-in viewer, how the two relate. */
export async function getProfile(
  ctx: DomainContext,
  input: { username: string; viewerId?: string | null | undefined },
): Promise<{ profile: UserProfile; relationship: Relationship }> {
  const user = await loadUserByUsername(ctx.em, input.username);
  const viewerId = input.viewerId ?? null;
  if (viewerId === null || viewerId === user.id) {
    return { profile: toUserProfile(user), relationship: { isSelf: viewerId === user.id, isFollowing: false, followsYou: false } };
  }
  const [row] = await query<{ is_following: boolean; follows_you: boolean }>(
    ctx.em,
    `select exists(select 1 from follows where follower_id = ? and followee_id = ?) as is_following,
            exists(select 1 from follows where follower_id = ? and followee_id = ?) as follows_you`,
    [viewerId, user.id, user.id, viewerId],
  );
  return {
    profile: toUserProfile(user),
    relationship: { isSelf: false, isFollowing: row?.is_following ?? false, followsYou: row?.follows_you ?? false },
  };
}

/** The signed-in user's own profile. */
export async function getOwnProfile(ctx: DomainContext, input: { userId: string }): Promise<UserProfile> {
  return toUserProfile(await loadUserById(ctx.em, input.userId));
}
