import type { DomainContext } from '../database.ts';
import { NotFound } from '../errors.ts';
import { isId, run } from '../sql.ts';
import { countUnreadNotifications, type UnreadNotifications } from './count-unread-notifications.ts';

/**
 * Marks the user's notifications read up to and including `upToId`. The marker only moves forward (a device with an
 * older view cannot mark newer ones unread again) and never past the user's newest notification.
 */
export async function markNotificationsRead(
  ctx: DomainContext,
  input: { userId: string; upToId: string },
): Promise<UnreadNotifications> {
  if (!isId(input.userId)) throw new NotFound('user');
  if (!isId(input.upToId)) throw new NotFound('notification');
  await run(
    ctx.em,
    `insert into notification_markers (user_id, last_read_id, updated_at)
     select ?, least(?::bigint, max(n.id)), now() from notifications n where n.recipient_id = ? having max(n.id) is not null
     on conflict (user_id) do update set last_read_id = greatest(notification_markers.last_read_id, excluded.last_read_id), updated_at = now()`,
    [input.userId, input.upToId, input.userId],
  );
  return countUnreadNotifications(ctx, input);
}
