// `/search?q=`: full-text search of microposts, 3 to 100 characters.
import { api } from './api.ts';
import { el } from './dom.ts';
import { micropostList } from './micropost-view.ts';
import { pager } from './pager.ts';
import { currentPage, navigate, refresh, type RouteContext } from './router.ts';
import { isSearchable } from './text-rules.ts';

/** `/search?q=`: the search form and, for a valid query, the matching posts. */
export async function searchView({ query }: RouteContext): Promise<Node> {
  const q = query.get('q') ?? '';
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
  const hint = el('p', { class: 'field-hint', id: 'search-hint', 'data-testid': 'search-hint' }, '3 to 100 characters.');
  const form = el(
    'form',
    { class: 'card search-form', role: 'search', 'data-testid': 'search-form', novalidate: true },
    el('label', { for: 'search-q', class: 'visually-hidden' }, 'Search posts'),
    el('div', { class: 'search-row' }, input, el('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'search-submit' }, 'Search')),
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
    navigate(`/search?${new URLSearchParams({ q: value }).toString()}`);
  });
  if (q === '') {
    queueMicrotask(() => input.focus());
    return el('div', { class: 'stack' }, el('h1', {}, 'Search'), form);
  }
  if (!isSearchable(q)) {
    hint.textContent = 'Type 3 to 100 characters to search.';
    hint.classList.add('field-error');
    return el('div', { class: 'stack' }, el('h1', {}, 'Search'), form);
  }
  const results = await api.search(q, currentPage(query));
  const total = results.page.totalItems;
  return el(
    'div',
    { class: 'stack' },
    el('h1', {}, 'Search'),
    form,
    el('h2', { class: 'section-title', 'data-testid': 'search-summary' }, `${total} ${total === 1 ? 'post matches' : 'posts match'} “${q}”`),
    micropostList(results.items, { testid: 'search-results', empty: 'No posts match.', onDeleted: () => void refresh() }),
    pager(results.page),
  );
}
