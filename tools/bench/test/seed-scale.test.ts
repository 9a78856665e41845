import { expect } from 'chai';
import { Client, type QueryResultRow } from 'pg';
import { explainHomeTimeline, SCALE_PASSWORD, seedScale, SeedRefused } from '../src/seed-scale.ts';
import { authenticate, DEFAULT_FAN_OUT_MAX_FOLLOWERS } from '@microblog/domain';
import { suite } from './setup.ts';

// The suite's database is shared with the other test files (their users have random names like u_1a2b3c...),
// so every check below looks only at the users the seed made.

async function sql<T extends QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: suite.url() });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function one<T extends QueryResultRow>(text: string, params: unknown[] = []): Promise<T> {
  const [row] = await sql<T>(text, params);
  if (!row) throw new Error(`no row from ${text}`);
  return row;
}

// The schema objects the scale seed drops for the load and must put back.
const schemaObjects = () =>
  sql<{ name: string; definition: string }>(
    `select indexname as name, indexdef as definition from pg_indexes
     where schemaname = current_schema() and tablename in ('microposts', 'follows', 'mentions')
     union all
     select conname, pg_get_constraintdef(oid) from pg_constraint
     where conrelid in ('microposts'::regclass, 'follows'::regclass, 'mentions'::regclass)
     union all
     select tgname, tgenabled::text from pg_trigger where tgrelid = 'microposts'::regclass and not tgisinternal
     order by 1, 2`,
  );

const SEEDED = `select id from users where username_key ~ '^user[0-9]{5}$'`;

describe('scale seed', () => {
  let schemaBefore: { name: string; definition: string }[];
  let result: Awaited<ReturnType<typeof seedScale>>;

  before(async () => {
    schemaBefore = await schemaObjects();
    result = await seedScale(suite.url(), { users: 50, posts: 2000, followsPerUser: 10 });
  });

  it('when it runs with small numbers, then it makes exactly that many users, posts and follows', async () => {
    expect(result).to.include({ users: 50, posts: 2000, follows: 500 });
    const counts = await one<{
      users: number;
      posts: number;
      follows: number;
      followers: number;
      min: number;
      max: number;
    }>(
      `select (select count(*)::int from users where id in (${SEEDED})) as users,
              (select count(*)::int from microposts where author_id in (${SEEDED})) as posts,
              (select count(*)::int from follows where follower_id in (${SEEDED})) as follows,
              (select count(*)::int from follows where followee_id in (${SEEDED})) as followers,
              (select min(n) from (select count(*)::int as n from follows where follower_id in (${SEEDED}) group by follower_id) f) as min,
              (select max(n) from (select count(*)::int as n from follows where follower_id in (${SEEDED}) group by follower_id) f) as max`,
    );
    expect(counts).to.deep.equal({ users: 50, posts: 2000, follows: 500, followers: 500, min: 10, max: 10 });
  });

  it('when it is done, then every counter of the seeded users equals the real count', async () => {
    const wrong = await sql(
      `select u.username, u.posts_count, u.followers_count, u.following_count,
              (select count(*) from microposts m where m.author_id = u.id and m.deleted_at is null) as posts,
              (select count(*) from follows f where f.followee_id = u.id) as followers,
              (select count(*) from follows f where f.follower_id = u.id) as following
       from users u where u.id in (${SEEDED})
       and (u.posts_count <> (select count(*) from microposts m where m.author_id = u.id and m.deleted_at is null)
         or u.followers_count <> (select count(*) from follows f where f.followee_id = u.id)
         or u.following_count <> (select count(*) from follows f where f.follower_id = u.id))`,
    );
    expect(wrong).to.deep.equal([]);
  });

  it('when it is done, then nobody follows themselves and no pair is followed twice', async () => {
    const self = await one<{ n: number }>(
      `select count(*)::int as n from follows where follower_id = followee_id and follower_id in (${SEEDED})`,
    );
    const duplicates = await sql(
      `select follower_id, followee_id from follows where follower_id in (${SEEDED}) group by 1, 2 having count(*) > 1`,
    );
    expect(self.n).to.equal(0);
    expect(duplicates).to.deep.equal([]);
  });

  it('when posts mention users, then each mention row names a user written as @username in its post', async () => {
    const mentions = await one<{ total: number; unmatched: number }>(
      `select count(*)::int as total,
              count(*) filter (where position('@' || u.username in p.text) = 0)::int as unmatched
       from mentions x join microposts p on p.id = x.micropost_id join users u on u.id = x.user_id
       where p.author_id in (${SEEDED})`,
    );
    const written = await one<{ n: number }>(
      `select count(*)::int as n from microposts where author_id in (${SEEDED}) and text like '%@user%'`,
    );
    expect(mentions.total).to.be.greaterThan(0);
    expect(mentions.total).to.equal(written.n);
    expect(mentions.unmatched).to.equal(0);
  });

  it('when it is done, then the indexes, constraints and trigger it set aside for the load are all back', async () => {
    expect(await schemaObjects()).to.deep.equal(schemaBefore);
  });

  it('when a seeded user signs in with the scale password, then it succeeds', async () => {
    const user = await authenticate(suite.database().context(), { username: 'user00001', password: SCALE_PASSWORD });
    expect(user.username).to.equal('user00001');
  });

  it('when the home timeline of a seeded user is explained, then the plans of the statements the domain sends come back, the first page with the query its function runs', async () => {
    const explained = await explainHomeTimeline(suite.url(), 'user00001');
    expect(explained.following).to.equal(10);
    expect(explained.plan).to.include('Execution Time');
    // The statements as the domain sent them: the first page is one call of its database function, the page after
    // it and numbered page 1 one prepared statement each.
    expect(explained.statements.map((s) => s.what)).to.deep.equal([
      'first page and sync horizon',
      'the page after it (cursor)',
      'numbered page 1 with its total',
    ]);
    expect(explained.sql).to.match(/from home_timeline_first_page\(\$1, \$2, \$3\)/);
    expect(explained.statements[0]?.values).to.deep.equal([explained.viewerId, 21, DEFAULT_FAN_OUT_MAX_FOLLOWERS]);
    expect(explained.statements[1]?.sql).to.match(
      /\(h\.created_at, h\.micropost_id\) < \(\$2::timestamptz, \$3::bigint\)/,
    );
    expect(explained.statements[2]?.sql).to.include('home_feed_sizes');
    for (const s of explained.statements) {
      expect(s.plan, s.what).to.include('Execution Time');
      expect(s.plan, s.what).to.include('home_feed_pkey');
    }
    // The function's own query, as it ran (auto_explain: the suite connects as a superuser).
    expect(explained.plan).to.match(/auto_explain, nested: [\s\S]*from home_feed h where h\.owner_id = viewer/);
    expect(explained.usesFeedIndex).to.equal(true);
  });

  it('when it runs again on the same database, then it refuses and adds nothing', async () => {
    let error: unknown;
    try {
      await seedScale(suite.url(), { users: 50, posts: 10, followsPerUser: 1 });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(SeedRefused);
    const posts = await one<{ n: number }>(`select count(*)::int as n from microposts where author_id in (${SEEDED})`);
    expect(posts.n).to.equal(2000);
  });
});
