// Client-side routing with history.pushState: the server answers index.html for every non-API path.
import { ApiError } from './api.ts';
import { el, replaceChildren } from './dom.ts';

/** What a view gets: the path's captured parts and the query string. */
export type RouteContext = { params: string[]; query: URLSearchParams };
/** A view builds the page's content (it may fetch first); it may redirect instead by calling navigate and returning null. */
export type View = (context: RouteContext) => Promise<Node | null>;
type Route = { pattern: RegExp; view: View };

const routes: Route[] = [];
let notFound: View = async () => el('p', {}, 'Page not found.');
let outlet: HTMLElement | null = null;
// Bumped on every render so a slow view does not overwrite a newer one.
let generation = 0;

/** Adds a route; capture groups of `pattern` become `params` (URL-decoded). */
export function route(pattern: RegExp, view: View): void {
  routes.push({ pattern, view });
}

/** Sets the view for paths no route matches. */
export function fallback(view: View): void {
  notFound = view;
}

/** Goes to a same-origin URL (path and query), adding a history entry unless `replace`. */
export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  void render({ scroll: true });
}

/** Renders the current URL again (after a write that changes what it shows). */
export function refresh(): Promise<void> {
  return render({ scroll: false });
}

/** Whether the current path (without query) is `path`. */
export function isCurrentPath(path: string): boolean {
  return location.pathname === path;
}

/** The current path and query with `?page=` set to `page` (dropped for page 1). */
export function withPage(page: number): string {
  const query = new URLSearchParams(location.search);
  if (page === 1) query.delete('page');
  else query.set('page', String(page));
  const search = query.toString();
  return search === '' ? location.pathname : `${location.pathname}?${search}`;
}

/** The `?page=` of the current URL, or 1 when absent or not a page number. */
export function currentPage(query: URLSearchParams): number {
  const raw = query.get('page') ?? '1';
  return /^[1-9][0-9]{0,4}$/.test(raw) ? Math.min(Number(raw), 10000) : 1;
}

async function render(options: { scroll: boolean }): Promise<void> {
  if (!outlet) return;
  const mine = ++generation;
  const path = location.pathname;
  const query = new URLSearchParams(location.search);
  let view = notFound;
  let params: string[] = [];
  for (const candidate of routes) {
    const match = candidate.pattern.exec(path);
    if (match) {
      view = candidate.view;
      params = match.slice(1).map((part) => safeDecode(part ?? ''));
      break;
    }
  }
  outlet.setAttribute('aria-busy', 'true');
  let content: Node | null;
  try {
    content = await view({ params, query });
  } catch (error) {
    content = errorPanel(error);
  }
  if (mine !== generation) return;
  outlet.removeAttribute('aria-busy');
  if (content === null) return;
  replaceChildren(outlet, content);
  if (options.scroll) window.scrollTo(0, 0);
}

// Paths the server answers itself (the API, its docs and probes) are left to the browser.
function isAppPath(path: string): boolean {
  return !/^\/(api|docs)(\/|$)|^\/(openapi\.json|healthz|readyz)$/.test(path);
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function errorPanel(error: unknown): Node {
  if (error instanceof ApiError) {
    const message = error.status === 404 ? 'Not found.' : (error.problem.detail ?? error.problem.title);
    return el('div', { class: 'notice notice-error', role: 'alert', 'data-testid': 'page-error' }, message);
  }
  console.error(error);
  return el(
    'div',
    { class: 'notice notice-error', role: 'alert', 'data-testid': 'page-error' },
    'Something went wrong. Try again.',
  );
}

/** Starts routing: renders into `target`, follows same-origin link clicks and the back/forward buttons. */
export function startRouter(target: HTMLElement): void {
  outlet = target;
  document.addEventListener('click', (event) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    const anchor = event.target instanceof Element ? event.target.closest('a') : null;
    if (!anchor || anchor.target !== '' || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || !isAppPath(url.pathname)) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  window.addEventListener('popstate', () => void render({ scroll: false }));
  void render({ scroll: false });
}
