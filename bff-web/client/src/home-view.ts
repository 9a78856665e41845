// The home timeline: compose box, the viewer's and followed users' posts, numbered pages.
import { api } from './api.ts';
import { el } from './dom.ts';
import { composeBox } from './compose.ts';
import { followLiveTimeline } from './live-timeline.ts';
import { micropostList } from './micropost-view.ts';
import { pager } from './pager.ts';
import { currentPage, isCurrentPath, navigate, refresh, type RouteContext } from './router.ts';

/** `/`: the home timeline. */
export async function homeView({ query }: RouteContext): Promise<Node> {
  document.title = 'Home · Microblog';
  const page = await api.timeline(currentPage(query));
  const compose = composeBox(() => {
    // A new post appears at the top of page 1.
    if (isCurrentPath('/') && currentPage(new URLSearchParams(location.search)) === 1) void refresh();
    else navigate('/');
  });
  const list = micropostList(page.items, {
    testid: 'timeline',
    empty:
      page.page.number > 1
        ? 'No posts on this page.'
        : 'Your timeline is empty. Write your first post, or find people to follow with Search.',
    onDeleted: () => void refresh(),
  });
  const banner = followLiveTimeline({
    list: page.items.length > 0 ? list : null,
    showBanner: page.page.number === 1,
    onShowNew: () => {
      window.scrollTo(0, 0);
      void refresh();
    },
    onDeleted: () => void refresh(),
  });
  return el(
    'div',
    { class: 'stack' },
    el('h1', { class: 'visually-hidden' }, 'Home'),
    banner,
    compose,
    el('h2', { class: 'section-title' }, 'Timeline'),
    list,
    pager(page.page),
  );
}
