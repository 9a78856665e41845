// One LISTEN connection per process for the notifications the in-process caches live by (session-cache.ts,
// answer-cache.ts). PostgreSQL delivers a notification at commit, never for a transaction that rolled back, and
// does not store it: while the connection is down they are lost. So every subscriber is told to start over
// (`reset`) when the connection is lost and again once it listens (also the first time), and caches serve only
// while `listening`.
import { Client } from 'pg';
import { SESSIONS_REVOKED_CHANNEL } from './sql/sessions.ts';

/** The channels listened to, and who sends them. */
export const CHANGE_CHANNELS = {
  /** A user id whose sessions were revoked or whose read-your-writes mark moved (sql/sessions.ts, replica-reads.ts). */
  sessionsRevoked: SESSIONS_REVOKED_CHANNEL,
  /** A user id whose row changed or went (trigger on users: profile, counters, deletion). */
  usersChanged: 'users_changed',
  /** Comma-separated owner ids whose home_feed lines were added or removed (statement triggers on home_feed). */
  homeFeedChanged: 'home_feed_changed',
  /** An author id one of whose posts was created, edited or deleted (trigger on microposts). */
  micropostChanges: 'micropost_changes',
} as const;

/** What a subscriber hears. */
export type ChangeSubscriber = {
  notification(channel: string, payload: string): void;
  /** Notifications may have been missed (connection lost or just made): drop everything derived from the database. */
  reset(): void;
};

/** The process's listener; connects on first `start()`. */
export type ChangeNotifications = {
  subscribe(subscriber: ChangeSubscriber): void;
  /** Connects if not connected nor connecting (cheap to call on every cache read). */
  start(): void;
  /** Whether the connection is up and listening on every channel. */
  readonly listening: boolean;
  close(): Promise<void>;
};

const APPLICATION_NAME = 'microblog-cache-listener';
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/** A listener on the database at `url`; reconnects with exponential backoff and jitter until closed. */
export function changeNotifications(url: string): ChangeNotifications {
  const subscribers: ChangeSubscriber[] = [];
  let client: Client | null = null;
  let listening = false;
  let closed = false;
  let failures = 0;
  let retry: NodeJS.Timeout | null = null;

  const reset = () => {
    for (const subscriber of subscribers) subscriber.reset();
  };

  const lost = (candidate: Client) => {
    if (client !== candidate) return;
    client = null;
    listening = false;
    reset();
    candidate.end().catch(() => undefined);
    if (closed) return;
    // Jitter, so many instances do not reconnect in step after a database restart.
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** failures) * (0.5 + Math.random() / 2);
    failures += 1;
    retry = setTimeout(() => {
      retry = null;
      start();
    }, delay);
    retry.unref();
  };

  const start = () => {
    if (closed || client !== null || retry !== null) return;
    const candidate = new Client({
      connectionString: url,
      application_name: APPLICATION_NAME,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
    });
    client = candidate;
    // Without an 'error' listener a dropped connection would crash the process.
    candidate.on('error', () => lost(candidate));
    candidate.on('end', () => lost(candidate));
    candidate.on('notification', (message) => {
      for (const subscriber of subscribers) subscriber.notification(message.channel, message.payload ?? '');
    });
    candidate
      .connect()
      .then(() =>
        candidate.query(
          Object.values(CHANGE_CHANNELS)
            .map((channel) => `listen ${channel};`)
            .join(' '),
        ),
      )
      .then(
        () => {
          if (client !== candidate) return;
          // Whatever changed while nobody listened is unknown: start empty.
          reset();
          listening = true;
          failures = 0;
        },
        () => lost(candidate),
      );
  };

  return {
    subscribe(subscriber) {
      subscribers.push(subscriber);
    },
    start,
    get listening() {
      return listening;
    },
    async close() {
      closed = true;
      if (retry !== null) clearTimeout(retry);
      retry = null;
      const current = client;
      client = null;
      listening = false;
      reset();
      await current?.end().catch(() => undefined);
    },
  };
}
