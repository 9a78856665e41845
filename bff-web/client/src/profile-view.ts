// `/users/:username` and its followers and following lists: the profile card, follow button, and a paged list.
import type { Profile, UserSummary } from '@microblog/web-contract';
import { api } from './api.ts';
import { el, replaceChildren } from './dom.ts';
import { formError, showError, whileBusy } from './forms.ts';
import { micropostList } from './micropost-view.ts';
import { signInMethodsCard } from './oidc-views.ts';
import { pager } from './pager.ts';
import { currentPage, refresh, type RouteContext } from './router.ts';
import { currentUser } from './session.ts';
import { monthAndYear } from './time-format.ts';

type Tab = 'posts' | 'followers' | 'following';

const profilePath = (username: string): string => `/users/${encodeURIComponent(username)}`;

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

function followButton(profile: Profile, onChange: () => void): HTMLElement | null {
  if (profile.viewer.isSelf) {
    return el(
      'span',
      { class: 'button-row' },
      el('span', { class: 'badge', 'data-testid': 'profile-is-you' }, 'This is you'),
      el(
        'a',
        { class: 'button button-small', href: '/settings', 'data-testid': 'to-settings' },
        'Edit profile & settings',
      ),
    );
  }
  if (!currentUser()) {
    return el(
      'a',
      { class: 'button button-primary', href: '/signin', 'data-testid': 'follow-signin' },
      'Sign in to follow',
    );
  }
  const following = profile.viewer.isFollowing;
  const button = el(
    'button',
    {
      type: 'button',
      class: following ? 'button button-following' : 'button button-primary',
      'aria-pressed': following ? 'true' : 'false',
      'data-testid': 'follow-button',
      'data-following': following ? 'true' : 'false',
    },
    following ? 'Unfollow' : 'Follow',
  );
  const summary = formError();
  button.addEventListener('click', () => {
    void whileBusy(button, async () => {
      try {
        await (following ? api.unfollow(profile.username) : api.follow(profile.username));
        onChange();
      } catch (error) {
        showError(error, [], summary);
      }
    });
  });
  return el('div', { class: 'follow-area' }, button, summary);
}

function profileCard(profile: Profile, tab: Tab): HTMLElement {
  const path = profilePath(profile.username);
  const count = (n: number, label: string, href: string, testid: string, current: boolean): HTMLElement =>
    el(
      'a',
      { class: 'count', href, 'data-testid': testid, 'aria-current': current ? 'page' : undefined },
      el('strong', {}, String(n)),
      ` ${label}`,
    );
  const card = el(
    'section',
    { class: 'card profile', 'data-testid': 'profile' },
    el(
      'div',
      { class: 'profile-head' },
      el(
        'div',
        { class: 'profile-names' },
        el('h1', { 'data-testid': 'profile-name' }, profile.displayName || profile.username),
        el(
          'p',
          { class: 'author-handle' },
          `@${profile.username}`,
          profile.viewer.followsYou
            ? el('span', { class: 'badge', 'data-testid': 'follows-you' }, 'Follows you')
            : null,
        ),
      ),
      followButton(profile, () => void refresh()),
    ),
    profile.bio ? el('p', { class: 'bio', 'data-testid': 'profile-bio' }, profile.bio) : null,
    el('p', { class: 'muted' }, `Joined ${monthAndYear(profile.joinedAt)}`),
    el(
      'nav',
      { class: 'counts', 'aria-label': 'Profile sections' },
      count(profile.counts.posts, plural(profile.counts.posts, 'post', 'posts'), path, 'count-posts', tab === 'posts'),
      count(
        profile.counts.followers,
        plural(profile.counts.followers, 'follower', 'followers'),
        `${path}/followers`,
        'count-followers',
        tab === 'followers',
      ),
      count(profile.counts.following, 'following', `${path}/following`, 'count-following', tab === 'following'),
    ),
  );
  return card;
}

function userList(users: UserSummary[], empty: string): HTMLElement {
  if (users.length === 0) return el('p', { class: 'empty', 'data-testid': 'user-list-empty' }, empty);
  return el(
    'ul',
    { class: 'user-list', 'data-testid': 'user-list' },
    ...users.map((u) =>
      el(
        'li',
        { class: 'user-item', 'data-testid': 'user-item' },
        el('a', { href: profilePath(u.username), class: 'author-name' }, u.displayName || u.username),
        el('span', { class: 'author-handle' }, `@${u.username}`),
      ),
    ),
  );
}

/** `/users/:username` (posts), `/users/:username/followers` and `/users/:username/following`. */
export function profileView(tab: Tab) {
  return async ({ params, query }: RouteContext): Promise<Node> => {
    const username = params[0] ?? '';
    const page = currentPage(query);
    const container = el('div', { class: 'stack' });
    if (tab === 'posts') {
      const [profile, posts] = await Promise.all([api.profile(username), api.userMicroposts(username, page)]);
      document.title = `${profile.displayName || profile.username} (@${profile.username}) · Microblog`;
      replaceChildren(
        container,
        profileCard(profile, tab),
        profile.viewer.isSelf ? signInMethodsCard() : null,
        el('h2', { class: 'section-title' }, 'Posts'),
        micropostList(posts.items, { testid: 'user-posts', empty: 'No posts yet.', onDeleted: () => void refresh() }),
        pager(posts.page),
      );
      return container;
    }
    const [profile, users] = await Promise.all([
      api.profile(username),
      tab === 'followers' ? api.followers(username, page) : api.following(username, page),
    ]);
    const who = profile.displayName || profile.username;
    const title = tab === 'followers' ? `People following ${who}` : `People ${who} follows`;
    document.title = `${title} · Microblog`;
    replaceChildren(
      container,
      profileCard(profile, tab),
      el('h2', { class: 'section-title' }, tab === 'followers' ? 'Followers' : 'Following'),
      userList(users.items, tab === 'followers' ? 'No followers yet.' : 'Not following anyone yet.'),
      pager(users.page),
    );
    return container;
  };
}
