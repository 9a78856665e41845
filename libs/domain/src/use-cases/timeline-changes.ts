import type { DomainContext } from '../database.ts';
import { InvalidCursor } from '../errors.ts';
import { sign, verifySigned } from '../keys.ts';
import { MICROPOST_COLUMNS, toMicropostViews, type MicropostRow } from '../micropost-reads.ts';
import { PAGE_LIMITS } from '../pagination.ts';
import { query } from '../sql.ts';
import type { MicropostView } from '../views.ts';

/**
 * A sync token holds a transaction horizon: every write by a transaction older than `floor` was visible
 * when the token was made. Changes are the rows written at or after the horizon (so none is missed,
 * however transactions interleave; a few may come twice, which an upserting client ignores). While a
 * batch is being paged through, `after` is the last row sent.
 */
type SyncPosition = { floor: string; after: { xid: string; id: string } | null };

/** Delta-sync answer: posts created or edited, ids deleted, and the token to ask with next time. */
export type TimelineChanges = { items: MicropostView[]; deleted: string[]; syncToken: string; hasMore: boolean };

const XID = /^[0-9]{1,20}$/;

function encodeSyncToken(ctx: DomainContext, viewerId: string, position: SyncPosition): string {
  return sign(ctx.keys.cursor, JSON.stringify({ s: `sync:${viewerId}`, f: position.floor, a: position.after }));
}

function decodeSyncToken(ctx: DomainContext, viewerId: string, token: string): SyncPosition {
  const payload = verifySigned(ctx.keys.cursor, token);
  if (payload === null) throw new InvalidCursor('sync token is invalid');
  let parsed: { s?: unknown; f?: unknown; a?: { xid?: unknown; id?: unknown } | null };
  try {
    parsed = JSON.parse(payload) as typeof parsed;
  } catch {
    throw new InvalidCursor('sync token is invalid');
  }
  if (parsed.s !== `sync:${viewerId}`) throw new InvalidCursor('sync token belongs to another timeline');
  if (typeof parsed.f !== 'string' || !XID.test(parsed.f)) throw new InvalidCursor('sync token is invalid');
  const a = parsed.a;
  if (a === null || a === undefined) return { floor: parsed.f, after: null };
  if (typeof a.xid !== 'string' || !XID.test(a.xid) || typeof a.id !== 'string' || !/^[1-9][0-9]{0,18}$/.test(a.id)) {
    throw new InvalidCursor('sync token is invalid');
  }
  return { floor: parsed.f, after: { xid: a.xid, id: a.id } };
}

async function currentHorizon(ctx: DomainContext): Promise<string> {
  const [row] = await query<{ floor: string }>(ctx.em, 'select pg_snapshot_xmin(pg_current_snapshot())::text as floor');
  return row?.floor ?? '0';
}

/** A sync token for "now": taken before reading the first page, so nothing written after that read is missed. */
export async function issueSyncToken(ctx: DomainContext, input: { viewerId: string }): Promise<string> {
  return encodeSyncToken(ctx, input.viewerId, { floor: await currentHorizon(ctx), after: null });
}

/**
 * What changed in the viewer's home timeline since `since` (a token from the first timeline page or a
 * previous sync): up to `limit` created or edited posts and deleted ids, and the next token.
 * (Posts of someone newly followed are not changes of theirs: an app reloads its first page after a follow.)
 */
export async function timelineChanges(
  ctx: DomainContext,
  input: { viewerId: string; since: string; limit: number },
): Promise<TimelineChanges> {
  const position = decodeSyncToken(ctx, input.viewerId, input.since);
  const limit = Math.min(Math.max(1, Math.trunc(input.limit)), PAGE_LIMITS.maxCursorLimit);
  const horizon = await currentHorizon(ctx);
  const rows = await query<MicropostRow & { deleted_at: Date | null; change_xid: string }>(
    ctx.em,
    `select ${MICROPOST_COLUMNS}, p.deleted_at, p.change_xid::text as change_xid
     from microposts p join users u on u.id = p.author_id
     where p.author_id in (select followee_id from follows where follower_id = ? union all select ?::bigint)
       and p.change_xid >= ?::xid8
       and (?::xid8 is null or (p.change_xid, p.id) > (?::xid8, ?::bigint))
     order by p.change_xid, p.id
     limit ?`,
    [input.viewerId, input.viewerId, position.floor, position.after?.xid ?? null, position.after?.xid ?? null, position.after?.id ?? null, limit + 1],
  );
  const hasMore = rows.length > limit;
  const batch = hasMore ? rows.slice(0, limit) : rows;
  const live = batch.filter((r) => r.deleted_at === null);
  const deleted = batch.filter((r) => r.deleted_at !== null).map((r) => r.id);
  const last = batch.at(-1);
  const next: SyncPosition = hasMore && last
    ? { floor: position.floor, after: { xid: last.change_xid, id: last.id } }
    : { floor: horizon, after: null };
  return { items: toMicropostViews(live), deleted, syncToken: encodeSyncToken(ctx, input.viewerId, next), hasMore };
}
