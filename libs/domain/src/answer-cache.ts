// The answer cache: finished answers to hot reads (a BFF's serialized home timeline first page, a profile), kept in
// this process so that a warm request needs no database round trip. Each answer names what it was read from
// (`dependsOn`: the owner's home feed, the users whose rows it shows), and the notifications those tables send at
// commit (change-notifications.ts) drop every answer depending on what changed. Rules that keep it honest:
// - it serves and stores only while the listener is connected; losing the connection, or (re)connecting, empties it;
// - an answer whose read began before a change it depends on was heard is not stored (per-dependency sequence
//   numbers), so a page read just before a post commits is never kept after the post's notification;
// - entries live at most `ttlMs` (a safety net), at most `maxEntries` of them and `maxBytes` in all, least recently
//   used dropped first;
// - keys are the callers' (they include whose answer it is), so an answer is never served to another user.
// Another instance's cache hears a change when its notification arrives (a few ms after commit); until then it may
// serve the previous answer, which is still consistent: a timeline page carries the sync token it was read at.
import { CHANGE_CHANNELS, type ChangeNotifications } from './change-notifications.ts';
import { isId } from './sql.ts';

/** How big and how fresh the answer cache is. */
export type AnswerCacheOptions = {
  /** Most answers kept (default 20,000). */
  maxEntries?: number;
  /** Most bytes kept, as the callers count them (default 32 MiB). */
  maxBytes?: number;
  /** Longest an answer is served without reading it again (default 60 s). */
  ttlMs?: number;
};

/** What the database rows an answer was read from are called, to say what it depends on. */
export const answerDependency = {
  /** The lines of this user's home timeline (added, removed). */
  homeFeed: (ownerId: string) => `feed:${ownerId}`,
  /** This user's row (profile, counters) and posts (created, edited, deleted). */
  user: (userId: string) => `user:${userId}`,
};

/** An answer as a loader gives it: the value, what it was read from, and roughly how many bytes it holds. */
export type CacheableAnswer<V> = { value: V; dependsOn: readonly string[]; bytes: number };

/** One process's answer cache; see the top of `answer-cache.ts` for its rules. */
export type AnswerCache = {
  /**
   * The answer stored under `key`, or the one `load` reads (stored unless something it depends on changed meanwhile).
   * `key` must name everything the answer varies with, including the user it is for.
   */
  answer<V>(key: string, load: () => Promise<CacheableAnswer<V>>): Promise<V>;
  /** The answer stored under `key` when `answer` would serve it without loading, else undefined (nothing loads). */
  cached<V>(key: string): V | undefined;
  /** Drops every answer depending on `dependency` (a change this process made and wants seen at once). */
  forget(dependency: string): void;
  /** Whether the listener is connected, i.e. whether the cache serves. */
  readonly listening: boolean;
  /** How many answers, and how many bytes, are kept. */
  readonly size: number;
  readonly bytes: number;
  /** Empties the cache. */
  close(): void;
};

type Entry = { value: unknown; dependsOn: readonly string[]; bytes: number; storedAt: number };

/** An answer cache invalidated by the notifications `changes` hears (it connects on first use). */
export function answerCache(changes: ChangeNotifications, options: AnswerCacheOptions = {}): AnswerCache {
  const maxEntries = options.maxEntries ?? 20_000;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const ttlMs = options.ttlMs ?? 60_000;
  const entries = new Map<string, Entry>();
  const keysByDependency = new Map<string, Set<string>>();
  let bytes = 0;
  // Every change heard gets the next number; a load remembers the number when it began.
  let heard = 0;
  let emptiedAt = 0;
  const changedAt = new Map<string, number>();
  // Loads in flight by the number they began at: changes older than the oldest need not be remembered.
  const loading = new Map<number, number>();

  const remove = (key: string) => {
    const entry = entries.get(key);
    if (entry === undefined) return;
    entries.delete(key);
    bytes -= entry.bytes;
    for (const dependency of entry.dependsOn) {
      const keys = keysByDependency.get(dependency);
      keys?.delete(key);
      if (keys?.size === 0) keysByDependency.delete(dependency);
    }
  };

  const forget = (dependency: string) => {
    heard += 1;
    if (loading.size > 0) changedAt.set(dependency, heard);
    for (const key of keysByDependency.get(dependency) ?? []) remove(key);
  };

  const empty = () => {
    heard += 1;
    emptiedAt = heard;
    entries.clear();
    keysByDependency.clear();
    changedAt.clear();
    bytes = 0;
  };

  changes.subscribe({
    notification(channel, payload) {
      if (channel === CHANGE_CHANNELS.homeFeedChanged) {
        for (const ownerId of payload.split(',')) if (isId(ownerId)) forget(answerDependency.homeFeed(ownerId));
      } else if (channel === CHANGE_CHANNELS.usersChanged || channel === CHANGE_CHANNELS.micropostChanges) {
        if (isId(payload)) forget(answerDependency.user(payload));
        else empty();
      }
    },
    reset: empty,
  });

  const store = (key: string, answer: CacheableAnswer<unknown>, began: number, readAt: number) => {
    if (!changes.listening || emptiedAt > began) return;
    if (answer.dependsOn.some((dependency) => (changedAt.get(dependency) ?? 0) > began)) return;
    if (answer.bytes > maxBytes) return;
    remove(key);
    entries.set(key, { value: answer.value, dependsOn: answer.dependsOn, bytes: answer.bytes, storedAt: readAt });
    bytes += answer.bytes;
    for (const dependency of answer.dependsOn) {
      let keys = keysByDependency.get(dependency);
      if (keys === undefined) keysByDependency.set(dependency, (keys = new Set()));
      keys.add(key);
    }
    // Map keeps insertion order and a hit moves its key last: the first key is the least recently used.
    for (const oldest of entries.keys()) {
      if (entries.size <= maxEntries && bytes <= maxBytes) break;
      remove(oldest);
    }
  };

  const finished = (began: number) => {
    const count = (loading.get(began) ?? 1) - 1;
    if (count > 0) loading.set(began, count);
    else loading.delete(began);
    if (loading.size === 0) changedAt.clear();
    else if (changedAt.size > 4 * maxEntries) {
      const oldest = Math.min(...loading.keys());
      for (const [dependency, at] of changedAt) if (at <= oldest) changedAt.delete(dependency);
    }
  };

  // A fresh entry, made the most recently used; an expired one is dropped.
  const hit = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (Date.now() - entry.storedAt >= ttlMs) {
      remove(key);
      return undefined;
    }
    entries.delete(key);
    entries.set(key, entry);
    return entry;
  };

  return {
    cached<V>(key: string): V | undefined {
      return changes.listening ? (hit(key)?.value as V | undefined) : undefined;
    },
    async answer<V>(key: string, load: () => Promise<CacheableAnswer<V>>): Promise<V> {
      if (!changes.listening) {
        changes.start();
        return (await load()).value;
      }
      const entry = hit(key);
      if (entry !== undefined) return entry.value as V;
      const began = heard;
      const readAt = Date.now();
      loading.set(began, (loading.get(began) ?? 0) + 1);
      try {
        const answer = await load();
        store(key, answer, began, readAt);
        return answer.value;
      } finally {
        finished(began);
      }
    },
    forget,
    get listening() {
      return changes.listening;
    },
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
    close: empty,
  };
}
