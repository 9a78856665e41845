// This database's change order for delta sync: a sequence number per micropost write, and the horizon below which
// every number belongs to a finished transaction. See "Delta sync" in the README for the argument.
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from './sql.ts';

// Two-key advisory locks (pg_locks: classid = first key, objid = second key, objsubid = 2). Advisory locks belong to
// one database, so writers of another database never show here.
const GATE_KEY = 1937337955; // held shared by every transaction that has numbered a write, from before its first number
const NUMBER_KEY = 1937337956; // (NUMBER_KEY, low 32 bits of the number): one per numbered write, held until commit

/**
 * The micropost trigger. A transaction's first numbered write takes the gate, draws its number and locks it; later
 * writes of the same transaction only draw numbers (all higher than the first, which alone bounds the horizon), so a
 * transaction touching 10,000 posts holds two advisory locks, not 10,000. The locks last until the transaction ends.
 */
export const CHANGE_SEQ_TRIGGER_BODY =
  "IF coalesce(current_setting('microblog.change_seq_locked', true), '') = '' THEN " +
  `PERFORM pg_advisory_xact_lock_shared(${GATE_KEY}, 0); ` +
  "NEW.change_seq := nextval('micropost_change_seq'); " +
  `PERFORM pg_advisory_xact_lock(${NUMBER_KEY}, NEW.change_seq::bit(32)::int); ` +
  "PERFORM set_config('microblog.change_seq_locked', 'yes', true); " +
  "ELSE NEW.change_seq := nextval('micropost_change_seq'); END IF; " +
  'RETURN NEW;';

/**
 * The highest change number N such that every write numbered N or less has committed or rolled back, so is final for
 * any snapshot taken after this returns. Never waits for a writer that is slow to commit: its number just bounds N.
 *
 * One statement, `microblog_change_horizon()` (migration 20261125170000), which does in the database what follows:
 * 1. read the last number issued: every number up to it was drawn by a transaction that already held the gate;
 * 2. read, in one view of the lock table, who holds the gate and which numbers are locked; a gate holder without a
 *    number lock may have drawn a number it has not locked yet, so look again (1 ms, then 10 ms; after 200 tries it
 *    raises MB503, answered as Unavailable);
 * 3. read the last number issued again: every number locked in step 2 is at most this one, so its full value follows
 *    from its low 32 bits;
 * the horizon is the first read, lowered below the smallest number still locked.
 */
export async function changeHorizon(em: EntityManager): Promise<bigint> {
  const [row] = await query<{ horizon: string }>(em, 'select microblog_change_horizon()::text as horizon');
  return BigInt(row?.horizon ?? '0');
}
