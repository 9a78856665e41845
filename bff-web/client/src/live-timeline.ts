// The home timeline, live: an EventSource on /api/v1/timeline/events. New posts of people the reader follows
// show as an "n new posts" banner floating over the top of page 1 (nothing on the page moves); a click loads
// them. Edits replace the post in place; deletions leave a short note where the post was. The browser
// reconnects by itself with Last-Event-ID, and the server resumes from there; ids already seen are ignored.
import type { Micropost, TimelineChangesEvent, TimelineNotificationsEvent } from '@microblog/web-contract';
import { el } from './dom.ts';
import { micropostItem } from './micropost-view.ts';
import { showUnreadNotifications } from './notification-badge.ts';
import { navigate } from './router.ts';
import { currentUser, setCurrentUser } from './session.ts';

let source: EventSource | null = null;
let watchdog: number | null = null;

function stop(): void {
  source?.close();
  source = null;
  if (watchdog !== null) window.clearInterval(watchdog);
  watchdog = null;
}

/**
 * Follows the live timeline for the view whose list is `list` (null when the page is empty). Returns the
 * banner to place in the view; `showBanner` is false past page 1 (edits and deletions still apply).
 */
export function followLiveTimeline(options: {
  list: HTMLElement | null;
  showBanner: boolean;
  onShowNew: () => void;
  onDeleted: () => void;
}): HTMLElement {
  stop();
  const seen = new Set<string>(
    options.list
      ? [...options.list.querySelectorAll<HTMLElement>('[data-id]')].map((node) => node.dataset.id ?? '')
      : [],
  );
  const waiting = new Set<string>();
  const banner = el('button', {
    type: 'button',
    class: 'live-banner',
    'data-testid': 'new-posts-banner',
    hidden: true,
  });
  banner.addEventListener('click', () => {
    stop();
    options.onShowNew();
  });

  const replace = (id: string, by: HTMLElement) => {
    const node = options.list?.querySelector(`[data-id="${CSS.escape(id)}"]`);
    if (node) node.replaceWith(by);
  };

  const me = currentUser()?.username;
  const events = new EventSource('/api/v1/timeline/events');
  source = events;
  events.addEventListener('changes', (message) => {
    if (!banner.isConnected) return stop();
    const change = JSON.parse((message as MessageEvent<string>).data) as TimelineChangesEvent;
    for (const post of change.posts) {
      if (seen.has(post.id)) continue;
      seen.add(post.id);
      if (post.author.username !== me) waiting.add(post.id);
    }
    for (const post of change.edited as Micropost[]) replace(post.id, micropostItem(post, options.onDeleted));
    for (const id of change.deleted) {
      waiting.delete(id);
      replace(
        id,
        el('p', { class: 'micropost micropost-deleted', 'data-testid': 'micropost-deleted' }, 'This post was deleted.'),
      );
    }
    if (options.showBanner && waiting.size > 0) {
      banner.textContent = waiting.size === 1 ? '1 new post' : `${waiting.size} new posts`;
      banner.hidden = false;
    }
  });
  events.addEventListener('notifications', (message) => {
    const { unread } = JSON.parse((message as MessageEvent<string>).data) as TimelineNotificationsEvent;
    showUnreadNotifications(unread);
  });
  events.addEventListener('signed-out', () => {
    stop();
    setCurrentUser(null);
    navigate('/signin', { replace: true });
  });
  // Leaving the home view (or signing out) closes the stream, so open tabs do not pile up connections.
  watchdog = window.setInterval(() => {
    if (!banner.isConnected || currentUser() === null) stop();
  }, 2000);
  return banner;
}
