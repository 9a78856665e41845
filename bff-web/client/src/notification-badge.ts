// The header's link to the notifications page with its unread badge, refreshed every minute, after reading, and
// whenever the live timeline's stream says the count changed.
import { api } from './api.ts';
import { el } from './dom.ts';

const POLL_MS = 60_000;
let badge: HTMLElement | null = null;
let timer: number | undefined;

/** Shows `unread` on the badge ("99+" at the cap); hides it at zero. */
export function showUnreadNotifications(unread: number): void {
  if (!badge) return;
  badge.textContent = unread >= 100 ? '99+' : String(unread);
  badge.hidden = unread === 0;
  badge.setAttribute('aria-label', `${unread >= 100 ? 'more than 99' : unread} unread`);
}

/** Fetches the unread count and shows it (the live timeline also pushes it while it is open). */
export async function refreshNotificationBadge(): Promise<void> {
  if (!badge) return;
  try {
    const { unread } = await api.unreadNotifications();
    showUnreadNotifications(unread);
  } catch {
    // The badge is a hint: a failed poll keeps the last count.
  }
}

/** The "Notifications" link with its badge; starts polling (stopped by stopNotificationBadge). */
export function notificationsLink(): HTMLElement {
  badge = el('span', { class: 'notification-count', 'data-testid': 'notification-badge', hidden: true });
  window.clearInterval(timer);
  timer = window.setInterval(() => void refreshNotificationBadge(), POLL_MS);
  void refreshNotificationBadge();
  return el(
    'a',
    { href: '/notifications', 'data-testid': 'nav-notifications', class: 'nav-notifications', title: 'Notifications' },
    bellIcon(),
    el('span', { class: 'visually-hidden' }, 'Notifications'),
    badge,
  );
}

// A bell drawn as SVG (no icon font or emoji glyph needed), sized to the text.
function bellIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'bell-icon');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M12 3a6 6 0 0 0-6 6v3.5L4.5 16v1h15v-1L18 12.5V9a6 6 0 0 0-6-6zm-2 15a2 2 0 0 0 4 0z');
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}

/** Stops polling (signed out). */
export function stopNotificationBadge(): void {
  window.clearInterval(timer);
  badge = null;
}
