import { fileURLToPath } from 'node:url';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { Client, type Pool } from 'pg';
import { entities } from './entities/index.ts';
import { deriveKeys, type DomainKeys } from './keys.ts';
import { trackRequest, type ReplicaState } from './replica-reads.ts';
import { answerCache, type AnswerCache, type AnswerCacheOptions } from './answer-cache.ts';
import { changeNotifications } from './change-notifications.ts';
import { DEFAULT_FAN_OUT_MAX_FOLLOWERS } from './fan-out-limits.ts';
import { sessionCache, type SessionCache, type SessionCacheOptions } from './session-cache.ts';
import { reportingClient, type StatementListener } from './statement-reporting.ts';

export type { SentStatement, StatementListener } from './statement-reporting.ts';
export type { SessionCache, SessionCacheOptions } from './session-cache.ts';
export type { AnswerCache, AnswerCacheOptions } from './answer-cache.ts';
export { DEFAULT_FAN_OUT_MAX_FOLLOWERS } from './fan-out-limits.ts';

/** Where the committed migrations live. */
export const MIGRATIONS_PATH = fileURLToPath(new URL('../migrations', import.meta.url));

/** How to reach PostgreSQL and what to sign cursors and tokens with. */
export type DatabaseOptions = {
  /** `postgres://user:pass@host:port/db`. */
  url: string;
  /** Read replicas for timeline and profile reads (optional). */
  replicaUrls?: string[];
  /** At least 32 bytes of secret material: cursors, sync tokens and refresh tokens are signed with keys derived from it. */
  tokenSecret: string;
  /** Largest number of pooled connections (default 10). */
  poolSize?: number;
  /** Log every SQL statement. */
  debug?: boolean;
  /**
   * Called with every statement sent, as PostgreSQL received it, and its answer (`statement-reporting.ts`).
   * For tools (the benchmark's SQL ceiling), not production logs: the SQL holds the values written.
   */
  onQuery?: StatementListener;
  /** Longest a single statement may run before PostgreSQL cancels it (default 5000 ms; 0 = no limit). */
  statementTimeoutMs?: number;
  /** Longest a connection may sit idle inside an open transaction before PostgreSQL ends it (default 10000 ms; 0 = no limit). */
  idleInTransactionTimeoutMs?: number;
  /** Called with the seconds each request for a pooled connection waited (metrics). */
  onConnectionAcquired?: (waitedSeconds: number) => void;
  /**
   * The in-process cache of live sessions (`session-cache.ts`): on by default, sized by these options;
   * `false` turns it off (every session check asks PostgreSQL).
   */
  sessionCache?: SessionCacheOptions | false;
  /**
   * The in-process cache of finished answers to hot reads (`answer-cache.ts`): on by default, sized by these
   * options; `false` turns it off (every read asks PostgreSQL).
   */
  answerCache?: AnswerCacheOptions | false;
  /**
   * The most followers a post is fanned out to inside its own request (default 10,000). A post of an author with more
   * goes into their followers' feeds through the fan-out worker (`startFanOutWorker`), and is merged into those
   * feeds' pages when read until then, so timelines stay exact. Every process of a deployment should use one value.
   */
  fanOutMaxFollowers?: number;
};

/** The connection pool right now, as metrics see it. */
export type PoolStats = {
  /** Open connections (idle and in use). */
  size: number;
  /** Open connections nobody holds. */
  idle: number;
  /** Requests for a connection queued because all `max` are in use. */
  waiting: number;
  /** The largest the pool may grow. */
  max: number;
};

/**
 * The undelivered work of the background workers: outbox events (how many, how old the oldest is) and posts waiting
 * for the fan-out worker (how many, how old the oldest post is: the worker's lag).
 */
export type OutboxBacklog = {
  pending: number;
  oldestAgeSeconds: number;
  pendingFanOuts: number;
  oldestFanOutAgeSeconds: number;
};

/** Defaults of the per-connection limits. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5000;
export const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;
/** The readiness check's own connection gives up after this long. */
const READINESS_TIMEOUT_MS = 1000;

/**
 * Server settings every connection starts with, as a libpq `options` string. They are startup parameters, not
 * `SET`s, so they survive the `reset all` MikroORM runs when it hands out a pooled connection.
 */
function sessionOptions(options: Pick<DatabaseOptions, 'statementTimeoutMs' | 'idleInTransactionTimeoutMs'>): string {
  const statement = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const idle = options.idleInTransactionTimeoutMs ?? DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS;
  // plan_cache_mode: the named prepared statements (src/sql/) and the PL/pgSQL functions are planned once per
  // connection. Left to choose (`auto`), PostgreSQL re-plans a page whose LIMIT is a parameter on every execution,
  // since the generic plan's estimate looks dearer than the custom one; the generic plans of these statements are the
  // same index scans (checked with EXPLAIN), and re-planning cost a quarter of a timeline page's time.
  return `-c jit=off -c plan_cache_mode=force_generic_plan -c statement_timeout=${Math.trunc(statement)} -c idle_in_transaction_session_timeout=${Math.trunc(idle)}`;
}

type PooledClient = {
  release(error?: unknown): void;
  once(event: 'end', listener: () => void): unknown;
  removeListener(event: 'end', listener: () => void): unknown;
};

type NativePool = {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options: { max?: number };
  connect(...args: unknown[]): unknown;
};

/**
 * Hands back to the pool a checked-out connection that the server ended (idle_in_transaction_session_timeout, a
 * terminated backend, a restart). Kysely releases a connection only after its ROLLBACK succeeds, and a ROLLBACK on a
 * dead connection cannot: without this, every such connection would stay checked out for ever and the pool shrink
 * until nothing is left. Release becomes idempotent, so a later release by Kysely is harmless.
 */
function releaseWhenEnded(client: PooledClient): void {
  const release = client.release.bind(client);
  let released = false;
  const onEnd = () => {
    if (released) return;
    released = true;
    release(new Error('the server ended this connection'));
  };
  client.once('end', onEnd);
  client.release = (error?: unknown) => {
    if (released) return;
    released = true;
    client.removeListener('end', onEnd);
    release(error);
  };
}

/** Wraps `connect()` on the pool (the only way pg-pool hands out a connection): guards and times every checkout. */
function guardCheckouts(pool: NativePool, report: ((seconds: number) => void) | undefined): void {
  const connect = pool.connect.bind(pool);
  pool.connect = (...args: unknown[]) => {
    const started = process.hrtime.bigint();
    const checkedOut = (client: unknown) => {
      releaseWhenEnded(client as PooledClient);
      report?.(Number(process.hrtime.bigint() - started) / 1e9);
    };
    const callback = args[0];
    if (typeof callback === 'function') {
      return connect((error: unknown, client: unknown, ...rest: unknown[]) => {
        if (!error) checkedOut(client);
        (callback as (...a: unknown[]) => void)(error, client, ...rest);
      });
    }
    return (connect() as Promise<unknown>).then((client) => {
      checkedOut(client);
      return client;
    });
  };
}

/** What every use case receives: a unit of work of its own and the signing keys. */
export type DomainContext = {
  readonly em: EntityManager;
  readonly keys: DomainKeys;
  /** The pg pool behind `em`, for the named prepared statements of hot paths (`src/sql/`). */
  readonly pool: Pool;
  /** This process's session cache, or null when it is off. */
  readonly sessionCache: SessionCache | null;
  /** This process's answer cache, or null when it is off. */
  readonly answers: AnswerCache | null;
  /** See `DatabaseOptions.fanOutMaxFollowers`. */
  readonly fanOutMaxFollowers: number;
};

/** The MikroORM configuration for these entities and migrations. */
export function ormConfig(
  options: Pick<
    DatabaseOptions,
    'url' | 'replicaUrls' | 'poolSize' | 'debug' | 'statementTimeoutMs' | 'idleInTransactionTimeoutMs'
  > & {
    onPoolCreated?: (pool: NativePool) => void;
  },
) {
  return defineConfig({
    clientUrl: options.url,
    replicas: (options.replicaUrls ?? []).map((clientUrl, i) => ({ name: `replica-${i + 1}`, clientUrl })),
    // Only the reads marked `replica: true` may go to a replica (replica-reads.ts); sessions, tokens and
    // idempotency records are always read on the primary.
    preferReadReplicas: false,
    entities,
    extensions: [Migrator],
    migrations: { path: MIGRATIONS_PATH, glob: '!(*.d).ts', snapshot: false, silent: true },
    // The database functions (microblog_change_horizon, home_timeline_first_page, post_micropost, ...) are written by
    // hand in their migrations and called through prepared statements (src/sql/); the schema diff leaves them alone
    // instead of dropping them.
    schemaGenerator: { ignoreRoutines: true },
    pool: { min: 0, max: options.poolSize ?? 10 },
    // Fail a request rather than queue it for ever when the database is gone.
    // JIT compilation costs tens of milliseconds and pays off only for analytics, never for these short queries.
    // statement_timeout and idle_in_transaction_session_timeout keep one stuck statement (a lock, a forgotten
    // transaction) from holding a pooled connection for ever.
    driverOptions: {
      connectionTimeoutMillis: 5000,
      options: sessionOptions(options),
      ...(options.onPoolCreated ? { onPoolCreated: options.onPoolCreated } : {}),
    },
    forceUtcTimezone: true,
    debug: options.debug ?? false,
    // The schema changes only through committed migrations.
    ensureDatabase: false,
    allowGlobalContext: false,
  });
}

/** An open connection pool plus the factory of per-request contexts. */
export type Database = {
  readonly orm: MikroORM;
  /** The session cache of this handle, or null when it is off. */
  readonly sessionCache: SessionCache | null;
  /** The answer cache of this handle, or null when it is off. */
  readonly answers: AnswerCache | null;
  /** A fresh context (its own identity map) for one request or job. */
  context(): DomainContext;
  /**
   * Whether PostgreSQL answers a trivial query right now, within 1 s. It uses a short-lived connection of its
   * own, never the pool, so it answers even while every pooled connection is busy.
   */
  isReachable(): Promise<boolean>;
  /** The pool's size, idle and waiting counts (zeros before the first query opens it). */
  poolStats(): PoolStats;
  /** The background workers' backlog (outbox, pending fan-outs); gives up (rejects) after `timeoutMs`. */
  outboxBacklog(timeoutMs?: number): Promise<OutboxBacklog>;
  close(): Promise<void>;
};

/** Opens the pool (lazily connected) and returns the database handle. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let pool: NativePool | null = null;
  const orm = await MikroORM.init(
    withStatementReporting(
      ormConfig({
        ...options,
        onPoolCreated: (created) => {
          pool = created;
          guardCheckouts(created, options.onConnectionAcquired);
        },
      }),
      options.onQuery,
    ),
  );
  const keys = deriveKeys(options.tokenSecret);
  const max = options.poolSize ?? 10;
  const replicas: ReplicaState = { enabled: (options.replicaUrls ?? []).length > 0, downUntil: 0 };
  // MikroORM's own pg pool (same connections, same statement reporting), reached through its documented accessor:
  // the hot paths send named prepared statements through it (src/sql/).
  const pgPool = (await orm.em.getConnection('write').getNativeClient()) as Pool;
  const fanOutMaxFollowers = options.fanOutMaxFollowers ?? DEFAULT_FAN_OUT_MAX_FOLLOWERS;
  // One LISTEN connection feeds both caches.
  const changes = changeNotifications(options.url);
  const sessions = options.sessionCache === false ? null : sessionCache(changes, options.sessionCache);
  const answers = options.answerCache === false ? null : answerCache(changes, options.answerCache);
  return {
    orm,
    sessionCache: sessions,
    answers,
    context: () => {
      // The unit of work (an ORM fork) is opened on first use: a request answered from the caches never needs one.
      let em: EntityManager | null = null;
      const ctx: DomainContext = {
        get em() {
          if (em === null) {
            em = orm.em.fork();
            opened(em);
          }
          return em;
        },
        keys,
        pool: pgPool,
        sessionCache: sessions,
        answers,
        fanOutMaxFollowers,
      };
      const opened = trackRequest(ctx, replicas);
      return ctx;
    },
    isReachable: () => answersWithin(options.url, READINESS_TIMEOUT_MS),
    poolStats() {
      const current = pool as NativePool | null;
      return current === null
        ? { size: 0, idle: 0, waiting: 0, max }
        : {
            size: current.totalCount,
            idle: current.idleCount,
            waiting: current.waitingCount,
            max: current.options.max ?? max,
          };
    },
    outboxBacklog: (timeoutMs = 1000) => outboxBacklog(options.url, timeoutMs),
    async close() {
      sessions?.close();
      answers?.close();
      await changes.close();
      await orm.close(true);
    },
  };
}

/** The configuration with `onQuery` attached: the pool creates its connections with a reporting pg `Client`. */
function withStatementReporting(
  config: ReturnType<typeof ormConfig>,
  onQuery: StatementListener | undefined,
): ReturnType<typeof ormConfig> {
  if (!onQuery) return config;
  return { ...config, driverOptions: { ...config.driverOptions, Client: reportingClient(onQuery) } };
}

/** Runs one statement on a connection of its own that gives up, connecting or querying, after `timeoutMs`. */
async function withOwnConnection<T>(url: string, timeoutMs: number, sql: string): Promise<T[]> {
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    options: `-c statement_timeout=${timeoutMs} -c lock_timeout=${timeoutMs}`,
  });
  // A server that goes away mid-check must not crash the process ('error' without a listener throws).
  client.on('error', () => undefined);
  const deadline = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([client.connect(), deadline]);
    const result = await Promise.race([client.query(sql), deadline]);
    return result.rows as T[];
  } finally {
    void client.end().catch(() => undefined);
  }
}

async function answersWithin(url: string, timeoutMs: number): Promise<boolean> {
  try {
    await withOwnConnection(url, timeoutMs, 'select 1');
    return true;
  } catch {
    return false;
  }
}

/** Cheap: the partial index on undelivered events covers the outbox; pending_fan_outs is short by design. */
async function outboxBacklog(url: string, timeoutMs: number): Promise<OutboxBacklog> {
  const rows = await withOwnConnection<{
    pending: string;
    oldest_age: number | null;
    fan_outs: string;
    fan_out_age: number | null;
  }>(
    url,
    timeoutMs,
    `select (select count(*) from outbox_events where processed_at is null) as pending,
            extract(epoch from now() - (select min(created_at) from outbox_events where processed_at is null))::float8
              as oldest_age,
            (select count(*) from pending_fan_outs) as fan_outs,
            extract(epoch from now() - (select min(created_at) from pending_fan_outs))::float8 as fan_out_age`,
  );
  const row = rows[0];
  return {
    pending: Number(row?.pending ?? 0),
    oldestAgeSeconds: Math.max(0, row?.oldest_age ?? 0),
    pendingFanOuts: Number(row?.fan_outs ?? 0),
    oldestFanOutAgeSeconds: Math.max(0, row?.fan_out_age ?? 0),
  };
}

/** Applies every pending committed migration; returns the names applied. */
export async function migrate(url: string): Promise<string[]> {
  const orm = await MikroORM.init(ormConfig({ url, poolSize: 2 }));
  try {
    const applied = await orm.migrator.up();
    return applied.map((m) => m.name);
  } finally {
    await orm.close(true);
  }
}
