import type { DomainContext } from '../database.ts';
import { NotFound } from '../errors.ts';
import { isId, query, toDate } from '../sql.ts';
import { userProfileById } from '../sql/users.ts';
import { toUserProfile, type Relationship, type UserProfile } from '../views.ts';
import { loadUserByUsername } from './find-user.ts';

/** A user's public profile and, for a signed-in viewer, how the two relate. */
export async function getProfile(
  ctx: DomainContext,
  input: { username: string; viewerId?: string | null | undefined },
): Promise<{ profile: UserProfile; relationship: Relationship }> {
  const user = await loadUserByUsername(ctx.em, input.username);
  const viewerId = input.viewerId ?? null;
  if (viewerId === null || viewerId === user.id) {
    return {
      profile: toUserProfile(user),
      relationship: { isSelf: viewerId === user.id, isFollowing: false, followsYou: false },
    };
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

/** The signed-in user's own profile: one prepared statement, no entity loaded. */
export async function getOwnProfile(ctx: DomainContext, input: { userId: string }): Promise<UserProfile> {
  if (typeof input.userId !== 'string' || !isId(input.userId)) throw new NotFound('user');
  const row = await userProfileById(ctx.pool, input.userId);
  if (row === null) throw new NotFound('user');
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    bio: row.bio,
    joinedAt: toDate(row.created_at),
    counts: { posts: row.posts_count, followers: row.followers_count, following: row.following_count },
  };
}
