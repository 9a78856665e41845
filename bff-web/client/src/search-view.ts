// `/search?q=`: full-text search of microposts, 3 to 100 characters.
import { api } from './api.ts';
import { el } from './dom.ts';
import { micropostList } from './micropost-view.ts';
import { pager } from './pager.ts';
import { currentPage, navigate, refresh, type RouteContext } from './router.ts';
import { peopleList } from './people-list.ts';
import { isSearchable } from './text-rules.ts';

/** Posts | People. */
function searchTabs(current: 'posts' | 'people', q: string): HTMLElement {
  const tab = (kind: 'posts' | 'people', label: string) =>
    el(
      'a',
      {
        href: `/search?${new URLSearchParams({ ...(q ? { q } : {}), ...(kind === 'people' ? { type: 'people' } : {}) }).toString()}`.replace(
          /\?$/,
          '',
        ),
        class: kind === current ? 'tab tab-current' : 'tab',
        'aria-current': kind === current ? 'page' : undefined,
        'data-testid': `search-tab-${kind}`,
      },
      label,
    );
  return el('nav', { class: 'tabs', 'aria-label': 'Search for' }, tab('posts', 'Posts'), tab('people', 'People'));
}

/** `/search?type=people&q=`: accounts by username or display-name prefix (1 to 50 characters). */
async function peopleSearchView(query: URLSearchParams): Promise<Node> {
  const q = query.get('q') ?? '';
  document.title = q ? `“${q}” · People · Microblog` : 'People · Microblog';
  const input = el('input', {
    type: 'search',
    name: 'q',
    id: 'people-q',
    'data-testid': 'people-input',
    placeholder: 'Search people by name',
  });
  input.value = q;
  const form = el(
    'form',
    { class: 'card search-form', role: 'search', 'data-testid': 'people-form', novalidate: true },
    el('label', { for: 'people-q', class: 'visually-hidden' }, 'Search people'),
    el(
      'div',
      { class: 'search-row' },
      input,
      el('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'people-submit' }, 'Search'),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (value === '' || [...value].length > 50) return input.focus();
    navigate(`/search?${new URLSearchParams({ type: 'people', q: value }).toString()}`);
  });
  const heading = el('h1', {}, 'Search');
  if (q.trim() === '' || [...q].length > 50) {
    queueMicrotask(() => input.focus());
    return el('div', { class: 'stack' }, heading, searchTabs('people', ''), form);
  }
  const results = await api.searchPeople(q, currentPage(query));
  const total = results.page.totalItems;
  return el(
    'div',
    { class: 'stack' },
    heading,
    searchTabs('people', q),
    form,
    el(
      'h2',
      { class: 'section-title', 'data-testid': 'people-summary' },
      `${total} ${total === 1 ? 'person' : 'people'} named “${q}…”`,
    ),
    results.items.length === 0
      ? el('p', { class: 'empty', 'data-testid': 'people-empty' }, 'Nobody by that name.')
      : peopleList(results.items, 'people-results'),
    pager(results.page),
  );
}

/** `/search?q=[&type=people][&order=relevance]`: the search form and, for a valid query, the matching posts or people. */
export async function searchView({ query }: RouteContext): Promise<Node> {
  if (query.get('type') === 'people') return peopleSearchView(query);
  const q = query.get('q') ?? '';
  const order = query.get('order') === 'relevance' ? 'relevance' : 'newest';
  document.title = q ? `“${q}” · Search · Microblog` : 'Search · Microblog';
  const input = el('input', {
    type: 'search',
    name: 'q',
    id: 'search-q',
    'data-testid': 'search-input',
    placeholder: 'Search posts',
    'aria-describedby': 'search-hint',
  });
  input.value = q;
  const hint = el(
    'p',
    { class: 'field-hint', id: 'search-hint', 'data-testid': 'search-hint' },
    '3 to 100 characters.',
  );
  const form = el(
    'form',
    { class: 'card search-form', role: 'search', 'data-testid': 'search-form', novalidate: true },
    el('label', { for: 'search-q', class: 'visually-hidden' }, 'Search posts'),
    el(
      'div',
      { class: 'search-row' },
      input,
      el('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'search-submit' }, 'Search'),
    ),
    hint,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (!isSearchable(value)) {
      hint.textContent = 'Type 3 to 100 characters to search.';
      hint.classList.add('field-error');
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    navigate(`/search?${new URLSearchParams({ q: value, ...(order === 'relevance' ? { order } : {}) }).toString()}`);
  });
  if (q === '') {
    queueMicrotask(() => input.focus());
    return el('div', { class: 'stack' }, el('h1', {}, 'Search'), searchTabs('posts', q), form);
  }
  if (!isSearchable(q)) {
    hint.textContent = 'Type 3 to 100 characters to search.';
    hint.classList.add('field-error');
    return el('div', { class: 'stack' }, el('h1', {}, 'Search'), searchTabs('posts', q), form);
  }
  const results = await api.search(q, currentPage(query), order);
  const total = results.page.totalItems;
  const otherOrder = order === 'relevance' ? 'newest' : 'relevance';
  return el(
    'div',
    { class: 'stack' },
    el('h1', {}, 'Search'),
    searchTabs('posts', q),
    form,
    el(
      'div',
      { class: 'search-summary-row' },
      el(
        'h2',
        { class: 'section-title', 'data-testid': 'search-summary' },
        `${total} ${total === 1 ? 'post matches' : 'posts match'} “${q}”`,
      ),
      el(
        'a',
        {
          href: `/search?${new URLSearchParams({ q, ...(otherOrder === 'relevance' ? { order: otherOrder } : {}) }).toString()}`,
          'data-testid': 'search-order',
        },
        otherOrder === 'relevance' ? 'Best match first' : 'Newest first',
      ),
    ),
    micropostList(results.items, {
      testid: 'search-results',
      empty: 'No posts match.',
      onDeleted: () => void refresh(),
    }),
    pager(results.page),
  );
}
