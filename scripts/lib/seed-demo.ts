// Demo data for development: a few named users who follow each other and a few hundred posts with @mentions
// over the last two weeks. Everything goes through the domain use cases (so counters, mention rows and outbox
// events are exactly what the app would have made); only the timestamps are then moved into the past.
import { followUser, postMicropost, registerUser, updateProfile, type Database } from '@microblog/domain';

/** The password of every demo user. */
export const DEMO_PASSWORD = 'microblog-demo-2026';

/** The demo users, in the order they are created. */
export const DEMO_USERS = [
  { username: 'alice', displayName: 'Alice Archer', bio: 'Backend engineer. Coffee, PostgreSQL and long walks.' },
  { username: 'bob', displayName: 'Bob Baker', bio: 'Bakes bread on weekends, fixes bugs on weekdays.' },
  { username: 'carol', displayName: 'Carol Chen', bio: 'Mobile developer and amateur astronomer.' },
  { username: 'dave', displayName: 'Dave Dawson', bio: 'Cyclist, gardener, occasional photographer.' },
  { username: 'erin', displayName: 'Erin Evans', bio: 'Product designer. Sketches everything twice.' },
] as const;

type DemoName = (typeof DEMO_USERS)[number]['username'];

// Who follows whom (a realistic, not complete, graph: erin follows only two people, nobody follows everyone back).
const DEMO_FOLLOWS: [DemoName, DemoName][] = [
  ['alice', 'bob'],
  ['alice', 'carol'],
  ['alice', 'dave'],
  ['bob', 'alice'],
  ['bob', 'carol'],
  ['bob', 'erin'],
  ['carol', 'alice'],
  ['carol', 'erin'],
  ['dave', 'alice'],
  ['dave', 'bob'],
  ['dave', 'carol'],
  ['dave', 'erin'],
  ['erin', 'carol'],
  ['erin', 'dave'],
];

const DEMO_POSTS = 300;
const DAYS = 14;

const OPENERS = [
  'Just shipped',
  'Thinking about',
  'Finally tried',
  'Spent the morning on',
  'Reading up on',
  'Loving',
  'Not sure about',
  'Quick note on',
  'Today I learned about',
  'Still debugging',
  'Coffee and',
  'Weekend plans:',
];
const TOPICS = [
  'the new timeline',
  'keyset pagination',
  'sourdough starters',
  'a rainy bike ride',
  'index-only scans',
  'our mobile release',
  'the garden tomatoes',
  'a sci-fi novel',
  'dark mode',
  'push notifications',
  'the farmers market',
  'connection pooling',
  'a trip to the mountains',
  'the night sky',
  'refactoring tests',
  'a new coffee grinder',
  'accessibility fixes',
  'a jazz concert',
  'vacuum settings',
  'paper sketches',
];
const CLOSERS = [
  '',
  '!',
  '.',
  ' - more soon.',
  '. What do you think?',
  '. 10/10 would do again.',
  '. Send help.',
  ' 🚀',
  ' ☕',
  ' 🌱',
];

/** A small deterministic PRNG (mulberry32), so every demo database has the same content. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickFrom<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

/** The demo posts, oldest first: author, text and when it was written. */
function demoPosts(now: number): { author: DemoName; text: string; createdAt: Date }[] {
  const next = random(2026);
  const names = DEMO_USERS.map((u) => u.username);
  const posts = Array.from({ length: DEMO_POSTS }, () => {
    const author = pickFrom(next, names);
    let text = `${pickFrom(next, OPENERS)} ${pickFrom(next, TOPICS)}${pickFrom(next, CLOSERS)}`;
    const roll = next();
    if (roll < 0.3) {
      const other = pickFrom(
        next,
        names.filter((n) => n !== author),
      );
      text = roll < 0.15 ? `@${other} ${text}` : `${text} cc @${other}`;
    } else if (roll < 0.36) {
      const [a, b] = names.filter((n) => n !== author).sort(() => next() - 0.5);
      text = `${text} with @${a} and @${b}`;
    }
    // Mostly in waking hours, spread over the last DAYS days, never in the future.
    const createdAt = new Date(now - Math.floor(next() * DAYS * 86_400_000) - 60_000);
    return { author, text, createdAt };
  });
  return posts.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/**
 * Seeds the demo data unless user `alice` already exists (then it changes nothing).
 * Returns whether it created anything and the demo usernames.
 */
export async function seedDemo(db: Database): Promise<{ created: boolean; users: string[] }> {
  const users = DEMO_USERS.map((u) => u.username);
  const connection = db.orm.em.fork().getConnection();
  const existing = await connection.execute<{ id: string }[]>(
    'select id from users where username_key = ?',
    ['alice'],
    'all',
  );
  if (existing.length > 0) return { created: false, users };

  const now = Date.now();
  const ids = new Map<DemoName, string>();
  for (const user of DEMO_USERS) {
    const ctx = db.context();
    const profile = await registerUser(ctx, {
      username: user.username,
      password: DEMO_PASSWORD,
      displayName: user.displayName,
    });
    await updateProfile(db.context(), { userId: profile.id, bio: user.bio });
    ids.set(user.username, profile.id);
  }
  const id = (name: DemoName): string => ids.get(name) as string;

  for (const [follower, followee] of DEMO_FOLLOWS) {
    await followUser(db.context(), { followerId: id(follower), username: followee });
  }

  const planned = demoPosts(now);
  const written: { id: string; createdAt: Date }[] = [];
  for (const post of planned) {
    const view = await postMicropost(db.context(), { authorId: id(post.author), text: post.text });
    written.push({ id: view.id, createdAt: post.createdAt });
  }

  // Move the timestamps into the past: users joined a month ago, follows happened before the first post,
  // and each post gets its planned time (one UPDATE per batch of posts).
  const joined = new Date(now - 30 * 86_400_000);
  await connection.execute(
    'update users set created_at = ?, password_changed_at = ? where id in (?)',
    [joined, joined, [...ids.values()]],
    'run',
  );
  await connection.execute(
    `update follows set created_at = ?::timestamptz + (id % 1000) * interval '1 minute' where follower_id in (?) and followee_id in (?)`,
    [new Date(now - 20 * 86_400_000), [...ids.values()], [...ids.values()]],
    'run',
  );
  const BATCH = 100;
  for (let start = 0; start < written.length; start += BATCH) {
    const batch = written.slice(start, start + BATCH);
    await connection.execute(
      `update microposts as m set created_at = v.created_at
       from (values ${batch.map(() => '(?::bigint, ?::timestamptz)').join(', ')}) as v(id, created_at)
       where m.id = v.id`,
      batch.flatMap((p) => [p.id, p.createdAt]),
      'run',
    );
    // The materialized home timelines carry the post's time too (it is their order).
    await connection.execute(
      `update home_feed as h set created_at = v.created_at
       from (values ${batch.map(() => '(?::bigint, ?::timestamptz)').join(', ')}) as v(id, created_at)
       where h.micropost_id = v.id`,
      batch.flatMap((p) => [p.id, p.createdAt]),
      'run',
    );
  }
  return { created: true, users };
}
