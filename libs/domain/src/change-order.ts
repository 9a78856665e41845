// This database's change order for delta sync: a sequence number per micropost write, and the horizon below which
// every number belongs to a finished transaction. See "Delta sync" in the README for the argument.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Unavailable } from './errors.ts';
import { query } from './sql.ts';

// Two-key advisory locks (pg_locks: classid = first key, objid = second key, objsubid = 2). Advisory locks belong to
// one database, so writers of another database never show here.
const GATE_KEY = 1937337955; // held shared by every transaction that has numbered a write, from before its first number
const NUMBER_KEY = 1937337956; // (NUMBER_KEY, low 32 bits of the number): one per numbered write, held until commit
const TWO_32 = 4294967296n;

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

async function lastNumberIssued(em: EntityManager): Promise<bigint> {
  const [row] = await query<{ last_value: string; is_called: boolean }>(
    em,
    'select last_value::text as last_value, is_called from micropost_change_seq',
  );
  return row?.is_called ? BigInt(row.last_value) : 0n;
}

// How long a reader waits for a writer caught between taking the gate and locking its number (microseconds, unless
// that backend is descheduled) before answering "unavailable, retry".
const PENDING_RETRIES = 200;

/**
 * The highest change number N such that every write numbered N or less has committed or rolled back, so is final for
 * any snapshot taken after this returns. Never waits for a writer that is slow to commit: its number just bounds N.
 */
export async function changeHorizon(em: EntityManager): Promise<bigint> {
  for (let attempt = 0; attempt < PENDING_RETRIES; attempt++) {
    // 1. Every number <= issued was drawn by a transaction that already held the gate.
    const issued = await lastNumberIssued(em);
    // 2. Who holds the gate and which numbers are locked, in one consistent view of the lock table.
    const locks = await query<{ pid: number; classid: string; objid: string }>(
      em,
      `select pid, classid::text as classid, objid::text as objid from pg_locks
       where locktype = 'advisory' and objsubid = 2 and classid in (${GATE_KEY}, ${NUMBER_KEY})
         and database = (select oid from pg_database where datname = current_database())`,
    );
    // 3. Every number locked in step 2 was drawn before this read, so it is at most `latest`.
    const latest = await lastNumberIssued(em);
    const gateHolders = new Set(locks.filter((l) => l.classid === String(GATE_KEY)).map((l) => l.pid));
    const numbered = locks.filter((l) => l.classid === String(NUMBER_KEY));
    const withNumbers = new Set(numbered.map((l) => l.pid));
    // A gate holder without a number lock may have drawn a number it has not locked yet: look again.
    if ([...gateHolders].some((pid) => !withNumbers.has(pid))) {
      await new Promise((resolve) => setTimeout(resolve, attempt < 20 ? 1 : 10));
      continue;
    }
    let horizon = issued;
    for (const lock of numbered) {
      // The full number from its low 32 bits: the largest value <= latest with those bits.
      const inFlight = latest - ((((latest - BigInt(lock.objid)) % TWO_32) + TWO_32) % TWO_32);
      if (inFlight - 1n < horizon) horizon = inFlight - 1n;
    }
    return horizon;
  }
  throw new Unavailable('timeline changes cannot be ordered right now; retry shortly');
}
