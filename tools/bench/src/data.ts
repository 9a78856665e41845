// The benchmark's databases: its own PostgreSQL (embedded under .data/bench-postgres, or a throwaway one under
// the OS temp dir for --quick, or the server in BENCH_DATABASE_URL), the scale data set loaded once and reused,
// and a reset before every run so that runs start from the same rows.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrate } from '@microblog/domain';
import { startEmbeddedPostgres } from '@microblog/domain/embedded-postgres';
import { DATA_DIR } from '../../../scripts/lib/database.ts';
import { scaleUsername, seedScale } from './seed-scale.ts';

/** The text every micropost written by the benchmark starts with (seeded texts start with a capital letter). */
export const BENCH_TEXT_PREFIX = 'bench:';

/** One data set: how many users, microposts and follows per user. */
export type DataSetSize = { users: number; posts: number; followsPerUser: number };

/** The full run's data set and the database that holds it (`npm run bench`, `npm run bench:post-commit`). */
export const FULL_DATA_SET = {
  name: 'microblog_bench',
  size: { users: 10_000, posts: 1_000_000, followsPerUser: 100 },
};

/** A PostgreSQL server the benchmark may create databases on. */
export type BenchServer = {
  adminUrl: string;
  urlFor(database: string): string;
  describe: string;
  stop(): Promise<void>;
};

/**
 * BENCH_DATABASE_URL when set (a server where that user may CREATE DATABASE; any database name in it);
 * otherwise the embedded PostgreSQL, persistent under .data/bench-postgres, or throwaway under the OS temp dir.
 */
export async function startBenchServer(options: {
  throwaway: boolean;
  log: (line: string) => void;
}): Promise<BenchServer> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) {
    const urlFor = (database: string) => {
      const parsed = new URL(given);
      parsed.pathname = `/${database}`;
      return parsed.toString();
    };
    return { adminUrl: given, urlFor, describe: `BENCH_DATABASE_URL (${new URL(given).host})`, stop: async () => {} };
  }
  const dataDir = options.throwaway
    ? path.join(os.tmpdir(), `microblog-bench-pg-${process.pid}-${randomBytes(3).toString('hex')}`)
    : path.join(DATA_DIR, 'bench-postgres');
  const t0 = performance.now();
  // pg_stat_statements counts the statements each BFF row sends (its round trips per request).
  const server = await startEmbeddedPostgres({
    dataDir,
    persistent: !options.throwaway,
    settings: { shared_preload_libraries: 'pg_stat_statements' },
  });
  options.log(
    `embedded PostgreSQL ${options.throwaway ? '(throwaway)' : `in ${path.relative(process.cwd(), dataDir) || dataDir}`} up in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return {
    adminUrl: server.adminUrl,
    urlFor: server.urlFor,
    describe: options.throwaway ? 'embedded PostgreSQL (throwaway)' : `embedded PostgreSQL (${dataDir})`,
    stop: () => server.stop(),
  };
}

/**
 * Statements PostgreSQL has completed in this database so far (pg_stat_statements' calls; each is one round trip,
 * `begin` and `commit` included), or null when the server does not load pg_stat_statements (then run the
 * embedded server, or add it to `shared_preload_libraries` of BENCH_DATABASE_URL's server).
 */
export async function statementsCompleted(url: string): Promise<number | null> {
  return withClient(url, async (client) => {
    try {
      await client.query('create extension if not exists pg_stat_statements');
      const { rows } = await client.query<{ calls: string }>(
        `select coalesce(sum(calls), 0)::text as calls from pg_stat_statements
         where dbid = (select oid from pg_database where datname = current_database()) and query not like '%pg_stat_statements%'`,
      );
      return Number(rows[0]?.calls ?? 0);
    } catch {
      return null;
    }
  });
}

/** Runs `work` with a connected client, then closes it. */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Whether the database holds exactly this data set (as loaded by the scale seed, bench rows removed). */
async function holdsDataSet(url: string, size: DataSetSize): Promise<{ ok: boolean; why: string }> {
  return withClient(url, async (client) => {
    const tables = await client.query(
      `select 1 from pg_tables where tablename = 'microposts' and schemaname = current_schema()`,
    );
    if (!tables.rowCount) return { ok: false, why: 'no schema' };
    const first = await client.query('select 1 from users where username_key = $1', [scaleUsername(1, size.users)]);
    if (!first.rowCount) return { ok: false, why: `no ${scaleUsername(1, size.users)}` };
    const { rows } = await client.query<{ users: number; posts: number; follows: number }>(
      `select (select count(*) from users)::int as users,
              (select count(*) from microposts where text not like '${BENCH_TEXT_PREFIX}%')::int as posts,
              (select count(*) from follows)::int as follows`,
    );
    const counts = rows[0];
    const follows = size.users * Math.min(size.followsPerUser, size.users - 1);
    if (!counts || counts.users !== size.users || counts.posts !== size.posts || counts.follows !== follows) {
      return { ok: false, why: `holds ${counts?.users} users, ${counts?.posts} posts, ${counts?.follows} follows` };
    }
    return { ok: true, why: 'already loaded' };
  });
}

/**
 * A database named `name` holding the data set: reused when it already does (migrations applied), else dropped,
 * recreated, migrated and loaded with the scale seed.
 */
export async function ensureDataSet(
  server: BenchServer,
  name: string,
  size: DataSetSize,
  options: { reseed: boolean; log: (line: string) => void },
): Promise<{ url: string; loaded: boolean; seconds: number }> {
  const url = server.urlFor(name);
  const exists = await withClient(server.adminUrl, async (c) =>
    Boolean((await c.query('select 1 from pg_database where datname = $1', [name])).rowCount),
  );
  if (exists && !options.reseed) {
    const applied = await migrate(url);
    if (applied.length) options.log(`${name}: applied migrations ${applied.join(', ')}`);
    const check = await holdsDataSet(url, size);
    if (check.ok) {
      options.log(
        `${name}: data set already loaded (${size.users.toLocaleString('en-US')} users, ${size.posts.toLocaleString('en-US')} posts): reused`,
      );
      return { url, loaded: false, seconds: 0 };
    }
    options.log(`${name}: ${check.why}: reloading`);
  }
  await withClient(server.adminUrl, async (c) => {
    await c.query(`drop database if exists ${quoteIdent(name)} with (force)`);
    await c.query(`create database ${quoteIdent(name)}`);
  });
  await migrate(url);
  options.log(
    `${name}: loading ${size.users.toLocaleString('en-US')} users, ${size.posts.toLocaleString('en-US')} posts, ${size.followsPerUser} follows per user`,
  );
  const result = await seedScale(url, { ...size, log: (line) => options.log(`  ${line}`) });
  return { url, loaded: true, seconds: result.seconds };
}

/** Drops a database (the quick mode's throwaway ones). */
export async function dropDatabase(server: BenchServer, name: string): Promise<void> {
  await withClient(server.adminUrl, (c) => c.query(`drop database if exists ${quoteIdent(name)} with (force)`));
}

/**
 * Puts the data set back as loaded: removes the microposts the benchmark wrote (text starting with `bench:`) with
 * their lines in the materialized home feeds (when the schema has `home_feed`: the author's and each follower's,
 * found by primary key as the domain's removePostFromFeeds does), restores the authors' post counts, and forgets
 * every session, idempotency record, push token and outbox event (the benchmark's database has no other users).
 * Vacuums the small tables it touched. Bench posts mention nobody and are
 * never followed after the fact, so nothing else refers to them; if the schema grows another table that does,
 * add it here.
 */
export async function resetBenchRows(url: string): Promise<{ posts: number; sessions: number }> {
  return withClient(url, async (client) => {
    await client.query('begin');
    await client.query(
      `create temp table bench_gone on commit drop as
       with gone as (delete from microposts where text like '${BENCH_TEXT_PREFIX}%' returning id, author_id, created_at)
       select * from gone`,
    );
    const posts = Number((await client.query<{ n: string }>('select count(*) as n from bench_gone')).rows[0]?.n ?? 0);
    if (posts > 0) {
      const feed = await client.query(
        `select 1 from pg_tables where tablename = 'home_feed' and schemaname = current_schema()`,
      );
      if (feed.rowCount) {
        // A few thousand posts times their authors' followers: probes of the primary key, never a scan of the
        // hundred million lines (which the planner would otherwise pick for a hash join).
        await client.query('analyze bench_gone');
        await client.query('set local enable_seqscan = off');
        await client.query('set local enable_hashjoin = off');
        await client.query('set local enable_mergejoin = off');
        await client.query(
          `delete from home_feed h
           using bench_gone g
           cross join lateral (select f.follower_id as owner_id from follows f where f.followee_id = g.author_id
                               union all select g.author_id) o
           where h.owner_id = o.owner_id and h.created_at = g.created_at and h.micropost_id = g.id`,
        );
      }
      await client.query(
        `update users u set posts_count = (select count(*) from microposts m where m.author_id = u.id and m.deleted_at is null)
         where u.id in (select distinct author_id from bench_gone)`,
      );
    }
    await client.query('delete from idempotency_records');
    await client.query('delete from push_tokens');
    const sessions = await client.query('delete from sessions');
    await client.query('delete from outbox_events');
    await client.query('commit');
    // Not home_feed: vacuuming a hundred million lines reads all of its index; autovacuum and the index scans'
    // own clean-up of dead entries take care of the few that went.
    if (posts || sessions.rowCount)
      await client.query('vacuum (analyze) microposts, users, sessions, idempotency_records');
    return { posts, sessions: sessions.rowCount ?? 0 };
  });
}

/** A user of the data set as the benchmark drives it. */
export type BenchUser = { id: string; username: string; homeItems: number };

/**
 * `count` users whose home timeline holds at least `minHomeItems` posts (their own plus their followees'), spread
 * over the data set, so that deep pages exist for every one of them; fewer when not enough qualify.
 */
export async function pickReaders(url: string, count: number, minHomeItems: number): Promise<BenchUser[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ id: string; username: string; home_items: number }>(
      `with totals as (
         select u.id, u.username,
                (u.posts_count + coalesce((select sum(f.posts_count) from follows fw join users f on f.id = fw.followee_id
                                           where fw.follower_id = u.id), 0))::int as home_items
         from users u where u.username_key like 'user%'
       )
       select id::text as id, username, home_items from totals where home_items >= $1
       order by hashtext(username) limit $2`,
      [minHomeItems, count],
    );
    return rows.map((r) => ({ id: r.id, username: r.username, homeItems: r.home_items }));
  });
}

/** `count` users (other than `exclude`) for writing and signing in, in a stable order. */
export async function pickUsers(url: string, count: number, exclude: readonly BenchUser[]): Promise<BenchUser[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ id: string; username: string }>(
      `select id::text as id, username from users where username_key like 'user%' and not (id = any($1::bigint[]))
       order by hashtext(username || '-writer') limit $2`,
      [exclude.map((u) => u.id), count],
    );
    return rows.map((r) => ({ id: r.id, username: r.username, homeItems: 0 }));
  });
}

/** The server's version line and the settings that matter for reading the figures. */
export async function serverInfo(url: string): Promise<{ version: string; settings: Record<string, string> }> {
  return withClient(url, async (client) => {
    const version = (await client.query<{ v: string }>('select version() as v')).rows[0]?.v ?? '?';
    const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
      `select name, setting, unit from pg_settings where name in ('shared_buffers', 'work_mem', 'effective_cache_size', 'max_connections', 'synchronous_commit', 'jit')`,
    );
    const settings: Record<string, string> = {};
    for (const r of rows) settings[r.name] = r.unit ? `${r.setting} × ${r.unit}` : r.setting;
    return { version, settings };
  });
}
