// Notifications are written in the transaction of their cause, so the inbox never disagrees with what happened.
import type { EntityManager } from '@mikro-orm/postgresql';
import { query, run } from './sql.ts';

/**
 * Records "actor followed recipient" unless this follower already notified this recipient today (UTC):
 * follow/unfollow/follow churn yields one notification, and one push, per follower per day.
 * Returns the new notification's id, or null when there was one already.
 */
export async function notifyFollow(
  em: EntityManager,
  input: { recipientId: string; actorId: string },
): Promise<string | null> {
  const [row] = await query<{ id: string }>(
    em,
    `insert into notifications (recipient_id, kind, actor_id, follow_day, created_at)
     values (?, 'follow', ?, (now() at time zone 'utc')::date, now())
     on conflict (recipient_id, actor_id, follow_day) where kind = 'follow' do nothing
     returning id::text as id`,
    [input.recipientId, input.actorId],
  );
  return row?.id ?? null;
}

/** Records "actor mentioned recipient in micropost" once per post and recipient; returns the new id or null. */
export async function notifyMention(
  em: EntityManager,
  input: { recipientId: string; actorId: string; micropostId: string },
): Promise<string | null> {
  const [row] = await query<{ id: string }>(
    em,
    `insert into notifications (recipient_id, kind, actor_id, micropost_id, created_at)
     values (?, 'mention', ?, ?, now())
     on conflict (recipient_id, micropost_id) where kind = 'mention' do nothing
     returning id::text as id`,
    [input.recipientId, input.actorId, input.micropostId],
  );
  return row?.id ?? null;
}

/**
 * Removes the mention notifications of a post: all of them (post deleted), or those of users no longer mentioned;
 * with them, their pushes still waiting in the outbox, so nobody is told of a mention that is gone.
 */
export async function withdrawMentions(
  em: EntityManager,
  micropostId: string,
  recipientIds: string[] | 'all',
): Promise<void> {
  if (recipientIds !== 'all' && recipientIds.length === 0) return;
  const recipients = recipientIds === 'all' ? null : `{${recipientIds.join(',')}}`;
  await run(
    em,
    `with withdrawn as (
       delete from notifications
        where micropost_id = ? and kind = 'mention' and (?::bigint[] is null or recipient_id = any(?::bigint[]))
       returning id
     )
     delete from outbox_events
      where processed_at is null and type = 'user.mentioned'
        and payload->>'notificationId' in (select id::text from withdrawn)`,
    [micropostId, recipients, recipients],
  );
}
