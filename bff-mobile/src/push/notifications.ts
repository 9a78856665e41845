// What each outbox event tells its recipient's phones.
import type { ClaimedEvent, PushTarget } from '@microblog/domain';
import type { PushMessage } from './expo-push-client.ts';

/** A notification for one user, before it is addressed to their devices. */
export type Notification = {
  recipientId: string;
  title: string;
  body: string;
  /** For the app to open the right screen when tapped. */
  data: Record<string, string>;
};

// The inbox entry a push announces, so the app can open it and drop a second delivery of the same one.
function notificationIdOf(payload: { notificationId?: string }): { notificationId?: string } {
  return payload.notificationId === undefined ? {} : { notificationId: payload.notificationId };
}

/** The notification an outbox event stands for; null for a type this version does not know. */
export function notificationFor(event: ClaimedEvent): Notification | null {
  switch (event.type) {
    case 'user.followed':
      return {
        recipientId: event.payload.followeeId,
        title: `@${event.payload.followerUsername} followed you`,
        body: '',
        data: { type: event.type, username: event.payload.followerUsername, ...notificationIdOf(event.payload) },
      };
    case 'user.mentioned':
      return {
        recipientId: event.payload.mentionedUserId,
        title: `@${event.payload.authorUsername} mentioned you`,
        body: event.payload.excerpt,
        data: { type: event.type, micropostId: event.payload.micropostId, ...notificationIdOf(event.payload) },
      };
    default:
      // Written by a newer domain than this process knows (e.g. mid-deploy).
      return null;
  }
}

/** One message per device of the recipient. */
export function messagesFor(notification: Notification, targets: PushTarget[]): PushMessage[] {
  return targets
    .filter((t) => t.userId === notification.recipientId)
    .map((t) => ({
      to: t.token,
      title: notification.title,
      body: notification.body,
      data: { ...notification.data },
      sound: 'default' as const,
    }));
}
