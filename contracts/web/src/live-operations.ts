// bff-web's live home timeline: a Server-Sent Events stream, merged into the operation table.
import * as z from 'zod';
import { Id, Micropost, RateLimitedProblem, UnauthenticatedProblem, UnavailableProblem } from './schemas.ts';
import type { Operation } from './operations.ts';

/** The `data` of a `changes` event (JSON). */
export const TimelineChangesEvent = z
  .strictObject({
    posts: z
      .array(Micropost)
      .meta({ description: "New posts in the timeline (the viewer's own included), oldest first." }),
    edited: z.array(Micropost).meta({ description: 'Posts edited since, as they are now.' }),
    deleted: z.array(Id).meta({ description: 'Ids of posts deleted since.' }),
  })
  .meta({ id: 'TimelineChangesEvent' });
export type TimelineChangesEvent = z.infer<typeof TimelineChangesEvent>;

/** The `data` of a `notifications` event (JSON): the viewer's unread notifications, as `GET /api/v1/notifications/unread` counts them. */
export const TimelineNotificationsEvent = z
  .strictObject({
    unread: z.int().min(0).meta({ description: 'Unread notifications (stops at 100, like the unread count).' }),
  })
  .meta({ id: 'TimelineNotificationsEvent' });
export type TimelineNotificationsEvent = z.infer<typeof TimelineNotificationsEvent>;

/** The body of GET /api/v1/timeline/events. */
export const TimelineEventStream = z.string().meta({
  description:
    'A `text/event-stream` (Server-Sent Events). Events: `ready` (first, data `{}`), `changes` (data: a TimelineChangesEvent), ' +
    '`notifications` (data: a TimelineNotificationsEvent; sent on connecting and whenever the unread count changes, within a heartbeat), ' +
    '`signed-out` (the session ended; the stream closes). Every `ready` and `changes` event has an `id`; reconnecting with ' +
    '`Last-Event-ID` resumes right after it (a change may come twice across a reconnect; clients de-duplicate by post id). ' +
    'A `: heartbeat` comment comes every 15 s (STREAM_HEARTBEAT_SECONDS); `retry: 3000`.',
});

export const liveOperations = {
  streamTimelineEvents: {
    method: 'get',
    path: '/api/v1/timeline/events',
    summary: 'Live changes of my home timeline (Server-Sent Events)',
    description:
      'New posts of the people I follow (and mine), edits and deletions, as they are committed by any instance of either BFF. ' +
      'Signed in only. At most 5 streams per user and 1000 per instance by default (429 with Retry-After beyond). ' +
      'Behind a proxy: disable response buffering for this path (`X-Accel-Buffering: no` is sent) and keep its read timeout above the heartbeat interval.',
    auth: 'required',
    request: {},
    responses: {
      200: TimelineEventStream,
      401: UnauthenticatedProblem,
      429: RateLimitedProblem,
      503: UnavailableProblem,
    },
    contentType: 'text/event-stream',
  },
} as const satisfies Record<string, Operation>;
