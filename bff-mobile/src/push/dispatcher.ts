// Delivers push notifications from the domain's transactional outbox, outside the request path: a write
// only appends an event in its own transaction; this loop claims due events, sends them, and retries.
import {
  claimOutboxEvents,
  completeOutboxEvent,
  dropPushTokens,
  failOutboxEvent,
  pushTargets,
  Unavailable,
  type ClaimedEvent,
  type Database,
  type DomainContext,
} from '@microblog/domain';
import { createExpoPushClient, type PushClient } from './expo-push-client.ts';
import { messagesFor, notificationFor } from './notifications.ts';

/** One structured log line. */
export type PushLogEntry = { level: 'info' | 'warn' | 'error'; msg: string } & Record<string, unknown>;
/** Where the dispatcher reports what went wrong (and what it gave up on). */
export type PushLog = (entry: PushLogEntry) => void;

/** How the dispatcher reaches the database and the push service, and how hard it tries. */
export type PushDispatcherOptions = {
  db: Pick<Database, 'context'>;
  /** Base URL of a service speaking Expo's push API, e.g. `https://exp.host`. */
  baseUrl: string;
  /** Expo access token (PUSH_ACCESS_TOKEN), sent as a bearer token when set. */
  accessToken?: string | undefined;
  log: PushLog;
  /** Pause between ticks (default 1000 ms); a tick that claimed a full batch is followed at once. */
  intervalMs?: number;
  /** Events claimed per tick (default 50). */
  batchSize?: number;
  /** How long a claimed event is hidden from other instances (default 30 s). */
  leaseMs?: number;
  /** Attempts before an event is given up (default 8). */
  maxAttempts?: number;
  /** Backoff after attempt n is about retryBaseMs * 2^n, with jitter (default 1000 ms). */
  retryBaseMs?: number;
  /** Longest backoff (default 10 min). */
  maxRetryDelayMs?: number;
  /** Timeout of one request to the push service (default 10 s). */
  requestTimeoutMs?: number;
  /** Start the timer loop (default true); tests drive `runOnce()` themselves. */
  autoStart?: boolean;
  /** The clock retries are scheduled from (default `Date.now`). */
  now?: () => number;
  /** Jitter source in [0, 1) (default `Math.random`). */
  random?: () => number;
  /** Counts each outcome (metrics): sent, retried, failed (given up), dropped (device no longer registered). */
  count?: (outcome: 'sent' | 'retried' | 'failed' | 'dropped') => void;
};

/** A running dispatcher. */
export type PushDispatcher = {
  /** Stops the loop; resolves once the tick in progress (if any) has finished. */
  stop(): Promise<void>;
  /** Runs one tick now (after any tick in progress); resolves with the number of events claimed. */
  runOnce(): Promise<number>;
};

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Starts delivering outbox events as push notifications. Never throws from its loop: failures are logged. */
export function startPushDispatcher(options: PushDispatcherOptions): PushDispatcher {
  const { db, log } = options;
  const count = options.count ?? (() => undefined);
  const intervalMs = options.intervalMs ?? 1000;
  const batchSize = options.batchSize ?? 50;
  const leaseMs = options.leaseMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 10 * 60_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const client: PushClient = createExpoPushClient({
    baseUrl: options.baseUrl,
    accessToken: options.accessToken,
    timeoutMs: requestTimeoutMs,
  });

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();

  /** Exponential backoff with jitter (between half and all of the step), never sooner than the service asked. */
  function retryAt(attempts: number, notBeforeMs: number | null): Date {
    const step = Math.min(maxRetryDelayMs, retryBaseMs * 2 ** Math.min(attempts, 30));
    const delay = Math.max(step / 2 + (random() * step) / 2, Math.min(notBeforeMs ?? 0, maxRetryDelayMs));
    return new Date(now() + delay);
  }

  /** Records a failed attempt: retried later, or given up (and logged) once out of attempts. */
  async function fail(
    ctx: DomainContext,
    event: ClaimedEvent,
    reason: string,
    notBeforeMs: number | null = null,
  ): Promise<void> {
    if (event.attempts >= maxAttempts) return giveUp(ctx, event, reason);
    const at = retryAt(event.attempts, notBeforeMs);
    count('retried');
    log({
      level: 'warn',
      msg: 'push notification will be retried',
      eventId: event.id,
      type: event.type,
      attempts: event.attempts,
      retryAt: at.toISOString(),
      error: reason,
    });
    await failOutboxEvent(ctx, { id: event.id, error: reason, retryAt: at });
  }

  async function giveUp(ctx: DomainContext, event: ClaimedEvent, reason: string): Promise<void> {
    count('failed');
    log({
      level: 'error',
      msg: 'push notification given up',
      eventId: event.id,
      type: event.type,
      attempts: event.attempts,
      error: reason,
    });
    await failOutboxEvent(ctx, { id: event.id, error: reason, retryAt: null });
  }

  /** Delivers one event; answers whether the push service looked unavailable (so the rest of the batch waits). */
  async function deliver(ctx: DomainContext, event: ClaimedEvent): Promise<{ serviceDown: boolean }> {
    const notification = notificationFor(event);
    if (!notification) {
      await giveUp(ctx, event, `unknown event type ${String(event.type)}`);
      return { serviceDown: false };
    }
    const messages = messagesFor(notification, await pushTargets(ctx, { userIds: [notification.recipientId] }));
    if (messages.length === 0) {
      await completeOutboxEvent(ctx, { id: event.id });
      return { serviceDown: false };
    }
    const outcome = await client.send(messages);
    if (outcome.kind === 'retryable') {
      await fail(ctx, event, outcome.reason, outcome.retryAfterMs);
      return { serviceDown: true };
    }
    if (outcome.kind === 'permanent') {
      await giveUp(ctx, event, outcome.reason);
      return { serviceDown: false };
    }
    const unregistered = outcome.tickets
      .filter((t) => t.status === 'error' && t.error === 'DeviceNotRegistered')
      .map((t) => t.token);
    for (const ticket of outcome.tickets) {
      if (ticket.status === 'error' && ticket.error !== 'DeviceNotRegistered') {
        log({
          level: 'warn',
          msg: 'push message rejected',
          eventId: event.id,
          error: ticket.error,
          detail: ticket.message,
        });
      }
    }
    if (unregistered.length > 0) await dropPushTokens(ctx, { tokens: unregistered });
    await completeOutboxEvent(ctx, { id: event.id });
    count(unregistered.length > 0 && unregistered.length === outcome.tickets.length ? 'dropped' : 'sent');
    return { serviceDown: false };
  }

  async function tick(): Promise<number> {
    if (stopped) return 0;
    const ctx = db.context();
    const claimedAt = now();
    let events: ClaimedEvent[];
    try {
      events = await claimOutboxEvents(ctx, { limit: batchSize, leaseMs });
    } catch (error) {
      log({
        level: error instanceof Unavailable ? 'warn' : 'error',
        msg: 'push dispatcher could not claim outbox events',
        error: describe(error),
      });
      return 0;
    }
    let serviceDown: string | null = null;
    for (const event of events) {
      try {
        if (serviceDown !== null) {
          // Don't hammer (or wait on) a push service that just failed: the rest of the batch backs off too.
          await fail(ctx, event, serviceDown);
        } else if (stopped || now() - claimedAt + requestTimeoutMs > leaseMs) {
          // Hand the event back before its lease ends, rather than risk another instance sending it too.
          await failOutboxEvent(ctx, {
            id: event.id,
            error: stopped ? 'released at shutdown' : 'released: lease running out',
            retryAt: new Date(now()),
          });
        } else if ((await deliver(ctx, event)).serviceDown) {
          serviceDown = 'not attempted: the push service failed for an earlier event in this batch';
        }
      } catch (error) {
        log({
          level: 'error',
          msg: 'push notification delivery failed',
          eventId: event.id,
          type: event.type,
          error: describe(error),
        });
        // With the database gone the remaining events can't be recorded either: their leases run out and they are claimed again.
        if (error instanceof Unavailable) break;
        try {
          await fail(ctx, event, describe(error));
        } catch (again) {
          log({
            level: 'error',
            msg: 'push dispatcher could not record a failed attempt',
            eventId: event.id,
            error: describe(again),
          });
        }
      }
    }
    return events.length;
  }

  function runOnce(): Promise<number> {
    const run = current.then(tick, tick);
    current = run.catch(() => undefined);
    return run;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      runOnce().then(
        (claimed) => schedule(claimed >= batchSize ? 0 : intervalMs),
        (error: unknown) => {
          log({ level: 'error', msg: 'push dispatcher tick failed', error: describe(error) });
          schedule(intervalMs);
        },
      );
    }, delayMs);
    // Never keep the process alive just for notifications.
    timer.unref();
  }

  if (options.autoStart ?? true) schedule(0);

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await current;
    },
    runOnce,
  };
}
