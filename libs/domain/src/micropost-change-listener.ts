// Listens for committed micropost writes (NOTIFY micropost_changes, sent by a trigger) on a connection of its own.
// Notifications are not stored: while the connection is down they are lost, so after every (re)connect the
// listener says so (`onConnected`, also after the first connect: what came before it was not heard either) and
// the caller must catch up from a durable position.
import { Client } from 'pg';

/** A running listener. */
export type MicropostChangeListener = { close(): Promise<void> };

/** Starts listening; reconnects with backoff (0.5 s doubling to 10 s) for as long as it is not closed. */
export function listenForMicropostChanges(options: {
  url: string;
  /** A post by this author was created, edited or deleted (committed). */
  onChange(authorId: string): void;
  /** Listening (first time or again after a loss): anything before this may have been missed. */
  onConnected(): void;
  onError?(error: Error): void;
}): MicropostChangeListener {
  let closed = false;
  let client: Client | null = null;
  let delay = 500;
  let timer: NodeJS.Timeout | null = null;

  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, delay);
    delay = Math.min(delay * 2, 10_000);
  };

  async function connect(): Promise<void> {
    const candidate = new Client({
      connectionString: options.url,
      connectionTimeoutMillis: 5000,
      application_name: 'microblog-change-listener',
    });
    // Without an 'error' listener a restart of the database would crash the process.
    candidate.on('error', (error) => {
      options.onError?.(error);
      if (client === candidate) client = null;
      void candidate.end().catch(() => {});
      schedule();
    });
    candidate.on('end', () => {
      if (client === candidate) {
        client = null;
        schedule();
      }
    });
    candidate.on('notification', (message) => {
      if (message.channel === 'micropost_changes' && message.payload && /^[0-9]{1,19}$/.test(message.payload))
        options.onChange(message.payload);
    });
    try {
      await candidate.connect();
      await candidate.query('LISTEN micropost_changes');
      if (closed) {
        await candidate.end();
        return;
      }
      client = candidate;
      delay = 500;
      options.onConnected();
    } catch (error) {
      options.onError?.(error as Error);
      void candidate.end().catch(() => {});
      schedule();
    }
  }

  void connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = null;
      await current?.end().catch(() => {});
    },
  };
}
