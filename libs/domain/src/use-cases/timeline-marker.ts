import type { DomainContext } from '../database.ts';
import { Conflict, ValidationError } from '../errors.ts';
import { isId, query, toDate } from '../sql.ts';

/** How far the user has read the home timeline; `version` counts the updates. */
export type TimelineMarkerView = { lastReadId: string | null; version: number; updatedAt: Date | null };

/** The user's read position ({ null, 0 } before the first update). */
export async function getTimelineMarker(ctx: DomainContext, input: { userId: string }): Promise<TimelineMarkerView> {
  const [row] = await query<{ last_read_id: string | null; version: number; updated_at: Date | string }>(
    ctx.em,
    'select last_read_id, version, updated_at from timeline_markers where user_id = ?',
    [input.userId],
  );
  return row
    ? { lastReadId: row.last_read_id, version: row.version, updatedAt: toDate(row.updated_at) }
    : { lastReadId: null, version: 0, updatedAt: null };
}

/**
 * Moves the read position, given the version the client last read (optimistic concurrency):
 * Conflict when another device moved it since.
 */
export async function setTimelineMarker(
  ctx: DomainContext,
  input: { userId: string; lastReadId: string; version: number },
): Promise<TimelineMarkerView> {
  if (typeof input.lastReadId !== 'string' || !isId(input.lastReadId))
    throw ValidationError.field('lastReadId', 'must be a micropost id');
  if (!Number.isSafeInteger(input.version) || input.version < 0)
    throw ValidationError.field('version', 'must be a non-negative integer');
  // Insert the first marker, or update only if nobody moved it since `version`: one statement, no race.
  const rows = await query<{ last_read_id: string; version: number; updated_at: Date | string }>(
    ctx.em,
    `insert into timeline_markers as t (user_id, last_read_id, version, updated_at)
     select ?, ?, 1, now() where ? = 0
     on conflict (user_id) do update set last_read_id = excluded.last_read_id, version = t.version + 1, updated_at = now()
       where t.version = ?
     returning last_read_id, version, updated_at`,
    [input.userId, input.lastReadId, input.version, input.version],
  );
  let row = rows[0];
  if (!row && input.version > 0) {
    const updated = await query<{ last_read_id: string; version: number; updated_at: Date | string }>(
      ctx.em,
      `update timeline_markers set last_read_id = ?, version = version + 1, updated_at = now()
       where user_id = ? and version = ? returning last_read_id, version, updated_at`,
      [input.lastReadId, input.userId, input.version],
    );
    row = updated[0];
  }
  if (!row) throw new Conflict('the marker was moved by another device; read it again');
  return { lastReadId: row.last_read_id, version: row.version, updatedAt: toDate(row.updated_at) };
}
