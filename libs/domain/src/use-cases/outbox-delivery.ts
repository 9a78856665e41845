import type { DomainContext } from '../database.ts';
import type { OutboxEventPayloads } from '../outbox.ts';
import { query, run, toDate } from '../sql.ts';

/** An event claimed for delivery. */
export type ClaimedEvent = {
  [K in keyof OutboxEventPayloads]: {
    id: string;
    type: K;
    payload: OutboxEventPayloads[K];
    attempts: number;
    createdAt: Date;
  };
}[keyof OutboxEventPayloads];

/**
 * Claims up to `limit` due events for `leaseMs`: other workers skip them (SKIP LOCKED) until the lease ends,
 * so a worker that dies mid-delivery only delays its events.
 */
export async function claimOutboxEvents(
  ctx: DomainContext,
  input: { limit: number; leaseMs: number },
): Promise<ClaimedEvent[]> {
  const rows = await query<{
    id: string;
    type: keyof OutboxEventPayloads;
    payload: never;
    attempts: number;
    created_at: Date | string;
  }>(
    ctx.em,
    `update outbox_events set available_at = now() + (? * interval '1 millisecond'), attempts = attempts + 1
     where id in (
       select id from outbox_events where processed_at is null and available_at <= now()
       order by available_at, id limit ? for update skip locked
     )
     returning id, type, payload, attempts, created_at`,
    [input.leaseMs, Math.min(Math.max(1, input.limit), 500)],
  );
  return rows
    .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)))
    .map(
      (r) =>
        ({
          id: r.id,
          type: r.type,
          payload: r.payload,
          attempts: r.attempts,
          createdAt: toDate(r.created_at),
        }) as ClaimedEvent,
    );
}

/** Marks an event delivered. */
export async function completeOutboxEvent(ctx: DomainContext, input: { id: string }): Promise<void> {
  await run(ctx.em, 'update outbox_events set processed_at = now(), last_error = null where id = ?', [input.id]);
}

/** Records a failed attempt: retried at `retryAt`, or given up (processed, error kept) when `retryAt` is null. */
export async function failOutboxEvent(
  ctx: DomainContext,
  input: { id: string; error: string; retryAt: Date | null },
): Promise<void> {
  if (input.retryAt) {
    await run(ctx.em, 'update outbox_events set available_at = ?, last_error = ? where id = ?', [
      input.retryAt,
      input.error.slice(0, 2000),
      input.id,
    ]);
  } else {
    await run(ctx.em, 'update outbox_events set processed_at = now(), last_error = ? where id = ?', [
      input.error.slice(0, 2000),
      input.id,
    ]);
  }
}
