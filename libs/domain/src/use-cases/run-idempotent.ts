import type { DomainContext } from '../database.ts';
import { IdempotencyRecord } from '../entities/idempotency-record.ts';
import { Conflict, IdempotencyKeyReused, ValidationError } from '../errors.ts';
import { query, run } from '../sql.ts';

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/** A response as it was (or will be) sent: replayed verbatim to retries. */
export type StoredResponse = { status: number; body: unknown };

/**
 * Runs `work` at most once per (user, key). The work and the record of its response commit in one
 * transaction, so a crash leaves neither or both. A retry with the same fingerprint replays the stored
 * response; the same key with another fingerprint is IdempotencyKeyReused; the same key while the first
 * request is still running is Conflict.
 */
export async function runIdempotent(
  ctx: DomainContext,
  input: { userId: string; key: string; fingerprint: string },
  work: (tx: DomainContext) => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  if (!/^[\x20-\x7E]{1,255}$/.test(input.key)) {
    throw ValidationError.field('Idempotency-Key', 'must be 1 to 255 printable ASCII characters');
  }
  return ctx.em.transactional(async (em) => {
    // A transaction-scoped lock on the key: a concurrent duplicate sees it taken and is told so at once.
    const [lock] = await query<{ acquired: boolean }>(
      em,
      'select pg_try_advisory_xact_lock(hashtextextended(?, 0)) as acquired',
      [`idempotency:${input.userId}:${input.key}`],
    );
    if (!lock?.acquired) throw new Conflict('a request with this Idempotency-Key is still in progress');

    const existing = await em.findOne(IdempotencyRecord, { user: input.userId, key: input.key });
    if (existing && existing.expiresAt.getTime() > Date.now()) {
      if (existing.fingerprint !== input.fingerprint) throw new IdempotencyKeyReused();
      return { status: existing.responseStatus, body: existing.responseBody, replayed: true };
    }
    if (existing) {
      await run(em, 'delete from idempotency_records where id = ?', [existing.id]);
      em.getUnitOfWork().unsetIdentity(existing);
    }

    const response = await work({ ...ctx, em });
    em.create(IdempotencyRecord, {
      user: input.userId,
      key: input.key,
      fingerprint: input.fingerprint,
      responseStatus: response.status,
      responseBody: response.body,
      expiresAt: new Date(Date.now() + IDEMPOTENCY_TTL_MS),
    });
    await em.flush();
    return { ...response, replayed: false };
  });
}

/** Deletes records older than their 24 hours; returns how many. */
export async function purgeExpiredIdempotencyRecords(ctx: DomainContext): Promise<number> {
  return run(ctx.em, 'delete from idempotency_records where expires_at <= now()');
}
