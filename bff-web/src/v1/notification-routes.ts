// The notifications inbox: numbered pages, the header badge's unread count, and the read marker.
import {
  countUnreadNotifications,
  listNotifications,
  markNotificationsRead,
  type NotificationView,
  type UnreadNotifications,
} from '@microblog/domain';
import { NotificationReadRequest, PageQuery } from '@microblog/web-contract';
import type * as contract from '@microblog/web-contract';
import { requireViewer, signedIn } from '../auth.ts';
import { respondWithPage } from './micropost-routes.ts';
import { parseBody, parseQuery } from './parse.ts';
import { presentMicropost, presentUserSummary } from './presenters.ts';
import type { V1Deps, V1Router } from './router.ts';

/** One inbox entry; the post is presented as everywhere else (the viewer may be its author). */
export function presentNotification(notification: NotificationView, viewerId: string): contract.Notification {
  return {
    id: notification.id,
    kind: notification.kind,
    createdAt: notification.createdAt.toISOString(),
    actor: presentUserSummary(notification.actor),
    micropost: notification.micropost === null ? null : presentMicropost(notification.micropost, viewerId),
    read: notification.read,
  };
}

/** `{ unread, lastReadId }`. */
export function presentUnread(unread: UnreadNotifications): contract.UnreadNotifications {
  return { unread: unread.unread, lastReadId: unread.lastReadId };
}

/** Adds the /notifications routes. */
export function notificationRoutes(router: V1Router, deps: V1Deps): void {
  router.get('listNotifications', '/notifications', requireViewer(deps.cookies), async (ctx) => {
    const viewer = signedIn(ctx);
    const query = parseQuery(PageQuery, ctx);
    const page = await listNotifications(ctx.state.domain, {
      userId: viewer.userId,
      paging: { kind: 'page', number: query.page, size: query.per_page },
    });
    respondWithPage(ctx, page, (notification) => presentNotification(notification, viewer.userId));
  });

  router.get('getUnreadNotifications', '/notifications/unread', requireViewer(deps.cookies), async (ctx) => {
    ctx.body = presentUnread(await countUnreadNotifications(ctx.state.domain, { userId: signedIn(ctx).userId }));
  });

  router.put('markNotificationsRead', '/notifications/read-marker', requireViewer(deps.cookies), async (ctx) => {
    const body = parseBody(NotificationReadRequest, ctx.request.body);
    ctx.body = presentUnread(
      await markNotificationsRead(ctx.state.domain, { userId: signedIn(ctx).userId, upToId: body.lastReadId }),
    );
  });
}
