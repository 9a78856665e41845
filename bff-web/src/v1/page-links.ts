// RFC 8288 Link header for numbered pages; each link keeps the request's other query parameters.
import type { NumberedPage } from '@microblog/domain';

/** `first`, `prev` (after page 1), `next` (before the last page) and `last`, as relative URLs. */
export function pageLinks(path: string, querystring: string, page: NumberedPage<unknown>): string {
  const link = (number: number, rel: string): string => {
    const params = new URLSearchParams(querystring);
    params.delete('page');
    params.delete('per_page');
    params.append('page', String(number));
    params.append('per_page', String(page.size));
    return `<${path}?${params.toString()}>; rel="${rel}"`;
  };
  const links = [link(1, 'first')];
  if (page.number > 1) links.push(link(Math.min(page.number - 1, page.totalPages), 'prev'));
  if (page.number < page.totalPages) links.push(link(page.number + 1, 'next'));
  links.push(link(page.totalPages, 'last'));
  return links.join(', ');
}
