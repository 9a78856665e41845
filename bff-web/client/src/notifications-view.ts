// `/notifications`: mentions and new followers, newest first; opening page 1 marks everything shown as read.
import type { Notification } from '@microblog/web-contract';
import { api } from './api.ts';
import { el } from './dom.ts';
import { micropostItem, micropostPath } from './micropost-view.ts';
import { refreshNotificationBadge } from './notification-badge.ts';
import { pager } from './pager.ts';
import { currentPage, refresh, type RouteContext } from './router.ts';
import { fullTime, shortTime } from './time-format.ts';

function notificationItem(notification: Notification): HTMLElement {
  const actor = el(
    'a',
    { href: `/users/${encodeURIComponent(notification.actor.username)}`, class: 'author-name' },
    notification.actor.displayName || notification.actor.username,
  );
  const when = el(
    'time',
    { datetime: notification.createdAt, title: fullTime(notification.createdAt) },
    shortTime(notification.createdAt),
  );
  const what =
    notification.kind === 'follow'
      ? el('span', {}, ' followed you')
      : notification.micropost
        ? el(
            'span',
            {},
            ' mentioned you in ',
            el(
              'a',
              { href: micropostPath(notification.micropost.id), 'data-testid': 'notification-post-link' },
              'a post',
            ),
          )
        : el('span', {}, ' mentioned you');
  return el(
    'li',
    {
      class: notification.read ? 'notification' : 'notification notification-unread',
      'data-testid': 'notification',
      'data-kind': notification.kind,
      'data-read': String(notification.read),
    },
    el(
      'p',
      { class: 'notification-line' },
      el('span', { class: 'notification-icon', 'aria-hidden': 'true' }, notification.kind === 'follow' ? '+' : '@'),
      actor,
      what,
      ' · ',
      when,
    ),
    notification.micropost ? micropostItem(notification.micropost, () => void refresh()) : null,
  );
}

/** `/notifications?page=`. */
export async function notificationsView({ query }: RouteContext): Promise<Node> {
  document.title = 'Notifications · Microblog';
  const page = await api.notifications(currentPage(query));
  const newest = page.items[0];
  // What is shown is seen: move the marker to the newest entry of page 1 (it never moves back).
  if (page.page.number === 1 && newest && !newest.read) {
    void api.markNotificationsRead(newest.id).then(
      () => refreshNotificationBadge(),
      (error: unknown) => console.error(error),
    );
  }
  return el(
    'div',
    { class: 'stack' },
    el('h1', {}, 'Notifications'),
    page.items.length === 0
      ? el(
          'p',
          { class: 'empty', 'data-testid': 'notifications-empty' },
          page.page.number > 1
            ? 'Nothing on this page.'
            : 'No notifications yet. Mentions and new followers show up here.',
        )
      : el(
          'ul',
          { class: 'notification-list card', 'data-testid': 'notifications' },
          ...page.items.map(notificationItem),
        ),
    pager(page.page),
  );
}
