// The live home timeline: one Server-Sent Events stream per open browser tab of a signed-in user. Each event
// carries what changed in the viewer's timeline (new posts, edits, deletions) and, as its id, the domain's sync
// token after those changes, so a reconnecting EventSource (Last-Event-ID) resumes exactly where it stopped:
// the durable order is the microposts' commit order, not the notifications. Notifications (PostgreSQL
// LISTEN/NOTIFY, from every instance and both BFFs) only say "look now"; each heartbeat also looks, so a lost
// notification delays an event by one heartbeat at most. Every heartbeat re-checks the session: sign-out or
// revocation ends the stream. A `notifications` event carries the viewer's unread count whenever it changed, checked
// after each catch-up and at each heartbeat (so a new follower shows on the badge within a heartbeat).
import { PassThrough } from 'node:stream';
import {
  checkSession,
  countUnreadNotifications,
  DomainError,
  issueSyncToken,
  listenForMicropostChanges,
  listFolloweeIds,
  timelineChanges,
  type Database,
  type MicropostChangeListener,
} from '@microblog/domain';
import type { ParameterizedContext } from 'koa';
import type { AppState, Viewer } from '../auth.ts';
import { HttpProblem, type Logger } from '@microblog/bff-kit';
import { presentMicropost } from '../v1/presenters.ts';

/** Limits and timing of the streams. */
export type StreamSettings = { maxPerUser: number; maxPerInstance: number; heartbeatSeconds: number };

/** The open streams of this instance. */
export type TimelineStreams = {
  /** Answers the request with a stream for the viewer; 429 over a connection limit. */
  open(ctx: ParameterizedContext<AppState>, viewer: Viewer): Promise<void>;
  /** How many streams are open. */
  readonly size: number;
  /** Ends every stream and stops listening. */
  close(): Promise<void>;
};

type Stream = {
  viewer: Viewer;
  followees: Set<string>;
  since: string;
  out: PassThrough;
  busy: boolean;
  again: boolean;
  closed: boolean;
  /** The unread count last sent, or null before the first. */
  unread: number | null;
};

const BATCH = 50;

/** Builds the registry; `listenUrl` (the database URL) enables cross-instance notifications. */
export function timelineStreams(options: {
  db: Database;
  settings: StreamSettings;
  listenUrl: string | null;
  logger: Logger;
}): TimelineStreams {
  const { db, settings, logger } = options;
  const streams = new Set<Stream>();
  let listener: MicropostChangeListener | null = null;
  let heartbeat: NodeJS.Timeout | null = null;

  const countFor = (userId: string) => [...streams].filter((s) => s.viewer.userId === userId).length;

  // Writes only to a live stream: a write after the end would be an error event on the stream.
  function send(stream: Stream, text: string): void {
    if (!stream.closed) stream.out.write(text);
  }

  function end(stream: Stream, event?: string): void {
    if (stream.closed) return;
    stream.closed = true;
    streams.delete(stream);
    if (event) stream.out.write(`event: ${event}\ndata: {}\n\n`);
    stream.out.end();
  }

  // Sends every change since the stream's position; runs once at a time per stream, again if woken meanwhile.
  async function pump(stream: Stream): Promise<void> {
    if (stream.busy) {
      stream.again = true;
      return;
    }
    stream.busy = true;
    try {
      do {
        stream.again = false;
        let more = true;
        while (more && !stream.closed) {
          const changes = await timelineChanges(db.context(), {
            viewerId: stream.viewer.userId,
            since: stream.since,
            limit: BATCH,
          });
          stream.since = changes.syncToken;
          more = changes.hasMore;
          if (changes.items.length === 0 && changes.deleted.length === 0) continue;
          const posts = changes.items
            .filter((post) => post.editedAt === null)
            .map((post) => presentMicropost(post, stream.viewer.userId));
          const edited = changes.items
            .filter((post) => post.editedAt !== null)
            .map((post) => presentMicropost(post, stream.viewer.userId));
          send(
            stream,
            `id: ${changes.syncToken}\nevent: changes\ndata: ${JSON.stringify({ posts, edited, deleted: changes.deleted })}\n\n`,
          );
        }
        // Inside the loop: a change that wakes the stream while this is asked is not left for the next heartbeat.
        const { unread } = await countUnreadNotifications(db.context(), { userId: stream.viewer.userId });
        if (unread !== stream.unread) {
          stream.unread = unread;
          send(stream, `event: notifications\ndata: ${JSON.stringify({ unread })}\n\n`);
        }
      } while (stream.again && !stream.closed);
    } catch (error) {
      logger.warn({
        msg: 'live timeline: catching up failed; will retry at the next heartbeat',
        error: (error as Error).message,
      });
    } finally {
      stream.busy = false;
    }
  }

  async function beat(): Promise<void> {
    for (const stream of [...streams]) {
      try {
        await checkSession(db.context(), { sessionId: stream.viewer.sessionId, userId: stream.viewer.userId });
      } catch (error) {
        if (error instanceof DomainError && error.code === 'unauthenticated') {
          end(stream, 'signed-out');
          continue;
        }
      }
      if (stream.closed) continue;
      send(stream, ': heartbeat\n\n');
      stream.followees = new Set(
        await listFolloweeIds(db.context(), { userId: stream.viewer.userId }).catch(() => [...stream.followees]),
      );
      void pump(stream);
    }
  }

  function ensureRunning(): void {
    if (!heartbeat) {
      heartbeat = setInterval(() => void beat(), settings.heartbeatSeconds * 1000);
      heartbeat.unref();
    }
    if (!listener && options.listenUrl) {
      listener = listenForMicropostChanges({
        url: options.listenUrl,
        onChange: (authorId) => {
          for (const stream of streams)
            if (stream.viewer.userId === authorId || stream.followees.has(authorId)) void pump(stream);
        },
        onConnected: () => {
          for (const stream of streams) void pump(stream);
        },
        onError: (error) =>
          logger.warn({ msg: 'live timeline: notification connection lost; reconnecting', error: error.message }),
      });
    }
  }

  return {
    get size() {
      return streams.size;
    },

    async open(ctx, viewer) {
      if (streams.size >= settings.maxPerInstance) {
        throw new HttpProblem(429, 'rate_limited', 'too many live timelines are open on this server', {
          headers: { 'Retry-After': '30' },
        });
      }
      if (countFor(viewer.userId) >= settings.maxPerUser) {
        throw new HttpProblem(
          429,
          'rate_limited',
          `at most ${settings.maxPerUser} live timelines per user; close a tab`,
          { headers: { 'Retry-After': '30' } },
        );
      }
      const domain = ctx.state.domain;
      const lastEventId = ctx.get('Last-Event-ID');
      let since: string | null = null;
      if (lastEventId !== '' && lastEventId.length <= 1024) {
        // A token that does not verify (or is another user's) starts afresh rather than failing the reconnect.
        since = await timelineChanges(domain, { viewerId: viewer.userId, since: lastEventId, limit: 1 }).then(
          () => lastEventId,
          () => null,
        );
      }
      since ??= await issueSyncToken(domain, { viewerId: viewer.userId });
      const followees = new Set(await listFolloweeIds(domain, { userId: viewer.userId }));

      const out = new PassThrough();
      out.on('error', () => end(stream));
      const stream: Stream = { viewer, followees, since, out, busy: false, again: false, closed: false, unread: null };
      streams.add(stream);
      ensureRunning();
      ctx.req.socket.setTimeout(0);
      ctx.req.socket.setNoDelay(true);
      // The response closes when the browser goes away (or the connection is cut): forget the stream.
      ctx.res.on('close', () => end(stream));
      ctx.status = 200;
      ctx.type = 'text/event-stream';
      ctx.set({ 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
      ctx.body = out;
      // The first event names the starting position, so even a reconnect before any change resumes without a gap.
      out.write(`retry: 3000\nid: ${since}\nevent: ready\ndata: {}\n\n`);
      // A resumed stream catches up at once; a fresh one has nothing to catch up on, but learns its unread count.
      void pump(stream);
    },

    async close() {
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
      for (const stream of [...streams]) end(stream);
      await listener?.close();
      listener = null;
    },
  };
}
