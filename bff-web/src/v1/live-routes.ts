// The live home timeline as Server-Sent Events (see live/timeline-streams.ts).
import { requireViewer, signedIn } from '../auth.ts';
import type { TimelineStreams } from '../live/timeline-streams.ts';
import type { V1Deps, V1Router } from './router.ts';

/** Adds GET /api/v1/timeline/events. */
export function liveRoutes(router: V1Router, deps: V1Deps & { streams: TimelineStreams }): void {
  router.get('streamTimelineEvents', '/timeline/events', requireViewer(deps.cookies), async (ctx) => {
    await deps.streams.open(ctx, signedIn(ctx));
  });
}
