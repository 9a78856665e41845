import { DEFAULT_FAN_OUT_MAX_FOLLOWERS, type DomainContext } from '../database.ts';
import { IdempotencyKeyReused, NotFound } from '../errors.ts';
import { isId } from '../sql.ts';
import { liveIdempotencyRecord } from '../sql/idempotency-records.ts';
import {
  postMicropostRow,
  postMicropostRowIn,
  type MicropostViewJson,
  type PostMicropostInput,
  type PostMicropostRow,
} from '../sql/microposts.ts';
import { mentionedUsernameKeys, normalizeMicropostText } from '../text-rules.ts';
import type { MicropostView } from '../views.ts';
import {
  checkIdempotencyKey,
  IDEMPOTENCY_TTL_MS,
  IDEMPOTENCY_WAIT_MS,
  isKeyStillInFlight,
  keyInFlight,
} from './run-idempotent.ts';

/**
 * Publishes a micropost: the post, its mentions, the author's post count, its line in every follower's home feed
 * (for an author with more than `fanOutMaxFollowers` followers, its line in theirs and its pending fan-out, which
 * the fan-out worker delivers) and the notifications commit together, in one statement (src/sql/microposts.ts). Inside a caller's transaction
 * (an idempotent request of runIdempotent) it joins it.
 */
export async function postMicropost(
  ctx: DomainContext,
  input: { authorId: string; text: string },
): Promise<MicropostView> {
  const row = await send(ctx, request(ctx, input, null), undefined);
  if (row.outcome === 'key_reused') throw new Error('post_micropost refused a post made without a key');
  return micropostViewOf(row.post);
}

/**
 * Publishes a micropost at most once per (author, Idempotency-Key), in one round trip: the key's record, holding
 * the post's view, commits with the post. A retry with the same fingerprint answers the first post's view
 * (`replayed`); the same key with another fingerprint is IdempotencyKeyReused; a duplicate arriving while the first
 * still runs waits for it (at most IDEMPOTENCY_WAIT_MS), then replays it, or is a Conflict. `beforeCommit` is a test
 * seam: when given, the statement runs in a transaction of its own that it holds open until the hook resolves.
 */
export async function postMicropostOnce(
  ctx: DomainContext,
  input: {
    authorId: string;
    text: string;
    key: string;
    fingerprint: string;
    beforeCommit?: (() => Promise<void>) | undefined;
  },
): Promise<{ post: MicropostView; replayed: boolean }> {
  checkIdempotencyKey(input.key);
  const idempotency = {
    key: input.key,
    fingerprint: input.fingerprint,
    ttlMs: IDEMPOTENCY_TTL_MS,
    waitMs: IDEMPOTENCY_WAIT_MS,
  };
  const row = await send(ctx, request(ctx, input, idempotency), input.beforeCommit);
  if (row.outcome === 'key_reused') throw new IdempotencyKeyReused();
  return { post: micropostViewOf(row.post), replayed: row.outcome === 'replayed' };
}

/**
 * The post an earlier request with this Idempotency-Key made, for a retry that may not make a new one (over its
 * post throttle); null when the key has no live record. IdempotencyKeyReused when the record is of another request.
 */
export async function findPostByIdempotencyKey(
  ctx: DomainContext,
  input: { userId: string; key: string; fingerprint: string },
): Promise<MicropostView | null> {
  checkIdempotencyKey(input.key);
  if (!isId(input.userId)) return null;
  const record = await liveIdempotencyRecord(ctx.pool, input);
  if (record === null) return null;
  if (record.fingerprint !== input.fingerprint) throw new IdempotencyKeyReused();
  return micropostViewOf(record.response_body as MicropostViewJson);
}

// The text is normalized and checked, and its mentions read, here: the statement gets them ready to store.
function request(
  ctx: DomainContext,
  input: { authorId: string; text: string },
  idempotency: PostMicropostInput['idempotency'],
): PostMicropostInput {
  const text = normalizeMicropostText(input.text);
  if (!isId(input.authorId)) throw new NotFound('user');
  return {
    authorId: input.authorId,
    text,
    mentionKeys: mentionedUsernameKeys(text),
    idempotency,
    // A context made by hand (tools, tests) may not carry it.
    fanOutMaxFollowers: ctx.fanOutMaxFollowers ?? DEFAULT_FAN_OUT_MAX_FOLLOWERS,
  };
}

async function send(
  ctx: DomainContext,
  input: PostMicropostInput,
  beforeCommit: (() => Promise<void>) | undefined,
): Promise<PostMicropostRow> {
  try {
    if (ctx.em.isInTransaction()) return await postMicropostRowIn(ctx.em, input);
    if (beforeCommit === undefined) return await postMicropostRow(ctx.pool, input);
    return await ctx.em.transactional(async (em) => {
      const row = await postMicropostRowIn(em, input);
      await beforeCommit();
      return row;
    });
  } catch (error) {
    if (isKeyStillInFlight(error)) throw keyInFlight();
    // No such author (P0002), or one deleted while its key was claimed (the record's foreign key, 23503).
    if (sqlStateOf(error) === 'P0002' || sqlStateOf(error) === '23503') throw new NotFound('user');
    throw error;
  }
}

function sqlStateOf(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return null;
}

/** The view of a post as post_micropost built it (or an idempotency record kept it). */
function micropostViewOf(json: MicropostViewJson): MicropostView {
  return {
    id: json.id,
    author: { id: json.author.id, username: json.author.username, displayName: json.author.displayName },
    text: json.text,
    createdAt: new Date(json.createdAt),
    editedAt: json.editedAt === null ? null : new Date(json.editedAt),
    mentions: [...json.mentions],
  };
}
