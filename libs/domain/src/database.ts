import { fileURLToPath } from 'node:url';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { entities } from './entities/index.ts';
import { deriveKeys, type DomainKeys } from './keys.ts';
import { trackRequest, type ReplicaState } from './replica-reads.ts';

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
};

/** What every use case receives: a unit of work of its own and the signing keys. */
export type DomainContext = {
  readonly em: EntityManager;
  readonly keys: DomainKeys;
};

/** The MikroORM configuration for these entities and migrations. */
export function ormConfig(options: Pick<DatabaseOptions, 'url' | 'replicaUrls' | 'poolSize' | 'debug'>) {
  return defineConfig({
    clientUrl: options.url,
    replicas: (options.replicaUrls ?? []).map((clientUrl, i) => ({ name: `replica-${i + 1}`, clientUrl })),
    // Only the reads marked `replica: true` may go to a replica (replica-reads.ts); sessions, tokens and
    // idempotency records are always read on the primary.
    preferReadReplicas: false,
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
  /** A fresh context (its own identity map) for one request or job. */
  context(): DomainContext;
  /** Whether PostgreSQL answers a trivial query right now. */
  isReachable(): Promise<boolean>;
  close(): Promise<void>;
};

/** Opens the pool (lazily connected) and returns the database handle. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const orm = await MikroORM.init(ormConfig(options));
  const keys = deriveKeys(options.tokenSecret);
  const replicas: ReplicaState = { enabled: (options.replicaUrls ?? []).length > 0, downUntil: 0 };
  return {
    orm,
    context: () => {
      const em = orm.em.fork();
      trackRequest(em, replicas);
      return { em, keys };
    },
    async isReachable() {
      try {
        await orm.em.getConnection().execute('select 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => orm.close(true),
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
