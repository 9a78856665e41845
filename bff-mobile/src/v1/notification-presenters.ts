// Whitelisting presenters of the notifications inbox, shaped per @microblog/mobile-contract v1.
import type { CursorPage, NotificationView, UnreadNotifications } from '@microblog/domain';
import type * as contract from '@microblog/mobile-contract';
import { presentMicropost, presentUser } from './presenters.ts';

/** `{ items, users, posts, nextCursor }`: actors and post authors once in `users`, posts once in `posts`. */
export function presentNotificationPage(page: CursorPage<NotificationView>): contract.NotificationPage {
  const users: contract.UsersById = {};
  const posts: Record<string, contract.Micropost> = {};
  const items = page.items.map((n): contract.NotificationItem => {
    users[n.actor.id] ??= presentUser(n.actor);
    if (n.micropost) {
      users[n.micropost.author.id] ??= presentUser(n.micropost.author);
      posts[n.micropost.id] ??= presentMicropost(n.micropost);
    }
    return {
      id: n.id,
      kind: n.kind,
      createdAt: n.createdAt.toISOString(),
      actorId: n.actor.id,
      postId: n.micropost?.id ?? null,
      read: n.read,
    };
  });
  return { items, users, posts, nextCursor: page.nextCursor };
}

/** `{ unread, lastReadId }`. */
export function presentUnread(unread: UnreadNotifications): contract.UnreadNotifications {
  return { unread: unread.unread, lastReadId: unread.lastReadId };
}
