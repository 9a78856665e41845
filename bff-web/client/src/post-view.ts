// `/microposts/:id`: one post on a page of its own (linked from every post's time and from notifications).
import { api } from './api.ts';
import { el } from './dom.ts';
import { micropostItem } from './micropost-view.ts';
import { navigate, type RouteContext } from './router.ts';

/** `/microposts/:id`: the post, or the router's "Not found." for a deleted or unknown one. */
export async function postView({ params }: RouteContext): Promise<Node> {
  const id = params[0] ?? '';
  const post = await api.getMicropost(id);
  document.title = `@${post.author.username}: “${[...post.text].slice(0, 40).join('')}” · Microblog`;
  return el(
    'div',
    { class: 'stack', 'data-testid': 'post-page' },
    el('h1', { class: 'visually-hidden' }, `Post by @${post.author.username}`),
    el(
      'div',
      { class: 'micropost-list' },
      micropostItem(post, () => navigate('/', { replace: true })),
    ),
  );
}
