import type { DomainContext } from '../database.ts';
import { NotFound } from '../errors.ts';
import { isId, query } from '../sql.ts';

/** Unread counts stop here: a badge shows "99+", and the count stays one short index range scan to poll. */
export const UNREAD_COUNT_CAP = 100;

/** The badge: unread notifications (at most UNREAD_COUNT_CAP) and the read marker. */
export type UnreadNotifications = { unread: number; lastReadId: string | null };

/** How many notifications are above the user's read marker, counting at most UNREAD_COUNT_CAP. */
export async function countUnreadNotifications(
  ctx: DomainContext,
  input: { userId: string },
): Promise<UnreadNotifications> {
  if (!isId(input.userId)) throw new NotFound('user');
  const [row] = await query<{ unread: number; last_read_id: string | null }>(
    ctx.em,
    `select (select count(*) from (select 1 from notifications n
               where n.recipient_id = ? and n.id > coalesce(m.last_read_id, 0) limit ?) capped)::int as unread,
            m.last_read_id::text as last_read_id
     from (select 1) one left join notification_markers m on m.user_id = ?`,
    [input.userId, UNREAD_COUNT_CAP, input.userId],
  );
  return { unread: row?.unread ?? 0, lastReadId: row?.last_read_id ?? null };
}
