// SQL of the `microposts` table family on hot paths: named prepared statements with typed rows.
//
// A new post is one call of the database function post_micropost (migrations/Migration20261126120000_…), which in
// one transaction: claims the Idempotency-Key when one is given (claim_idempotency_key: the unique constraint on
// idempotency_records (user_id, key) decides the race, an expired record is replaced, a live one is replayed or
// refused); counts the post on the author's row, which it locks (see home-feed.ts); inserts the post (its change_seq
// and micropost_changes triggers fire); fans it out into home_feed (the author's and every follower's line); records
// its mentions, a notification for each mentioned user but the author, and that notification's `user.mentioned`
// outbox event (the payload appendOutboxEvent writes for an edit, src/mentions.ts); and stores the post's view as the
// key's record. Change one side and the other together.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
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
};

const POST_MICROPOST = 'select outcome, post from post_micropost($1, $2, $3, $4, $5, $6, $7)';

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
  ];
}

/**
 * Makes the post in one round trip and one transaction of its own (the prepared statement `microposts_post`).
 * Rejects with SQLSTATE 55P03 when a request with the same key is still running after `waitMs`, P0002 or 23503
 * when the author does not exist. The author id must be checked with `isId` first.
 */
export async function postMicropostRow(pool: Pool, input: PostMicropostInput): Promise<PostMicropostRow> {
  const result = await pool.query<PostMicropostRow>({
    name: 'microposts_post',
    text: POST_MICROPOST,
    values: valuesOf(input),
  });
  return onlyRow(result.rows);
}

/** The same call inside the caller's transaction (it then commits or rolls back with the rest). */
export async function postMicropostRowIn(em: EntityManager, input: PostMicropostInput): Promise<PostMicropostRow> {
  // MikroORM inlines parameters: the keys go as an array literal (they are [a-z0-9_] only, see text-rules.ts).
  const values = valuesOf(input);
  values[2] = `{${input.mentionKeys.join(',')}}`;
  const rows = await query<PostMicropostRow>(
    em,
    'select outcome, post from post_micropost(?, ?, ?::text[], ?, ?, ?, ?)',
    values,
  );
  return onlyRow(rows);
}

function onlyRow(rows: PostMicropostRow[]): PostMicropostRow {
  const row = rows[0];
  if (!row) throw new Error('post_micropost answered no row');
  return row;
}
