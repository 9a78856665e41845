import type { DomainContext } from '../database.ts';
import { micropostPage } from '../micropost-reads.ts';
import { answerDependency } from '../answer-cache.ts';
import { keysetWindow, type CursorPage, type Paged, type Paging } from '../pagination.ts';
import { NotFound } from '../errors.ts';
import { isId } from '../sql.ts';
import { homeFeedFirstPage, homeFeedNumberedPage, homeFeedPageAfter } from '../sql/feed.ts';
import { syncTokenAt } from './timeline-changes.ts';
import type { MicropostView } from '../views.ts';

/** A page of the home timeline and what it was read from (for the answer cache). */
export type TimelinePage<P extends Paging> = Paged<P, MicropostView> & {
  /** The answer-cache dependencies: the owner's feed, every author shown, and followed authors whose posts come late. */
  dependsOn: string[];
};

/**
 * The viewer's home timeline: their own posts and those of everyone they follow, newest first, ties by id.
 * Fan-out on write: the timeline is materialized in `home_feed` (kept exact by the writes, see home-feed.ts),
 * so a page is one range scan of its primary key, whatever the size of the history or the number followed; posts of
 * authors past `fanOutMaxFollowers` that the fan-out worker has not delivered yet are merged in. Each page is one
 * prepared statement, a numbered page's total included (home_feed_sizes, kept by triggers).
 */
export async function homeTimeline<P extends Paging>(
  ctx: DomainContext,
  input: { viewerId: string; paging: P },
): Promise<TimelinePage<P>> {
  const scope = homeScope(input.viewerId);
  const { after, limit, offset } = keysetWindow(ctx.keys, scope, input.paging);
  if (!isId(input.viewerId)) throw new NotFound('user');
  if (after !== null) {
    const rows = await homeFeedPageAfter(ctx, { viewerId: input.viewerId, after, limit });
    const page = await micropostPage(ctx, scope, input.paging, rows, () =>
      Promise.reject(new Error('a keyset page has no total')),
    );
    // Keyset pages past the first are not cached: their followed authors are not read.
    return { ...page, dependsOn: pageDependencies(input.viewerId, page.items, []) };
  }
  const { total, rows, deferredAuthors } = await homeFeedNumberedPage(ctx.pool, {
    viewerId: input.viewerId,
    limit,
    offset,
    fanOutMaxFollowers: ctx.fanOutMaxFollowers,
  });
  const page = await micropostPage(ctx, scope, input.paging, rows, async () => total);
  return { ...page, dependsOn: pageDependencies(input.viewerId, page.items, deferredAuthors) };
}

/** The first page of a home timeline with its sync token, and what it was read from (for the answer cache). */
export type FirstTimelinePage = {
  page: CursorPage<MicropostView>;
  /** Delta sync from here returns every change the page does not hold (timeline-changes.ts). */
  syncToken: string;
  /** The answer-cache dependencies: the owner's feed, every author shown, and followed authors whose posts come late. */
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
  const { horizon, rows, deferredAuthors } = await homeFeedFirstPage(ctx.pool, {
    viewerId: input.viewerId,
    limit,
    fanOutMaxFollowers: ctx.fanOutMaxFollowers,
  });
  const page = await micropostPage(ctx, scope, paging, rows, () => Promise.reject(new Error('no total')));
  return {
    page,
    syncToken: syncTokenAt(ctx, input.viewerId, horizon),
    dependsOn: pageDependencies(input.viewerId, page.items, deferredAuthors),
  };
}

/**
 * What a page of `viewerId`'s home timeline holding `items` was read from, for the answer cache: the viewer's feed
 * (lines added, removed), each author shown (their posts edited, their name changed), and each followed author past
 * the fan-out threshold (a new post of theirs reaches the page without a home_feed line: its micropost_changes
 * notification names them).
 */
function pageDependencies(viewerId: string, items: readonly MicropostView[], deferredAuthors: string[]): string[] {
  const authors = new Set([...items.map((item) => item.author.id), ...deferredAuthors]);
  return [answerDependency.homeFeed(viewerId), ...[...authors].map(answerDependency.user)];
}

function homeScope(viewerId: string): string {
  return `home:${viewerId}`;
}
