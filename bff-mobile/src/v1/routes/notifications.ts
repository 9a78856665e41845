// The notifications inbox: cursor pages, the unread count (polled), and the read marker.
import { countUnreadNotifications, listNotifications, markNotificationsRead } from '@microblog/domain';
import { CursorPageQuery, NotificationReadBody } from '@microblog/mobile-contract';
import type { Router } from '@koa/router';
import { caller, domain } from '../../state.ts';
import type { RouteDeps } from '../deps.ts';
import { presentNotificationPage, presentUnread } from '../notification-presenters.ts';
import { parseBody, parseQuery } from '../parse.ts';

/** Registers the /v1/me/notifications routes on `router`. */
export function notificationRoutes(router: Router, deps: RouteDeps): void {
  router.get('/v1/me/notifications', deps.requireAuth, async (ctx) => {
    const { cursor, limit } = parseQuery(ctx, CursorPageQuery);
    const page = await listNotifications(domain(ctx), {
      userId: caller(ctx).userId,
      paging: { kind: 'cursor', cursor: cursor ?? null, limit },
    });
    ctx.body = presentNotificationPage(page);
  });

  router.get('/v1/me/notifications/unread', deps.requireAuth, async (ctx) => {
    ctx.body = presentUnread(await countUnreadNotifications(domain(ctx), { userId: caller(ctx).userId }));
  });

  router.put('/v1/me/notifications/read-marker', deps.requireAuth, async (ctx) => {
    const { lastReadId } = parseBody(ctx, NotificationReadBody);
    ctx.body = presentUnread(
      await markNotificationsRead(domain(ctx), { userId: caller(ctx).userId, upToId: lastReadId }),
    );
  });
}
