// The session cache: live sessions `checkSession` found, kept in this process so a warm request needs no
// database round trip. Correctness rests on PostgreSQL notifications: every session row revoked or deleted notifies
// SESSIONS_REVOKED_CHANNEL with the user id, by trigger (delivered at commit), and the process's listener
// (change-notifications.ts) hears it here, dropping that user's entries. Rules that keep it honest:
// - it serves only while the listener is connected; losing the connection, or (re)connecting, empties it, because
//   notifications sent meanwhile are lost;
// - an answer read before an invalidation is not stored after it (a generation counter);
// - entries live at most `ttlMs` (a safety net), never past the session's own expiry, and never answer for
//   another user than the one they were read for;
// - at most `maxEntries` entries, least recently used dropped first.
import type { ChangeNotifications } from './change-notifications.ts';
import { isId } from './sql.ts';
import { SESSIONS_REVOKED_CHANNEL } from './sql/sessions.ts';
import type { SessionView } from './use-cases/start-session.ts';

/** A live session as cached: its view, and the mark of its user's last write (read-your-writes, replica-reads.ts). */
export type CachedSession = SessionView & { lastWriteLsn: string | null };

/** How big and how fresh the session cache is. */
export type SessionCacheOptions = {
  /** Most sessions kept (default 10,000: a few MB). */
  maxEntries?: number;
  /**
   * Longest an entry is served without asking PostgreSQL again (default 5 min). Revocations reach the cache by
   * notification, at once; this bound is a safety net, and the lag of a session's "last used" in the device list.
   */
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
  /** Empties the cache (the listener is closed by its owner, the database handle). */
  close(): void;
};

type Entry = { session: CachedSession; storedAt: number };

/** A session cache invalidated by the notifications `changes` hears (it connects on first use). */
export function sessionCache(changes: ChangeNotifications, options: SessionCacheOptions = {}): SessionCache {
  const maxEntries = options.maxEntries ?? 10_000;
  const ttlMs = options.ttlMs ?? 300_000;
  const entries = new Map<string, Entry>();
  let generation = 0;

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

  changes.subscribe({
    notification(channel, payload) {
      if (channel === SESSIONS_REVOKED_CHANNEL) forgetUser(payload);
    },
    reset: flush,
  });

  return {
    get(sessionId, userId) {
      if (!changes.listening) {
        changes.start();
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
        if (!changes.listening || generation !== startedAt) return;
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
      return changes.listening;
    },
    get size() {
      return entries.size;
    },
    close() {
      flush();
    },
  };
}
