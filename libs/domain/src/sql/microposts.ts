// SQL of the `microposts` table family on hot paths: named prepared statements with typed rows.
//
// A new post is one call of the database function post_micropost (migrations/Migration20261126120000_…), which in
// one transaction: claims the Idempotency-Key when one is given (claim_idempotency_key: the unique constraint on
// idempotency_records (user_id, key) decides the race, an expired record is replaced, a live one is replayed or
// refused); counts the post on the author's row, which it locks (see home-feed.ts); inserts the post (its change_seq
// and micropost_changes triggers fire); fans it out into home_feed (the author's and every follower's line); records
// its mentions, a notification for each mentioned user but the author, and that notification's `user.mentioned`
// outbox event (the payload appendOutboxEvent writes for an edit, src/mentions.ts); and stores the post's view as the
// key's record. Change one side and the other together. The statement calls it through the procedure
// post_micropost_committed (migrations/Migration20261207000000_…), which commits the post and then sends its
// notifications (micropost_changes, users_changed, home_feed_changed) in a transaction of their own, so that posts do
// not commit one at a time behind PostgreSQL's lock on NOTIFY.
//
// The read side: a user's posts, author and total included, in one statement (userPostsPage).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import { MICROPOST_COLUMNS, type MicropostRow } from '../micropost-reads.ts';
import { preparedReplicaRead } from '../replica-reads.ts';
import { query } from '../sql.ts';

/** A micropost view as post_micropost builds it and an idempotency record keeps it (timestamps as ISO text). */
export type MicropostViewJson = {
  id: string;
  author: { id: string; username: string; displayName: string };
  text: string;
  createdAt: string;
  editedAt: string | null;
  mentions: string[];
};

/**
 * What post_micropost answers: `created` with the new post's view, `replayed` with the view the key's first request
 * made, or `key_reused` (the key's record is of another request) with no post.
 */
export type PostMicropostRow =
  { outcome: 'created' | 'replayed'; post: MicropostViewJson } | { outcome: 'key_reused'; post: null };

/** A post to make: text already normalized, mentioned username keys already read from it. */
export type PostMicropostInput = {
  authorId: string;
  text: string;
  mentionKeys: string[];
  /** The request's Idempotency-Key and fingerprint, how long its record lives and how long a duplicate waits. */
  idempotency: { key: string; fingerprint: string; ttlMs: number; waitMs: number } | null;
  /** Past this many followers, the followers' lines are written by the fan-out worker (../fan-out-worker.ts). */
  fanOutMaxFollowers: number;
};

const POST_MICROPOST = 'call post_micropost_committed($1, $2, $3, $4, $5, $6, $7, $8)';

function valuesOf(input: PostMicropostInput): unknown[] {
  const once = input.idempotency;
  return [
    input.authorId,
    input.text,
    input.mentionKeys,
    once?.key ?? null,
    once?.fingerprint ?? null,
    once?.ttlMs ?? 0,
    once?.waitMs ?? 0,
    input.fanOutMaxFollowers,
  ];
}

/**
 * Makes the post in one round trip: the post commits in a transaction of its own, then its notifications are sent.
 * Never call it inside a transaction: use `postMicropostRowIn`.
 * Rejects with SQLSTATE 55P03 when a request with the same key is still running after `waitMs`, P0002 or 23503
 * when the author does not exist. The author id must be checked with `isId` first.
 */
export async function postMicropostRow(pool: Pool, input: PostMicropostInput): Promise<PostMicropostRow> {
  // Unnamed: a CALL has no plan to keep (the procedure's statements keep theirs, per connection, in PL/pgSQL), and
  // pg_stat_statements does not count a named CALL under plan_cache_mode=force_generic_plan (database.ts), which would
  // hide the hottest write from operators and from the bench's round-trip count.
  const result = await pool.query<PostMicropostRow>({ text: POST_MICROPOST, values: valuesOf(input) });
  return onlyRow(result.rows);
}

/**
 * The same post inside the caller's transaction (it then commits or rolls back with the rest, and its notifications
 * are sent with that commit).
 */
export async function postMicropostRowIn(em: EntityManager, input: PostMicropostInput): Promise<PostMicropostRow> {
  // MikroORM inlines parameters: the keys go as an array literal (they are [a-z0-9_] only, see text-rules.ts).
  const values = valuesOf(input);
  values[2] = `{${input.mentionKeys.join(',')}}`;
  const rows = await query<PostMicropostRow>(
    em,
    'select outcome, post from post_micropost(?, ?, ?::text[], ?, ?, ?, ?, ?)',
    values,
  );
  return onlyRow(rows);
}

function onlyRow(rows: PostMicropostRow[]): PostMicropostRow {
  const row = rows[0];
  if (!row) throw new Error('post_micropost answered no row');
  return row;
}

type Reader = { readonly em: EntityManager; readonly pool: Pool };

/** A user's page as `userPostsPage` reads it: who the author is, their post count, and the page's posts. */
export type UserPostsPage = { authorId: string; postsCount: number; rows: MicropostRow[] } | null;

type UserPostsRow = { list_author_id: string; total: number } & (
  { [K in keyof MicropostRow]: MicropostRow[K] } | { id: null }
);

// The author's row and, joined laterally, their live posts of the page (either after a keyset position or from an
// offset): one statement however the author is named. Two statements rather than one with `$n is null or ...`, so
// that PostgreSQL's generic plan of each is the right range scan.
const page = (window: string) => `
select u.id as list_author_id, u.posts_count as total, page.*
from users u
left join lateral (
  select ${MICROPOST_COLUMNS}
  from microposts p
  where p.author_id = u.id and p.deleted_at is null ${window}
) page on true
where u.username_key = $1
order by page.created_at desc, page.id desc`;

// Built once: pg compares a named statement's text with the one it prepared on every execution.
const USER_PAGE = page('order by p.created_at desc, p.id desc limit $2 offset $3');
const USER_PAGE_AFTER = page(
  'and (p.created_at, p.id) < ($2::timestamptz, $3::bigint) order by p.created_at desc, p.id desc limit $4',
);

/**
 * The user whose username key is `usernameKey` and `limit` of their live posts, newest first: after the keyset
 * position `after`, or from `offset`. Null when there is no such user. May go to a replica.
 */
export async function userPostsPage(
  reader: Reader,
  input: { usernameKey: string; after: { createdAt: Date; id: string } | null; limit: number; offset: number },
): Promise<UserPostsPage> {
  const rows = await preparedReplicaRead<UserPostsRow>(
    reader,
    input.after === null
      ? { name: 'microposts_user_page', text: USER_PAGE, values: [input.usernameKey, input.limit, input.offset] }
      : {
          name: 'microposts_user_page_after',
          text: USER_PAGE_AFTER,
          values: [input.usernameKey, input.after.createdAt, input.after.id, input.limit],
        },
  );
  const first = rows[0];
  if (first === undefined) return null;
  return {
    authorId: first.list_author_id,
    postsCount: first.total,
    rows: rows.filter((row): row is UserPostsRow & MicropostRow => row.id !== null),
  };
}
