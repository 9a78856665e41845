// Numbered page links (from page.totalPages) with previous and next.
import type { PageInfo } from '@microblog/web-contract';
import { el } from './dom.ts';
import { withPage } from './router.ts';

/** The page numbers to show: the first, the last and two on each side of the current one; 0 marks a gap. */
export function pageNumbers(current: number, total: number): number[] {
  const shown = new Set<number>([1, total]);
  for (let n = current - 2; n <= current + 2; n++) if (n >= 1 && n <= total) shown.add(n);
  const sorted = [...shown].sort((a, b) => a - b);
  const withGaps: number[] = [];
  for (const n of sorted) {
    const previous = withGaps[withGaps.length - 1];
    if (previous !== undefined && n - previous === 2) withGaps.push(n - 1);
    else if (previous !== undefined && n - previous > 2) withGaps.push(0);
    withGaps.push(n);
  }
  return withGaps;
}

/** The pager for a list, or null when everything fits on one page and that page is shown. */
export function pager(page: PageInfo): HTMLElement | null {
  const { number, totalPages } = page;
  if (totalPages <= 1 && number === 1) return null;
  const step = (target: number, label: string, testid: string, rel: string): HTMLElement =>
    target >= 1 && target <= totalPages
      ? el('a', { class: 'pager-step', href: withPage(target), rel, 'data-testid': testid }, label)
      : el('span', { class: 'pager-step pager-disabled', 'aria-disabled': 'true', 'data-testid': testid }, label);
  const previousTarget = number > totalPages ? totalPages : number - 1;
  return el(
    'nav',
    { class: 'pager', 'aria-label': 'Pages', 'data-testid': 'pager' },
    step(previousTarget, '‹ Prev', 'pager-prev', 'prev'),
    el(
      'ol',
      { class: 'pager-pages' },
      ...pageNumbers(Math.min(number, totalPages), totalPages).map((n) =>
        el(
          'li',
          {},
          n === 0
            ? el('span', { class: 'pager-gap', 'aria-hidden': 'true' }, '…')
            : n === number
              ? el(
                  'a',
                  {
                    class: 'pager-page',
                    href: withPage(n),
                    'aria-current': 'page',
                    'data-testid': 'pager-page',
                    'data-page': String(n),
                  },
                  String(n),
                )
              : el(
                  'a',
                  {
                    class: 'pager-page',
                    href: withPage(n),
                    'aria-label': `Page ${n}`,
                    'data-testid': 'pager-page',
                    'data-page': String(n),
                  },
                  String(n),
                ),
        ),
      ),
    ),
    step(number + 1, 'Next ›', 'pager-next', 'next'),
  );
}
