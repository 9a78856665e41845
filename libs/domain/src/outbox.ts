import type { EntityManager } from '@mikro-orm/postgresql';
import { OutboxEvent } from './entities/outbox-event.ts';

/** Events the outbox carries, and what each says. */
export type OutboxEventPayloads = {
  // notificationId: the inbox row the push announces (absent in events written before the inbox existed).
  'user.followed': { notificationId?: string; followerId: string; followerUsername: string; followeeId: string };
  'user.mentioned': {
    notificationId?: string;
    micropostId: string;
    authorId: string;
    authorUsername: string;
    mentionedUserId: string;
    excerpt: string;
  };
};

/** Records an event in the caller's transaction: it is delivered only if that transaction commits. */
export function appendOutboxEvent<K extends keyof OutboxEventPayloads>(
  em: EntityManager,
  type: K,
  payload: OutboxEventPayloads[K],
): void {
  em.create(OutboxEvent, { type, payload });
}
