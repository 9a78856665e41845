// The home timeline: compose box, the viewer's and followed users' posts, numbered pages.
import { api } from './api.ts';
import { el } from './dom.ts';
import { composeBox } from './compose.ts';
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
  return el(
    'div',
    { class: 'stack' },
    el('h1', { class: 'visually-hidden' }, 'Home'),
    compose,
    el('h2', { class: 'section-title' }, 'Timeline'),
    micropostList(page.items, {
      testid: 'timeline',
      empty:
        page.page.number > 1
          ? 'No posts on this page.'
          : 'Your timeline is empty. Write your first post, or find people to follow with Search.',
      onDeleted: () => void refresh(),
    }),
    pager(page.page),
  );
}
