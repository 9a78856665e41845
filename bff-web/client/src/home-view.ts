// The home timeline: compose box, the viewer's and followed users' posts, numbered pages.
import { api } from './api.ts';
import { el } from './dom.ts';
import { composeBox } from './compose.ts';
import { followLiveTimeline } from './live-timeline.ts';
import { micropostList } from './micropost-view.ts';
import { pager } from './pager.ts';
import { suggestionList } from './people-list.ts';
import { currentPage, isCurrentPath, navigate, refresh, type RouteContext } from './router.ts';

// An empty home page leads somewhere: who to follow, and people search.
async function gettingStarted(): Promise<Node> {
  const { items } = await api.suggestions();
  return el(
    'section',
    { class: 'stack', 'data-testid': 'getting-started' },
    el('h2', { class: 'section-title' }, 'Who to follow'),
    items.length > 0 ? suggestionList(items) : null,
    el(
      'p',
      {},
      el('a', { href: '/search?type=people', 'data-testid': 'find-people' }, 'Find people by name'),
      ' · ',
      el('a', { href: '/search' }, 'Search posts'),
    ),
  );
}

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
        : 'Your timeline is empty. Write your first post, or follow some people:',
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
    page.page.number === 1 && page.items.length === 0 ? await gettingStarted() : null,
    pager(page.page),
  );
}
