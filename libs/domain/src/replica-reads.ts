// Reads that may go to a read replica (DATABASE_REPLICA_URLS), with two guarantees a replica alone does not give:
// - read-your-writes: a signed-in user's reads go to the primary until the replica has replayed that user's last
//   write (the primary's WAL position right after it, kept on their sessions and compared with the replica's replay
//   position), so an author sees their own post at once whichever instance serves them; others may see the
//   replica's slightly older state;
// - fallback: a replica that cannot be reached (or cancels a read in a recovery conflict) sends reads to the
//   primary for REPLICA_RETRY_AFTER_MS, with no failed request; after that the replica is tried again.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool, QueryConfig, QueryResultRow } from 'pg';
import { answerDependency, type AnswerCache } from './answer-cache.ts';
import type { SessionCache } from './session-cache.ts';
import { SESSIONS_REVOKED_CHANNEL } from './sql/sessions.ts';

/** How long reads stay on the primary after a replica failed. */
export const REPLICA_RETRY_AFTER_MS = 5000;

/** Per database handle: whether replicas are configured and until when they are considered down. */
export type ReplicaState = { readonly enabled: boolean; downUntil: number };

/** What one request knows about its user's writes, and the unit of work it opened, if any yet. */
type RequestMarks = {
  replicas: ReplicaState;
  userId: string | null;
  readAfterLsn: string | null;
  em: EntityManager | null;
};

// Reached from the request's context object (a hidden property: a WeakMap entry per request cost the garbage
// collector more than the lookups saved), and from its unit of work once opened (the ORM-level reads only see it).
const MARKS = Symbol('requestMarks');
type Marked = { readonly [MARKS]?: RequestMarks };
const byUnitOfWork = new WeakMap<EntityManager, RequestMarks>();
const LSN = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i;

/**
 * Called for every new request context, before its unit of work exists: its reads follow the rules above. Returns
 * what to call when the unit of work is opened (lazily: a request answered from the caches never opens one).
 */
export function trackRequest(ctx: object, replicas: ReplicaState): (em: EntityManager) => void {
  const mark: RequestMarks = { replicas, userId: null, readAfterLsn: null, em: null };
  // Not enumerable, so a copy of the context (`{ ...ctx, em }`) does not carry it, as it did not the WeakMap's.
  Object.defineProperty(ctx, MARKS, { value: mark });
  return (em) => {
    mark.em = em;
    byUnitOfWork.set(em, mark);
  };
}

function marksOf(ctx: { readonly em: EntityManager }): RequestMarks | undefined {
  return (ctx as Marked)[MARKS] ?? byUnitOfWork.get(ctx.em);
}

/** Called once the request's session is known: later reads wait for that session's last write on a replica. */
export function rememberSessionWrites(
  ctx: { readonly em: EntityManager },
  userId: string,
  lastWriteLsn: string | null,
): void {
  const mark = marksOf(ctx);
  if (!mark) return;
  mark.userId = userId;
  mark.readAfterLsn = lastWriteLsn !== null && LSN.test(lastWriteLsn) ? lastWriteLsn : null;
}

/**
 * After a successful write by a signed-in user: drops this process's cached answers about them and, with replicas,
 * records the primary's WAL position on all their live sessions, so their next reads (on any instance, any device)
 * see the write. Best effort: the write itself has committed, so a failure here is not the request's; at worst the
 * user's next read is a bit stale.
 */
export async function recordWrite(ctx: {
  readonly em: EntityManager;
  readonly sessionCache?: SessionCache | null;
  readonly answers?: AnswerCache | null;
}): Promise<void> {
  const mark = marksOf(ctx);
  if (!mark || mark.userId === null) return;
  // This process's cached answers about the writer go at once (their next read here sees the write); other processes
  // drop theirs when the write's notifications arrive (answer-cache.ts).
  ctx.answers?.forget(answerDependency.user(mark.userId));
  ctx.answers?.forget(answerDependency.homeFeed(mark.userId));
  if (!mark.replicas.enabled) return;
  const { em } = ctx;
  // Cached sessions carry the old mark: the same statement tells every session cache to drop this user's entries
  // (as a revocation does), and this process drops its own at once.
  const rows = await em
    .execute<{ lsn: string }[]>(
      `with now_at as (select pg_current_wal_insert_lsn() as lsn),
       marked as (
         update sessions set last_write_lsn = now_at.lsn from now_at
         where user_id = ? and revoked_at is null returning last_write_lsn::text as lsn
       )
       select (select lsn from marked limit 1) as lsn, pg_notify(?, ?::text) is null as notified`,
      [mark.userId, SESSIONS_REVOKED_CHANNEL, mark.userId],
      { method: 'all', connectionType: 'write' },
    )
    .catch(() => []);
  ctx.sessionCache?.forgetUser(mark.userId);
  mark.readAfterLsn = rows[0]?.lsn ?? mark.readAfterLsn;
}

/** Runs a read on a replica when that is safe and the replica answers, on the primary otherwise. */
export async function replicaRead<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  return readWhereSafe(
    byUnitOfWork.get(em),
    em,
    () => em.execute<T[]>(sql, params, { method: 'all', connectionType: 'write' }),
    (replica) => replica.execute<T[]>(sql, params, 'all'),
  );
}

/**
 * Like `replicaRead`, for a named prepared statement (src/sql/): sent through the replica's pg pool when that is
 * safe and the replica answers, through the context's pool otherwise.
 */
export async function preparedReplicaRead<T extends QueryResultRow>(
  ctx: { readonly em: EntityManager; readonly pool: Pool },
  statement: QueryConfig,
): Promise<T[]> {
  const mark = (ctx as Marked)[MARKS] ?? byUnitOfWork.get(ctx.em);
  return readWhereSafe(
    mark,
    // Only looked at with replicas: without, the request's unit of work need not be opened to find out.
    () => mark?.em ?? ctx.em,
    async () => (await ctx.pool.query<T>(statement)).rows,
    async (replica) => (await (await nativePool(replica)).query<T>(statement)).rows,
  );
}

type ReadConnection = ReturnType<EntityManager['getConnection']>;

async function nativePool(connection: ReadConnection): Promise<Pool> {
  return (await connection.getNativeClient()) as Pool;
}

/**
 * The rules of both reads: the primary without replicas, inside a transaction, or while the replica is considered
 * down; else the replica, once it has replayed the user's last write (else the primary); a replica that cannot
 * answer sends this read and the next REPLICA_RETRY_AFTER_MS of reads to the primary.
 */
async function readWhereSafe<T>(
  mark: RequestMarks | undefined,
  unitOfWork: EntityManager | (() => EntityManager),
  primary: () => Promise<T[]>,
  onReplica: (replica: ReadConnection) => Promise<T[]>,
): Promise<T[]> {
  if (!mark?.replicas.enabled || Date.now() < mark.replicas.downUntil) return primary();
  const em = typeof unitOfWork === 'function' ? unitOfWork() : unitOfWork;
  if (em.getTransactionContext() !== undefined) return primary();
  try {
    const replica = em.getConnection('read');
    if (mark.readAfterLsn !== null) {
      // On a server that is not in recovery (a "replica" URL pointing at a primary) the replay position is null.
      const caughtUp = await (
        await nativePool(replica)
      ).query<{ ok: boolean }>({
        name: 'replica_caught_up',
        text: 'select coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, true) as ok',
        values: [mark.readAfterLsn],
      });
      if (!caughtUp.rows[0]?.ok) return await primary();
    }
    return await onReplica(replica);
  } catch (error) {
    if (!isReplicaUnavailable(error)) throw error;
    mark.replicas.downUntil = Date.now() + REPLICA_RETRY_AFTER_MS;
    return primary();
  }
}

// Connection refused/reset/timed out, the server shutting down or starting up, a connection terminated, or a read
// cancelled because it conflicted with WAL replay: the primary can answer instead. SQL errors are not caught.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '40001',
  '08000',
  '08001',
  '08003',
  '08006',
]);
const UNAVAILABLE_MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|connection error|not queryable|Connection is closed/i;

function isReplicaUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (UNAVAILABLE_MESSAGES.test(current.message)) return true;
  }
  return false;
}
