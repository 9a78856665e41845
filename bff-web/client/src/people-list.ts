// Lists of people (search results, suggestions): name, handle, and for suggestions a follow button.
import type { UserSummary } from '@microblog/web-contract';
import { api } from './api.ts';
import { el } from './dom.ts';
import { whileBusy } from './forms.ts';

const profilePath = (username: string): string => `/users/${encodeURIComponent(username)}`;

function personLine(user: UserSummary, note: string | null): HTMLElement {
  return el(
    'div',
    { class: 'person-line' },
    el(
      'a',
      { class: 'author-name', href: profilePath(user.username), 'data-testid': 'person-name' },
      user.displayName || user.username,
    ),
    el('span', { class: 'author-handle' }, `@${user.username}`),
    note ? el('span', { class: 'person-note' }, note) : null,
  );
}

/** People found by a search. */
export function peopleList(users: UserSummary[], testid: string): HTMLElement {
  return el(
    'ul',
    { class: 'people-list card', 'data-testid': testid },
    ...users.map((user) => el('li', { class: 'person', 'data-testid': 'person' }, personLine(user, null))),
  );
}

/** "Who to follow", each with a Follow button that turns into "Following". */
export function suggestionList(suggestions: { user: UserSummary; followedByYourFollows: number }[]): HTMLElement {
  return el(
    'ul',
    { class: 'people-list card', 'data-testid': 'suggestions' },
    ...suggestions.map(({ user, followedByYourFollows }) => {
      const follow = el(
        'button',
        { type: 'button', class: 'button button-small button-primary', 'data-testid': 'suggestion-follow' },
        'Follow',
      );
      follow.addEventListener('click', () => {
        void whileBusy(follow, async () => {
          try {
            await api.follow(user.username);
            follow.textContent = 'Following';
            follow.classList.remove('button-primary');
            follow.setAttribute('data-following', 'true');
          } catch (error) {
            console.error(error);
          }
        }).then(() => {
          if (follow.getAttribute('data-following') === 'true') follow.disabled = true;
        });
      });
      const note = followedByYourFollows > 0 ? `followed by ${followedByYourFollows} you follow` : null;
      return el('li', { class: 'person', 'data-testid': 'suggestion' }, personLine(user, note), follow);
    }),
  );
}
