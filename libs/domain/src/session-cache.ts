// The session cache: live sessions `checkSession` found, kept in this process so a warm request needs no
// database round trip. Correctness rests on PostgreSQL notifications: every revoking transaction notifies
// SESSIONS_REVOKED_CHANNEL with the user id (delivered at commit), and a dedicated connection LISTENs on it here,
// dropping that user's entries. Rules that keep it honest:
// - it serves only while its listener is connected; losing the connection, or (re)connecting, empties it, because
//   notifications sent meanwhile are lost;
// - an answer read before an invalidation is not stored after it (a generation counter);
// - entries live at most `ttlMs` (a safety net), never past the session's own expiry, and never answer for
//   another user than the one they were read for;
// - at most `maxEntries` entries, least recently used dropped first.
import { Client } from 'pg';
import { isId } from './sql.ts';
import { SESSIONS_REVOKED_CHANNEL } from './sql/sessions.ts';
import type { SessionView } from './use-cases/start-session.ts';

/** A live session as cached: its view, and the mark of its user's last write (read-your-writes, replica-reads.ts). */
export type CachedSession = SessionView & { lastWriteLsn: string | null };

/** How big and how fresh the session cache is. */
export type SessionCacheOptions = {
  /** Most sessions kept (default 10,000: a few MB). */
  maxEntries?: number;
  /** Longest an entry is served without asking PostgreSQL again (default 30 s). */
  ttlMs?: number;
};

/** One process's cache of live sessions; see the top of `session-cache.ts` for its rules. */
export type SessionCache = {
  /** The cached live session `sessionId` of `userId`, or undefined (then ask PostgreSQL). Starts the listener. */
  get(sessionId: string, userId: string): CachedSession | undefined;
  /** Call before reading a session from PostgreSQL; the function stores that answer unless it may be stale by then. */
  beginFill(): (session: CachedSession) => void;
  /** Drops every cached session of a user (after a revocation committed here; other processes learn it by notification). */
  forgetUser(userId: string): void;
  /** Whether the listener is connected, i.e. whether the cache serves. */
  readonly listening: boolean;
  /** How many sessions are cached. */
  readonly size: number;
  /** Stops listening and empties the cache. */
  close(): Promise<void>;
};

const LISTENER_NAME = 'microblog-sessions-listener';
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;

type Entry = { session: CachedSession; storedAt: number };

/** A session cache invalidated by notifications on the database at `url` (the listener connects on first use). */
export function sessionCache(url: string, options: SessionCacheOptions = {}): SessionCache {
  const maxEntries = options.maxEntries ?? 10_000;
  const ttlMs = options.ttlMs ?? 30_000;
  const entries = new Map<string, Entry>();
  let generation = 0;
  let listener: Client | null = null;
  let listening = false;
  let closed = false;
  let failures = 0;
  let retry: NodeJS.Timeout | null = null;

  const flush = () => {
    generation += 1;
    entries.clear();
  };

  const forgetUser = (userId: string) => {
    generation += 1;
    if (!isId(userId)) {
      entries.clear();
      return;
    }
    for (const [sessionId, entry] of entries) if (entry.session.userId === userId) entries.delete(sessionId);
  };

  const lost = (client: Client) => {
    if (listener !== client) return;
    listener = null;
    listening = false;
    flush();
    client.end().catch(() => undefined);
    if (closed) return;
    // Exponential backoff with jitter, so many instances do not reconnect in step after a database restart.
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** failures) * (0.5 + Math.random() / 2);
    failures += 1;
    retry = setTimeout(() => {
      retry = null;
      listen();
    }, delay);
    retry.unref();
  };

  const listen = () => {
    if (closed || listener !== null || retry !== null) return;
    const client = new Client({
      connectionString: url,
      application_name: LISTENER_NAME,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
    });
    listener = client;
    // Without an 'error' listener a dropped connection would crash the process.
    client.on('error', () => lost(client));
    client.on('end', () => lost(client));
    client.on('notification', (message) => {
      if (message.channel === SESSIONS_REVOKED_CHANNEL) forgetUser(message.payload ?? '');
    });
    client
      .connect()
      .then(() => client.query(`listen ${SESSIONS_REVOKED_CHANNEL}`))
      .then(
        () => {
          if (listener !== client) return;
          // Whatever was revoked while nobody listened is unknown: start empty.
          flush();
          listening = true;
          failures = 0;
        },
        () => lost(client),
      );
  };

  return {
    get(sessionId, userId) {
      if (!listening) {
        listen();
        return undefined;
      }
      const entry = entries.get(sessionId);
      if (entry === undefined) return undefined;
      const now = Date.now();
      if (now - entry.storedAt >= ttlMs || entry.session.expiresAt.getTime() <= now) {
        entries.delete(sessionId);
        return undefined;
      }
      if (entry.session.userId !== userId) return undefined;
      // Most recently used last: Map keeps insertion order, so the first key is the one to evict.
      entries.delete(sessionId);
      entries.set(sessionId, entry);
      return entry.session;
    },
    beginFill() {
      const startedAt = generation;
      // The entry's age counts from the read, not from when its answer arrived.
      const readAt = Date.now();
      return (session) => {
        if (!listening || generation !== startedAt) return;
        entries.delete(session.id);
        entries.set(session.id, { session, storedAt: readAt });
        while (entries.size > maxEntries) {
          const oldest = entries.keys().next();
          if (oldest.done) break;
          entries.delete(oldest.value);
        }
      };
    },
    forgetUser,
    get listening() {
      return listening;
    },
    get size() {
      return entries.size;
    },
    async close() {
      closed = true;
      if (retry !== null) clearTimeout(retry);
      retry = null;
      const client = listener;
      listener = null;
      listening = false;
      flush();
      await client?.end().catch(() => undefined);
    },
  };
}
