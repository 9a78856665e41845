import { fileURLToPath } from 'node:url';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import { entities } from './entities/index.ts';
import { deriveKeys, type DomainKeys } from './keys.ts';
import { sessionCache, type SessionCache, type SessionCacheOptions } from './session-cache.ts';
import { reportingClient, type StatementListener } from './statement-reporting.ts';

export type { SentStatement, StatementListener } from './statement-reporting.ts';
export type { SessionCache, SessionCacheOptions } from './session-cache.ts';

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
  /**
   * The in-process cache of live sessions (`session-cache.ts`): on by default, sized by these options;
   * `false` turns it off (every session check asks PostgreSQL).
   */
  sessionCache?: SessionCacheOptions | false;
};

/** What every use case receives: a unit of work of its own and the signing keys. */
export type DomainContext = {
  readonly em: EntityManager;
  readonly keys: DomainKeys;
  /** The pg pool behind `em`, for the named prepared statements of hot paths (`src/sql/`). */
  readonly pool: Pool;
  /** This process's session cache, or null when it is off. */
  readonly sessionCache: SessionCache | null;
};

/** The MikroORM configuration for these entities and migrations. */
export function ormConfig(options: Pick<DatabaseOptions, 'url' | 'replicaUrls' | 'poolSize' | 'debug'>) {
  return defineConfig({
    clientUrl: options.url,
    replicas: (options.replicaUrls ?? []).map((clientUrl, i) => ({ name: `replica-${i + 1}`, clientUrl })),
    entities,
    extensions: [Migrator],
    migrations: { path: MIGRATIONS_PATH, glob: '!(*.d).ts', snapshot: false, silent: true },
    pool: { min: 0, max: options.poolSize ?? 10 },
    // Fail a request rather than queue it for ever when the database is gone.
    // JIT compilation costs tens of milliseconds and pays off only for analytics, never for these short queries.
    driverOptions: { connectionTimeoutMillis: 5000, options: '-c jit=off' },
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
  /** A fresh context (its own identity map) for one request or job. */
  context(): DomainContext;
  /** Whether PostgreSQL answers a trivial query right now. */
  isReachable(): Promise<boolean>;
  close(): Promise<void>;
};

/** Opens the pool (lazily connected) and returns the database handle. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const orm = await MikroORM.init(withStatementReporting(ormConfig(options), options.onQuery));
  const keys = deriveKeys(options.tokenSecret);
  // MikroORM's own pg pool (same connections, same statement reporting), reached through its documented accessor.
  const pool = (await orm.em.getConnection('write').getNativeClient()) as Pool;
  const sessions = options.sessionCache === false ? null : sessionCache(options.url, options.sessionCache);
  return {
    orm,
    sessionCache: sessions,
    context: () => ({ em: orm.em.fork(), keys, pool, sessionCache: sessions }),
    async isReachable() {
      try {
        await orm.em.getConnection().execute('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await sessions?.close();
      await orm.close(true);
    },
  };
}

/** The configuration with `onQuery` attached: the pool creates its connections with a reporting pg `Client`. */
function withStatementReporting(config: ReturnType<typeof ormConfig>, onQuery: StatementListener | undefined): ReturnType<typeof ormConfig> {
  if (!onQuery) return config;
  return { ...config, driverOptions: { ...config.driverOptions, Client: reportingClient(onQuery) } };
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
