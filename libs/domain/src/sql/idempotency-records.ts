// SQL of the `idempotency_records` table family. A key is claimed by inserting its row (the database function
// claim_idempotency_key, migrations/Migration20261126120000_…): the unique constraint on (user_id, key) decides
// between concurrent requests with one key, and the claiming transaction fills in the response before it commits.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import { query, run } from '../sql.ts';

/** What claiming a key answers: the claimed row's id, or (id null) the live record another request left. */
export type IdempotencyClaimRow = {
  claimed_id: string | null;
  stored_fingerprint: string | null;
  stored_status: number | null;
  stored_body: unknown;
};

/**
 * Claims (user, key) inside the caller's transaction: inserts its record (replacing an expired one) or answers the
 * live one. A request with the same key still running is waited for at most `waitMs`, then SQLSTATE 55P03.
 */
export async function claimIdempotencyKey(
  em: EntityManager,
  input: { userId: string; key: string; fingerprint: string; ttlMs: number; waitMs: number },
): Promise<IdempotencyClaimRow> {
  const [row] = await query<IdempotencyClaimRow>(
    em,
    'select claimed_id::text as claimed_id, stored_fingerprint, stored_status, stored_body from claim_idempotency_key(?, ?, ?, ?, ?)',
    [input.userId, input.key, input.fingerprint, input.ttlMs, input.waitMs],
  );
  if (!row) throw new Error('claim_idempotency_key answered no row');
  return row;
}

/** Stores the response of the request that claimed the record `id`, in its transaction. */
export async function storeIdempotentResponse(
  em: EntityManager,
  input: { id: string; status: number; body: unknown },
): Promise<void> {
  await run(em, 'update idempotency_records set response_status = ?, response_body = ?::jsonb where id = ?', [
    input.status,
    JSON.stringify(input.body ?? null),
    input.id,
  ]);
}

/** The live record of (user, key), or null (none, or expired). Committed records only: one still being made is not seen. */
export async function liveIdempotencyRecord(
  pool: Pool,
  input: { userId: string; key: string },
): Promise<{ fingerprint: string; response_body: unknown } | null> {
  const result = await pool.query<{ fingerprint: string; response_body: unknown }>({
    name: 'idempotency_records_live',
    text: `select fingerprint, response_body from idempotency_records
           where user_id = $1 and key = $2 and expires_at > now()`,
    values: [input.userId, input.key],
  });
  return result.rows[0] ?? null;
}
