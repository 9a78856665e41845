// The home timeline (cursor pages; the first one carries a sync token) and its delta sync.
import { sendCachedAnswer } from '@microblog/bff-kit';
import { homeTimeline, homeTimelineFirstPage, timelineChanges } from '@microblog/domain';
import { CursorPageQuery, TimelineChangesQuery } from '@microblog/mobile-contract';
import type { Router } from '@koa/router';
import { caller, domain } from '../../state.ts';
import type { RouteDeps } from '../deps.ts';
import { parseQuery } from '../parse.ts';
import { presentTimelineChanges, presentTimelinePage } from '../presenters.ts';

/** Registers the /v1/timeline routes on `router`. */
export function timelineRoutes(router: Router, deps: RouteDeps): void {
  router.get('/v1/timeline', deps.requireAuth, async (ctx) => {
    const { cursor, limit } = parseQuery(ctx, CursorPageQuery);
    const viewerId = caller(ctx).userId;
    if (cursor === undefined) {
      // The first page and its sync token (taken before the page was read, so a post written meanwhile shows up in
      // the next sync rather than nowhere), from the answer cache when nothing it shows has changed since.
      const { answers } = domain(ctx);
      await sendCachedAnswer(ctx, answers, `mobile:timeline:${viewerId}:${limit}`, async () => {
        const first = await homeTimelineFirstPage(domain(ctx), { viewerId, limit });
        return { body: presentTimelinePage(first.page, first.syncToken), dependsOn: first.dependsOn };
      });
      return;
    }
    const page = await homeTimeline(domain(ctx), { viewerId, paging: { kind: 'cursor', cursor, limit } });
    ctx.body = presentTimelinePage(page, null);
  });

  router.get('/v1/timeline/changes', deps.requireAuth, async (ctx) => {
    const { since, limit } = parseQuery(ctx, TimelineChangesQuery);
    ctx.body = presentTimelineChanges(
      await timelineChanges(domain(ctx), { viewerId: caller(ctx).userId, since, limit }),
    );
  });
}
