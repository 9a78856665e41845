import type { DomainContext } from '../database.ts';
import { Conflict, IdempotencyKeyReused, ValidationError } from '../errors.ts';
import { run } from '../sql.ts';
import { claimIdempotencyKey, storeIdempotentResponse } from '../sql/idempotency-records.ts';

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/**
 * How long a request waits for another one with the same key that is still running (its uncommitted record holds
 * the key's unique index entry): it then answers what the first one stored, or Conflict if that one is still running.
 */
export const IDEMPOTENCY_WAIT_MS = 1000;

/** A response as it was (or will be) sent: replayed verbatim to retries. */
export type StoredResponse = { status: number; body: unknown };

/** Throws unless `key` is a usable Idempotency-Key: 1 to 255 printable ASCII characters. */
export function checkIdempotencyKey(key: string): void {
  if (!/^[\x20-\x7E]{1,255}$/.test(key)) {
    throw ValidationError.field('Idempotency-Key', 'must be 1 to 255 printable ASCII characters');
  }
}

/** Whether an error is the claim giving up on a request with the same key that is still running (lock_timeout). */
export function isKeyStillInFlight(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e as { code?: unknown }).code === '55P03') return true;
  }
  return false;
}

/** The Conflict a request gets while another with its key is still running. */
export function keyInFlight(): Conflict {
  return new Conflict('a request with this Idempotency-Key is still in progress');
}

/**
 * Runs `work` at most once per (user, key). The work and the record of its response commit in one
 * transaction, so a crash leaves neither or both. The key is claimed first by inserting its record, so the unique
 * constraint on (user, key) decides between concurrent duplicates: a duplicate waits for the first (at most
 * IDEMPOTENCY_WAIT_MS) and replays its stored response, or is a Conflict while it still runs. A retry with the same
 * fingerprint replays the stored response; the same key with another fingerprint is IdempotencyKeyReused.
 */
export async function runIdempotent(
  ctx: DomainContext,
  input: { userId: string; key: string; fingerprint: string },
  work: (tx: DomainContext) => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  checkIdempotencyKey(input.key);
  return ctx.em.transactional(async (em) => {
    const claim = await claimIdempotencyKey(em, {
      ...input,
      ttlMs: IDEMPOTENCY_TTL_MS,
      waitMs: IDEMPOTENCY_WAIT_MS,
    }).catch((error: unknown) => {
      throw isKeyStillInFlight(error) ? keyInFlight() : error;
    });
    if (claim.claimed_id === null) {
      if (claim.stored_fingerprint !== input.fingerprint) throw new IdempotencyKeyReused();
      return { status: claim.stored_status ?? 0, body: claim.stored_body, replayed: true };
    }
    const response = await work({ ...ctx, em });
    await storeIdempotentResponse(em, { id: claim.claimed_id, status: response.status, body: response.body });
    return { ...response, replayed: false };
  });
}

/** Deletes records older than their 24 hours; returns how many. */
export async function purgeExpiredIdempotencyRecords(ctx: DomainContext): Promise<number> {
  return run(ctx.em, 'delete from idempotency_records where expires_at <= now()');
}
