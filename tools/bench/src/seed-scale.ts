// Bulk data for benchmarks: tens of thousands of users, a million microposts, a million follows, generated
// by set-based SQL (`INSERT ... SELECT generate_series(...)`) in one transaction, not one ORM insert per row.
// Counters are recomputed from the rows at the end, so they are exact; no outbox events are written (a
// benchmark database should not send a million notifications).
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { checkPassword, hashPassword, homeTimeline, homeTimelineFirstPage, openDatabase } from '@microblog/domain';

/** The password of every `userNNNNN` account the scale seed creates (benchmarks sign in with it). */
export const SCALE_PASSWORD = 'microblog-bench-2026';

/** What to generate. */
export type ScaleOptions = {
  users: number;
  posts: number;
  followsPerUser: number;
  /** Where progress lines go (default: nowhere). */
  log?: (line: string) => void;
};

/** What was generated, and how long it took in all. */
export type ScaleResult = {
  users: number;
  posts: number;
  follows: number;
  mentions: number;
  seconds: number;
  phases: Phase[];
};

/** Thrown when the database already holds scale data (it is never seeded twice). */
export class SeedRefused extends Error {}

/** The name of the n-th scale user: `user00001`, ... (wider when there are more than 99,999). */
export function scaleUsername(n: number, users: number): string {
  return `user${String(n).padStart(Math.max(5, String(users).length), '0')}`;
}

function wholeNumber(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min)
    throw new Error(`${name} must be a whole number >= ${min} (got ${value})`);
  return value;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** A stride coprime to `m` near m/φ, so k·stride mod m spreads a user's followees over the whole range. */
function coprimeStride(m: number): number {
  if (m <= 1) return 1;
  let s = Math.max(1, Math.floor(m * 0.618));
  while (gcd(s, m) !== 1) s++;
  return s;
}

const WORDS = [
  'coffee',
  'morning',
  'deploy',
  'release',
  'postgres',
  'index',
  'timeline',
  'weekend',
  'hiking',
  'rain',
  'sunshine',
  'bicycle',
  'garden',
  'tomatoes',
  'reading',
  'novel',
  'music',
  'concert',
  'guitar',
  'train',
  'meeting',
  'lunch',
  'pizza',
  'bug',
  'fix',
  'refactor',
  'test',
  'benchmark',
  'query',
  'latency',
  'cache',
  'cat',
  'dog',
  'walk',
  'river',
  'mountain',
  'city',
  'night',
  'stars',
  'tea',
  'bread',
  'baking',
  'paint',
  'photo',
  'museum',
  'film',
  'podcast',
  'chess',
  'football',
  'snow',
];

/** One timed step of the load. */
export type Phase = { name: string; rows: number; seconds: number };

/**
 * Generates `users` users (`user00001`..., all with the password SCALE_PASSWORD), `posts` microposts spread over
 * the last 30 days (a skewed number per author; about one in ten mentions another user), and `followsPerUser`
 * distinct follows per user (never of themselves), then recomputes the counters of the users it made and
 * analyzes the tables. Works on an empty database or one with the demo data; refuses (SeedRefused) when the
 * first scale user already exists.
 */
export async function seedScale(url: string, options: ScaleOptions): Promise<ScaleResult> {
  const users = wholeNumber('users', options.users, 1);
  const posts = wholeNumber('posts', options.posts, 0);
  let followsPerUser = wholeNumber('followsPerUser', options.followsPerUser, 0);
  const log = options.log ?? (() => {});
  if (followsPerUser > users - 1) {
    log(`only ${users - 1} other users to follow: follows per user lowered from ${followsPerUser} to ${users - 1}`);
    followsPerUser = users - 1;
  }
  const passwordError = await checkPassword(SCALE_PASSWORD, 'user00001');
  if (passwordError) throw new Error(`SCALE_PASSWORD ${passwordError.message}`);

  const width = Math.max(5, String(users).length);
  const first = scaleUsername(1, users);
  const client = new Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  const phases: Phase[] = [];
  const phase = async (name: string, work: () => Promise<number>): Promise<number> => {
    const t0 = performance.now();
    const rows = await work();
    const seconds = (performance.now() - t0) / 1000;
    phases.push({ name, rows, seconds });
    const rate = rows > 0 && seconds > 0 ? `, ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s` : '';
    log(
      `${name.padEnd(22)} ${rows.toLocaleString('en-US').padStart(11)} rows in ${seconds.toFixed(2).padStart(7)} s${rate}`,
    );
    return rows;
  };

  try {
    const taken = await client.query('select 1 from users where username_key = $1', [first]);
    if (taken.rowCount)
      throw new SeedRefused(`${first} already exists: this database already holds scale data; use a fresh one`);

    const passwordHash = await hashPassword(SCALE_PASSWORD);
    // Session settings only: bigger sort memory for the index builds; no waiting for the WAL flush.
    await client.query(`set maintenance_work_mem = '512MB'`);
    await client.query(`set work_mem = '64MB'`);
    await client.query('set synchronous_commit = off');
    // Reproducible content: random() below follows this seed.
    await client.query('select setseed(0.2026)');

    await client.query('begin');
    await client.query('create temp table seed_users (n int primary key, id bigint not null) on commit drop');

    let userRows = 0;
    await phase('users', async () => {
      const result = await client.query(
        `with inserted as (
           insert into users (username, username_key, display_name, bio, password_hash, created_at, password_changed_at)
           select 'user' || lpad(i::text, ${width}, '0'), 'user' || lpad(i::text, ${width}, '0'),
                  'Bench User ' || i, 'Generated for benchmarks (#' || i || ').', $1::text,
                  now() - interval '90 days' + i * interval '1 second', now() - interval '90 days'
           from generate_series(1, ${users}) i
           returning id, username_key
         )
         insert into seed_users (n, id) select substr(username_key, 5)::int, id from inserted`,
        [passwordHash],
      );
      await client.query('analyze seed_users');
      userRows = result.rowCount ?? 0;
      return userRows;
    });

    // Secondary indexes, unique constraints and foreign keys of the loaded tables are rebuilt once after the load
    // rather than maintained row by row (measured on PostgreSQL 15, 2 cores: the micropost insert runs about 3x
    // faster without its four indexes, the GIN one above all, and both inserts about 2x faster without the
    // per-row foreign-key checks). It all happens in this one transaction, so re-adding a unique constraint or
    // a foreign key re-checks every row, and a failure leaves the schema as it was. Primary keys stay.
    const dropped: { table: string; name: string; kind: 'index' | 'unique' | 'foreign'; definition: string }[] = [];
    await phase('drop indexes', async () => {
      const constraints = await client.query<{ table: string; name: string; kind: 'u' | 'f'; definition: string }>(
        `select c.conrelid::regclass::text as table, c.conname as name, c.contype as kind, pg_get_constraintdef(c.oid) as definition
         from pg_constraint c
         where c.conrelid in ('microposts'::regclass, 'follows'::regclass, 'mentions'::regclass) and c.contype in ('u', 'f')
         order by c.contype`,
      );
      const indexes = await client.query<{ name: string; definition: string }>(
        `select i.indexname as name, i.indexdef as definition from pg_indexes i
         where i.schemaname = current_schema() and i.tablename in ('microposts', 'follows', 'mentions')
           and not exists (select 1 from pg_constraint c where c.conname = i.indexname and c.conrelid = (quote_ident(i.tablename))::regclass)`,
      );
      // Foreign keys first ('f' sorts before 'u'), as one could depend on a unique index.
      for (const c of constraints.rows) {
        await client.query(`alter table ${c.table} drop constraint ${quoteIdent(c.name)}`);
        dropped.push({
          table: c.table,
          name: c.name,
          kind: c.kind === 'u' ? 'unique' : 'foreign',
          definition: c.definition,
        });
      }
      for (const index of indexes.rows) {
        await client.query(`drop index ${quoteIdent(index.name)}`);
        dropped.push({ table: '', name: index.name, kind: 'index', definition: index.definition });
      }
      log(`dropped until the load is done: ${dropped.map((d) => d.name).join(', ') || 'nothing'}`);
      return 0;
    });

    const before = await client.query<{ max: string }>('select coalesce(max(id), 0)::text as max from microposts');
    const firstNewPost = BigInt(before.rows[0]?.max ?? '0');
    const words = `array[${WORDS.map((w) => `'${w}'`).join(', ')}]::text[]`;
    const pick = `w[1 + floor(random() * ${WORDS.length})::int]`;
    const postRows = await phase('microposts', async () => {
      if (posts === 0) return 0;
      // Authors are skewed (n = users·r², so low numbers post most: user00001 about 1% of all posts).
      // The generated search_vector is computed for every row, as in production (about 2.5 s per million).
      // The microposts_change_seq trigger numbers each write (libs/domain/src/change-order.ts); this statement
      // draws the numbers itself, so the trigger is switched off for it (a seed runs with no sync reader to
      // coordinate with) and re-enabled in the same transaction. Check this still holds if that trigger ever does more.
      await client.query('alter table microposts disable trigger microposts_change_seq');
      const result = await client.query(
        `with words as (select ${words} as w)
         insert into microposts (author_id, text, created_at, change_seq)
         select su.id,
                initcap(${pick}) || ' ' || ${pick} || ' and ' || ${pick} || ', ' || ${pick} || ' ' || ${pick}
                  || case when g.mention > 0 then ' @user' || lpad(g.mention::text, ${width}, '0') else '' end
                  || ' #' || g.i,
                now() - random() * interval '30 days',
                nextval('micropost_change_seq')
         from (select i,
                      1 + least(${users - 1}, floor(${users} * power(random(), 2))::int) as author,
                      case when random() < 0.1 then 1 + floor(random() * ${users})::int else 0 end as mention
               from generate_series(1, ${posts}) i) g
         join seed_users su on su.n = g.author
         cross join words`,
      );
      await client.query('alter table microposts enable trigger microposts_change_seq');
      return result.rowCount ?? 0;
    });

    const mentionRows = await phase('mentions', async () => {
      const result = await client.query(
        `insert into mentions (micropost_id, user_id)
         select m.id, u.id
         from microposts m
         join seed_users a on a.id = m.author_id
         join users u on u.username_key = lower(substring(m.text from '@([A-Za-z0-9_]{3,30})'))
         where m.id > $1::bigint and m.text like '%@%'`,
        [firstNewPost.toString()],
      );
      return result.rowCount ?? 0;
    });

    const stride = coprimeStride(users - 1);
    const followRows = await phase('follows', async () => {
      if (followsPerUser === 0) return 0;
      // Follower f follows f + o(k) (mod users) for k = 1..F with o(k) = (k·stride mod (users-1)) + 1:
      // the offsets are distinct and never 0, so the pairs are distinct and nobody follows themselves.
      const result = await client.query(
        `insert into follows (follower_id, followee_id, created_at)
         select a.id, b.id, now() - interval '60 days' + random() * interval '30 days'
         from generate_series(1, ${users}) f
         cross join generate_series(1, ${followsPerUser}) k
         join seed_users a on a.n = f
         join seed_users b on b.n = ((f - 1 + (k::bigint * ${stride}) % ${Math.max(1, users - 1)} + 1) % ${users}) + 1`,
      );
      return result.rowCount ?? 0;
    });

    // The materialized home timelines (fan-out on write, see libs/domain/src/home-feed.ts): every new post goes
    // to its author and to each follower. Loaded without its primary key, which is built once afterwards.
    const feedRows = await phase('home feeds', async () => {
      await client.query('alter table home_feed drop constraint home_feed_pkey');
      const result = await client.query(
        `insert into home_feed (owner_id, created_at, micropost_id, author_id)
         select m.author_id, m.created_at, m.id, m.author_id from microposts m where m.id > $1::bigint and m.deleted_at is null
         union all
         select f.follower_id, m.created_at, m.id, m.author_id
         from microposts m join follows f on f.followee_id = m.author_id
         where m.id > $1::bigint and m.deleted_at is null`,
        [firstNewPost.toString()],
      );
      dropped.push({
        table: 'home_feed',
        name: 'home_feed_pkey',
        kind: 'unique',
        definition: 'primary key (owner_id, created_at, micropost_id)',
      });
      return result.rowCount ?? 0;
    });

    await phase('rebuild indexes', async () => {
      // Unique constraints and plain indexes, then the foreign keys (which need the referenced keys).
      const order = { unique: 0, index: 1, foreign: 2 } as const;
      for (const item of [...dropped].sort((a, b) => order[a.kind] - order[b.kind])) {
        await client.query(
          item.kind === 'index'
            ? item.definition
            : `alter table ${item.table} add constraint ${quoteIdent(item.name)} ${item.definition}`,
        );
      }
      return postRows + followRows + mentionRows + feedRows;
    });

    await phase('counters', async () => {
      const posts = await client.query(
        `update users u set posts_count = coalesce(c.n, 0)
         from seed_users su
         left join (select author_id, count(*)::int as n from microposts
                    where deleted_at is null and author_id in (select id from seed_users) group by author_id) c
           on c.author_id = su.id
         where u.id = su.id`,
      );
      await client.query(
        `update users u set followers_count = coalesce(c.n, 0)
         from seed_users su
         left join (select followee_id, count(*)::int as n from follows
                    where followee_id in (select id from seed_users) group by followee_id) c
           on c.followee_id = su.id
         where u.id = su.id`,
      );
      await client.query(
        `update users u set following_count = coalesce(c.n, 0)
         from seed_users su
         left join (select follower_id, count(*)::int as n from follows
                    where follower_id in (select id from seed_users) group by follower_id) c
           on c.follower_id = su.id
         where u.id = su.id`,
      );
      return posts.rowCount ?? 0;
    });

    await phase('commit', async () => {
      await client.query('commit');
      return 0;
    });

    // Fresh statistics for the planner and a visibility map for index-only scans.
    await phase('vacuum analyze', async () => {
      await client.query('vacuum (analyze) users, microposts, follows, mentions, home_feed');
      return 0;
    });

    const seconds = (performance.now() - started) / 1000;
    const total = userRows + postRows + followRows + mentionRows;
    log(
      `total                  ${total.toLocaleString('en-US').padStart(11)} rows in ${seconds.toFixed(2).padStart(7)} s, ${Math.round(total / seconds).toLocaleString('en-US')} rows/s`,
    );
    return { users: userRows, posts: postRows, follows: followRows, mentions: mentionRows, seconds, phases };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** One statement the domain sends, EXPLAINed as the domain's connections run it. */
export type ExplainedStatement = {
  /** What the statement reads. */
  what: string;
  /** Its text and parameters, as the domain sent them (recorded through `openDatabase({ onQuery })`). */
  sql: string;
  values: unknown[];
  /** EXPLAIN (ANALYZE, BUFFERS) of its generic plan, then the plans of the queries a database function ran. */
  plan: string;
  /** Of the statement itself (a function's time included). */
  executionMs: number | null;
};

/** A value as an SQL literal, for `execute name(...)`. */
function literal(client: Client, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return client.escapeLiteral(value.toISOString());
  if (Array.isArray(value))
    return client.escapeLiteral(`{${value.map((v) => `"${String(v).replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
  return client.escapeLiteral(String(value));
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of a statement the domain sent, as its connections run it: prepared, under
 * `plan_cache_mode = force_generic_plan` (their setting, libs/domain/src/database.ts), so the plan shown is the
 * generic one each connection keeps; executed once before, so the cache is warm. The plan of a database function's
 * call is a Function Scan that shows nothing of the queries inside: when this session may load `auto_explain`
 * (a superuser's may), their plans, as the function ran them, are appended ("auto_explain, nested: ...").
 */
export async function explainStatement(
  client: Client,
  sql: string,
  values: unknown[],
): Promise<{ plan: string; executionMs: number | null }> {
  await client.query('set plan_cache_mode = force_generic_plan');
  await client.query(`prepare bench_explained as ${sql}`);
  const nested: string[] = [];
  const onNotice = (notice: { message?: string | undefined }) => {
    const text = notice.message ?? '';
    // auto_explain's lines for the queries run inside; the statement explained (shown as its PREPARE) is left out.
    if (/^duration: /.test(text) && !/Query Text: (explain |prepare bench_explained )/i.test(text)) nested.push(text);
  };
  let autoExplain = false;
  try {
    const args = values.map((v) => literal(client, v));
    const execute = args.length ? `execute bench_explained(${args.join(', ')})` : 'execute bench_explained';
    await client.query(execute);
    autoExplain = await client
      .query(
        `load 'auto_explain';
         set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_buffers = on;
         set auto_explain.log_nested_statements = on; set auto_explain.log_level = notice`,
      )
      .then(
        () => true,
        () => false,
      );
    client.on('notice', onNotice);
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${execute}`);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    const execution = /Execution Time: ([0-9.]+) ms/.exec(plan);
    return {
      plan: [plan, ...nested.map((n) => `\nauto_explain, nested: ${n}`)].join('\n'),
      executionMs: execution ? Number(execution[1]) : null,
    };
  } finally {
    client.removeListener('notice', onNotice);
    if (autoExplain) await client.query('set auto_explain.log_min_duration = -1');
    await client.query('deallocate bench_explained; reset plan_cache_mode');
  }
}

/**
 * The statements the domain sends for a user's home timeline, recorded from its use cases through its public hook
 * (`openDatabase({ onQuery })`), so they cannot drift from it: the first page with its sync horizon
 * (homeTimelineFirstPage: the database function `home_timeline_first_page`), the page after it (homeTimeline with
 * its cursor: `feed_page_after`) and numbered page 1 with its total (bff-web's: `feed_numbered_page`), 20 per page.
 */
async function homeTimelineStatements(
  url: string,
  viewerId: string,
): Promise<{ what: string; sql: string; values: unknown[] }[]> {
  let sent: { sql: string; values: unknown[] }[] = [];
  const db = await openDatabase({
    url,
    tokenSecret: randomBytes(32).toString('hex'),
    poolSize: 1,
    sessionCache: false,
    answerCache: false,
    onQuery: (s) => {
      // The driver's own, once per new connection (for cancelling queries).
      if (!/^select pg_backend_pid\(\)/i.test(s.sql)) sent.push({ sql: s.sql, values: s.values });
    },
  });
  const statements: { what: string; sql: string; values: unknown[] }[] = [];
  const recorded = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    sent = [];
    const answer = await work();
    for (const [i, s] of sent.entries())
      statements.push({ what: sent.length > 1 ? `${what} (${i + 1} of ${sent.length})` : what, ...s });
    return answer;
  };
  try {
    const limit = 20;
    const first = await recorded('first page and sync horizon', () =>
      homeTimelineFirstPage(db.context(), { viewerId, limit }),
    );
    const cursor = first.page.nextCursor;
    if (cursor !== null)
      await recorded('the page after it (cursor)', () =>
        homeTimeline(db.context(), { viewerId, paging: { kind: 'cursor', cursor, limit } }),
      );
    await recorded('numbered page 1 with its total', () =>
      homeTimeline(db.context(), { viewerId, paging: { kind: 'page', number: 1, size: limit } }),
    );
  } finally {
    await db.close();
  }
  return statements;
}

/**
 * `EXPLAIN (ANALYZE, BUFFERS)` of what the domain sends for a user's home timeline (homeTimelineStatements), each
 * run once to warm the cache, then explained as the domain runs it (explainStatement). The top-level fields are
 * the first page's: the statement a first page request sends, and whether its plan reads home_feed's primary key.
 */
export async function explainHomeTimeline(
  url: string,
  username: string,
): Promise<{
  viewerId: string;
  following: number;
  plan: string;
  executionMs: number | null;
  usesFeedIndex: boolean;
  sql: string;
  server: string;
  statements: ExplainedStatement[];
}> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query<{ id: string; following_count: number }>(
      'select id::text as id, following_count from users where username_key = $1',
      [username.toLowerCase()],
    );
    const viewer = found.rows[0];
    if (!viewer) throw new Error(`no user ${username}`);
    const statements: ExplainedStatement[] = [];
    for (const s of await homeTimelineStatements(url, viewer.id))
      statements.push({ ...s, ...(await explainStatement(client, s.sql, s.values)) });
    const first = statements[0];
    if (!first) throw new Error('the domain sent no statement for the first page');
    const version = await client.query<{ version: string }>('select version()');
    return {
      viewerId: viewer.id,
      following: viewer.following_count,
      plan: first.plan,
      executionMs: first.executionMs,
      usesFeedIndex: first.plan.includes('home_feed_pkey'),
      sql: first.sql,
      server: version.rows[0]?.version ?? 'unknown',
      statements,
    };
  } finally {
    await client.end();
  }
}
