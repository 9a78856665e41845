import { expect } from 'chai';
import { Client, type QueryResultRow } from 'pg';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../../scripts/lib/seed-demo.ts';
import { authenticate } from '../src/index.ts';
import { suite } from './setup.ts';

// The suite's database is shared with the other test files (their users have random names like u_1a2b3c...),
// so every check below looks only at the demo users.

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

describe('demo seed', () => {
  it('when it runs twice, then the second run creates nothing', async () => {
    const first = await seedDemo(suite.database());
    const second = await seedDemo(suite.database());
    expect(first).to.deep.equal({ created: true, users: ['alice', 'bob', 'carol', 'dave', 'erin'] });
    expect(second).to.deep.equal({ created: false, users: ['alice', 'bob', 'carol', 'dave', 'erin'] });
    const counts = await one<{ users: number; posts: number }>(
      `select count(*)::int as users, sum(posts_count)::int as posts from users where username_key in ('alice', 'bob', 'carol', 'dave', 'erin')`,
    );
    expect(counts).to.deep.equal({ users: 5, posts: 300 });
  });

  it('when it has run, then counters are exact, posts lie in the past two weeks and mentions and notifications exist', async () => {
    const demo = `select id from users where username_key in ('alice', 'bob', 'carol', 'dave', 'erin')`;
    const wrong = await sql(
      `select u.username from users u where u.id in (${demo})
       and (u.posts_count <> (select count(*) from microposts m where m.author_id = u.id and m.deleted_at is null)
         or u.followers_count <> (select count(*) from follows f where f.followee_id = u.id)
         or u.following_count <> (select count(*) from follows f where f.follower_id = u.id))`,
    );
    expect(wrong).to.deep.equal([]);
    const posts = await one<{ future: number; old: number; days: number; mentions: number; notified: number }>(
      `select count(*) filter (where created_at > now())::int as future,
              count(*) filter (where created_at < now() - interval '15 days')::int as old,
              count(distinct date_trunc('day', created_at))::int as days,
              (select count(*)::int from mentions where micropost_id in (select id from microposts where author_id in (${demo}))) as mentions,
              (select count(*)::int from outbox_events where type = 'user.mentioned'
                 and (payload->>'authorId')::bigint in (${demo})) as notified
       from microposts where author_id in (${demo})`,
    );
    expect(posts.future).to.equal(0);
    expect(posts.old).to.equal(0);
    expect(posts.days).to.be.greaterThan(7);
    expect(posts.mentions).to.be.greaterThan(50);
    expect(posts.notified).to.equal(posts.mentions);
  });

  it('when a demo user signs in with the demo password, then it succeeds', async () => {
    for (const user of DEMO_USERS) {
      const profile = await authenticate(suite.database().context(), {
        username: user.username,
        password: DEMO_PASSWORD,
      });
      expect(profile).to.include({ username: user.username, displayName: user.displayName, bio: user.bio });
    }
  });
});
