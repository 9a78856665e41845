// SQL of the `users` table family on hot paths: named prepared statements with typed rows.
import type { Pool } from 'pg';

/** A user's profile columns (timestamps as PostgreSQL's text, see `toDate`). */
export type UserProfileRow = {
  id: string;
  username: string;
  display_name: string;
  bio: string;
  created_at: string;
  posts_count: number;
  followers_count: number;
  following_count: number;
};

/** The profile of the user with this id (checked with `isId` first), or null. */
export async function userProfileById(pool: Pool, userId: string): Promise<UserProfileRow | null> {
  const result = await pool.query<UserProfileRow>({
    name: 'users_profile_by_id',
    text: `select id, username, display_name, bio, created_at, posts_count, followers_count, following_count
           from users where id = $1`,
    values: [userId],
  });
  return result.rows[0] ?? null;
}
