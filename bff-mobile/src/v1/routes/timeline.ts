// The home timeline (cursor pages; the first one carries a sync token) and its delta sync.
import { homeTimeline, issueSyncToken, timelineChanges } from '@microblog/domain';
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
    // Taken before the page is read, so a post written meanwhile shows up in the next sync rather than nowhere.
    const syncToken = cursor === undefined ? await issueSyncToken(domain(ctx), { viewerId }) : null;
    const page = await homeTimeline(domain(ctx), {
      viewerId,
      paging: { kind: 'cursor', cursor: cursor ?? null, limit },
    });
    ctx.body = presentTimelinePage(page, syncToken);
  });

  router.get('/v1/timeline/changes', deps.requireAuth, async (ctx) => {
    const { since, limit } = parseQuery(ctx, TimelineChangesQuery);
    ctx.body = presentTimelineChanges(
      await timelineChanges(domain(ctx), { viewerId: caller(ctx).userId, since, limit }),
    );
  });
}
