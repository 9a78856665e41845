// The write side of the materialized home timeline (fan-out on write). Every function runs inside the
// caller's transaction AFTER the caller has locked the author's user row (the counter update does it), so a
// post and a follow of its author serialize: whichever commits second sees the other, and no line is lost.
// A new post's lines (its author's feed and every follower's) are written by the database function post_micropost,
// in the same order (the author's row first): see src/sql/microposts.ts.
import type { EntityManager } from '@mikro-orm/postgresql';
import { run } from './sql.ts';

/** A deleted post leaves every feed it is in (its author's and its author's followers'), by primary key. */
export async function removePostFromFeeds(
  em: EntityManager,
  post: { id: string; authorId: string; createdAt: Date },
): Promise<void> {
  await run(
    em,
    `delete from home_feed
     where owner_id in (select f.follower_id from follows f where f.followee_id = ? union all select ?::bigint)
       and created_at = ? and micropost_id = ?`,
    [post.authorId, post.authorId, post.createdAt, post.id],
  );
}

/** A new follow brings all of the followee's live posts into the follower's feed. */
export async function backfillFeed(em: EntityManager, followerId: string, followeeId: string): Promise<void> {
  await run(
    em,
    `insert into home_feed (owner_id, created_at, micropost_id, author_id)
     select ?::bigint, p.created_at, p.id, p.author_id from microposts p where p.author_id = ? and p.deleted_at is null
     on conflict do nothing`,
    [followerId, followeeId],
  );
}

/** An unfollow takes the followee's posts out of the follower's feed. */
export async function removeAuthorFromFeed(em: EntityManager, followerId: string, followeeId: string): Promise<void> {
  await run(em, 'delete from home_feed where owner_id = ? and author_id = ?', [followerId, followeeId]);
}
