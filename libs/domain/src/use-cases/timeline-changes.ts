import type { DomainContext } from '../database.ts';
import { changeHorizon } from '../change-order.ts';
import { InvalidCursor } from '../errors.ts';
import { sign, verifySigned } from '../keys.ts';
import { MICROPOST_COLUMNS, toMicropostViews, type MicropostRow } from '../micropost-reads.ts';
import { PAGE_LIMITS } from '../pagination.ts';
import { query } from '../sql.ts';
import type { MicropostView } from '../views.ts';

/**
 * A sync token holds a position in this database's change order (change-order.ts): every write numbered at or below
 * it was delivered or predates the first page. Changes are the writes numbered above it and at or below the current
 * horizon, oldest first; the next token is the last one sent (more to come) or the horizon (done). So a change is
 * never missed and, for a client that keeps the token it was given, never sent twice.
 */
type SyncPosition = { seq: bigint };

/** A changed post as the sync statement reads it. */
type ChangeRow = MicropostRow & { deleted_at: Date | null; change_seq: string };

/** Delta-sync answer: posts created or edited, ids deleted, and the token to ask with next time. */
export type TimelineChanges = { items: MicropostView[]; deleted: string[]; syncToken: string; hasMore: boolean };

const SEQ = /^(0|[1-9][0-9]{0,18})$/;

function encodeSyncToken(ctx: DomainContext, viewerId: string, position: SyncPosition): string {
  return sign(ctx.keys.cursor, JSON.stringify({ s: `sync:${viewerId}`, q: position.seq.toString() }));
}

function decodeSyncToken(ctx: DomainContext, viewerId: string, token: string): SyncPosition {
  const payload = verifySigned(ctx.keys.cursor, token);
  if (payload === null) throw new InvalidCursor('sync token is invalid');
  let parsed: { s?: unknown; q?: unknown };
  try {
    parsed = JSON.parse(payload) as typeof parsed;
  } catch {
    throw new InvalidCursor('sync token is invalid');
  }
  if (parsed.s !== `sync:${viewerId}`) throw new InvalidCursor('sync token belongs to another timeline');
  // Tokens of the former transaction-id scheme have no `q`: the app reloads its first page, as after any bad token.
  if (typeof parsed.q !== 'string' || !SEQ.test(parsed.q))
    throw new InvalidCursor('sync token is invalid or from an older version; reload the timeline');
  return { seq: BigInt(parsed.q) };
}

/** A sync token for "now": taken before reading the first page, so nothing written after that read is missed. */
export async function issueSyncToken(ctx: DomainContext, input: { viewerId: string }): Promise<string> {
  return syncTokenAt(ctx, input.viewerId, await changeHorizon(ctx.em));
}

/** The sync token at a change horizon read before the page it goes with (home-timeline.ts). */
export function syncTokenAt(ctx: DomainContext, viewerId: string, horizon: bigint): string {
  return encodeSyncToken(ctx, viewerId, { seq: horizon });
}

/**
 * What changed in the viewer's home timeline since `since` (a token from the first timeline page or a
 * previous sync): up to `limit` created or edited posts and deleted ids, and the next token. InvalidCursor when an
 * account the viewer followed was deleted since (its posts left nothing to report): the app reloads its first page.
 * (Posts of someone newly followed are not changes of theirs: an app reloads its first page after a follow.)
 */
export async function timelineChanges(
  ctx: DomainContext,
  input: { viewerId: string; since: string; limit: number },
): Promise<TimelineChanges> {
  const position = decodeSyncToken(ctx, input.viewerId, input.since);
  const limit = Math.min(Math.max(1, Math.trunc(input.limit)), PAGE_LIMITS.maxCursorLimit);
  const horizon = await changeHorizon(ctx.em);
  if (horizon <= position.seq) return { items: [], deleted: [], syncToken: input.since, hasMore: false };
  // One statement after changeHorizon returned, so every write numbered up to the horizon is final in its snapshot:
  // whether a change that left no rows to report happened since the token (an account the viewer followed was
  // deleted, with its posts: timeline_resets), and if not, the changed posts. Always one row at least (`reset`).
  const rows = await query<{ reset: boolean } & (ChangeRow | { [K in keyof ChangeRow]: null })>(
    ctx.em,
    `select r.reset, c.*
     from (select exists (select 1 from timeline_resets where owner_id = ? and change_seq > ? and change_seq <= ?)
             as reset) r
     left join lateral (
       select ${MICROPOST_COLUMNS}, p.deleted_at, p.change_seq::text as change_seq
       from microposts p join users u on u.id = p.author_id
       where not r.reset
         and p.author_id in (select followee_id from follows where follower_id = ? union all select ?::bigint)
         and p.change_seq > ? and p.change_seq <= ?
       order by p.change_seq
       limit ?
     ) c on true
     order by c.change_seq::bigint`,
    [
      input.viewerId,
      position.seq.toString(),
      horizon.toString(),
      input.viewerId,
      input.viewerId,
      position.seq.toString(),
      horizon.toString(),
      limit + 1,
    ],
  );
  if (rows[0]?.reset)
    throw new InvalidCursor('the timeline changed in a way sync cannot describe; reload the timeline');
  const changed = rows.filter((row): row is { reset: boolean } & ChangeRow => row.id !== null);
  const hasMore = changed.length > limit;
  const batch = hasMore ? changed.slice(0, limit) : changed;
  const live = batch.filter((r) => r.deleted_at === null);
  const deleted = batch.filter((r) => r.deleted_at !== null).map((r) => r.id);
  const last = batch.at(-1);
  const next: SyncPosition = hasMore && last ? { seq: BigInt(last.change_seq) } : { seq: horizon };
  return { items: toMicropostViews(live), deleted, syncToken: encodeSyncToken(ctx, input.viewerId, next), hasMore };
}
