import type { DomainContext } from '../database.ts';
import { micropostPage } from '../micropost-reads.ts';
import { answerDependency } from '../answer-cache.ts';
import { keysetWindow, type CursorPage, type Paged, type Paging } from '../pagination.ts';
import { NotFound } from '../errors.ts';
import { isId } from '../sql.ts';
import { homeFeedFirstPage, homeFeedNumberedPage, homeFeedPageAfter } from '../sql/feed.ts';
import { syncTokenAt } from './timeline-changes.ts';
import type { MicropostView } from '../views.ts';

/**
 * The viewer's home timeline: their own posts and those of everyone they follow, newest first, ties by id.
 * Fan-out on write: the timeline is materialized in `home_feed` (kept exact by the writes, see home-feed.ts),
 * so a page is one range scan of its primary key, whatever the size of the history or the number followed; each
 * page is one prepared statement, a numbered page's total included (home_feed_sizes, kept by triggers).
 */
export async function homeTimeline<P extends Paging>(
  ctx: DomainContext,
  input: { viewerId: string; paging: P },
): Promise<Paged<P, MicropostView>> {
  const scope = homeScope(input.viewerId);
  const { after, limit, offset } = keysetWindow(ctx.keys, scope, input.paging);
  if (!isId(input.viewerId)) throw new NotFound('user');
  if (after !== null) {
    const rows = await homeFeedPageAfter(ctx, { viewerId: input.viewerId, after, limit });
    return micropostPage(ctx, scope, input.paging, rows, () => Promise.reject(new Error('a keyset page has no total')));
  }
  const { total, rows } = await homeFeedNumberedPage(ctx, { viewerId: input.viewerId, limit, offset });
  return micropostPage(ctx, scope, input.paging, rows, async () => total);
}

/** The first page of a home timeline with its sync token, and what it was read from (for the answer cache). */
export type FirstTimelinePage = {
  page: CursorPage<MicropostView>;
  /** Delta sync from here returns every change the page does not hold (timeline-changes.ts). */
  syncToken: string;
  /** The answer-cache dependencies: the owner's feed and every author shown. */
  dependsOn: string[];
};

/**
 * The first `limit` posts of the viewer's home timeline and a sync token taken before they were read, in one round
 * trip on the primary (sql/feed.ts).
 */
export async function homeTimelineFirstPage(
  ctx: DomainContext,
  input: { viewerId: string; limit: number },
): Promise<FirstTimelinePage> {
  const paging = { kind: 'cursor', cursor: null, limit: input.limit } as const;
  const scope = homeScope(input.viewerId);
  const { limit } = keysetWindow(ctx.keys, scope, paging);
  if (!isId(input.viewerId)) throw new NotFound('user');
  const { horizon, rows } = await homeFeedFirstPage(ctx.pool, { viewerId: input.viewerId, limit });
  const page = await micropostPage(ctx, scope, paging, rows, () => Promise.reject(new Error('no total')));
  return {
    page,
    syncToken: syncTokenAt(ctx, input.viewerId, horizon),
    dependsOn: timelinePageDependencies(input.viewerId, page.items),
  };
}

/**
 * What a page of `viewerId`'s home timeline holding `items` was read from, for the answer cache: the viewer's feed
 * (lines added, removed) and each author shown (their posts edited, their name changed).
 */
export function timelinePageDependencies(viewerId: string, items: readonly MicropostView[]): string[] {
  const authors = new Set(items.map((item) => item.author.id));
  return [answerDependency.homeFeed(viewerId), ...[...authors].map(answerDependency.user)];
}

function homeScope(viewerId: string): string {
  return `home:${viewerId}`;
}
