// The fan-out worker: writes the followers' home_feed lines of posts whose authors have more than fanOutMaxFollowers
// followers (post_micropost leaves those in pending_fan_outs), a chunk of followers per transaction, outside any
// request. Every BFF process runs one; they share the work (each chunk is claimed with SKIP LOCKED). Until a post is
// delivered, the followers' pages merge it in when read (sql/feed.ts), so no timeline waits for this loop.
import type { Database } from './database.ts';
import { deliverPendingFanOut } from './sql/feed.ts';
import { translateError } from './error-translation.ts';
import { Unavailable } from './errors.ts';

/** What the worker reports: each delivered post, and failures (it retries on its next tick). */
export type FanOutLog = (entry: { level: 'info' | 'warn' | 'error'; msg: string } & Record<string, unknown>) => void;

/** A running worker. */
export type FanOutWorker = {
  /** Runs chunks until none is pending or `maxChunks` ran (after any run in progress); resolves with how many. */
  runOnce(maxChunks?: number): Promise<number>;
  /** Stops the loop; resolves once the chunk in progress (if any) has committed. */
  stop(): Promise<void>;
};

/** Starts the loop: every `intervalMs` (default 500) it delivers what is pending, at once again while there is more. */
export function startFanOutWorker(
  db: Pick<Database, 'context'>,
  options: { log: FanOutLog; intervalMs?: number; batch?: number; autoStart?: boolean },
): FanOutWorker {
  const intervalMs = options.intervalMs ?? 500;
  const batch = options.batch ?? 5000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();

  async function run(maxChunks: number): Promise<number> {
    const { pool } = db.context();
    let chunks = 0;
    // `stopped` is set by stop() while this awaits.
    const goOn = () => !stopped && chunks < maxChunks;
    while (goOn()) {
      let delivered;
      try {
        delivered = await deliverPendingFanOut(pool, batch);
      } catch (error) {
        const translated = translateError(error);
        options.log({
          level: translated instanceof Unavailable ? 'warn' : 'error',
          msg: 'fan-out worker could not deliver; retrying on its next tick',
          error: translated instanceof Error ? translated.message : String(translated),
        });
        break;
      }
      if (delivered === null) break;
      chunks += 1;
      if (delivered.done) options.log({ level: 'info', msg: 'fan-out delivered', micropostId: delivered.micropostId });
    }
    return chunks;
  }

  function runOnce(maxChunks = 100): Promise<number> {
    const next = current.then(
      () => run(maxChunks),
      () => run(maxChunks),
    );
    current = next.catch(() => undefined);
    return next;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      void runOnce().then((chunks) => schedule(chunks > 0 ? 0 : intervalMs));
    }, delayMs);
    timer.unref();
  }

  if (options.autoStart ?? true) schedule(intervalMs);
  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await current;
    },
  };
}
