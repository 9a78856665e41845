// `npm run bench:post-commit`: what sending a post's notifications after its commit buys, measured on the bench's data
// set. Two ways of making the same post, interleaved in short slices so that the machine's noise falls on both:
//   inside   `select outcome, post from post_micropost(...)`, a named prepared statement: the post's notifications
//            (micropost_changes, users_changed, home_feed_changed) are sent with its commit, as before migration
//            20261207000000; PostgreSQL serializes the commits of notifying transactions through their WAL flush;
//   after    `call post_micropost_committed(...)`, what the domain sends (src/sql/microposts.ts): the post commits,
//            then its notifications leave in a transaction of their own.
// Each slice also samples pg_stat_activity every 50 ms and counts the posting backends waiting on `Lock:object`
// (the NOTIFY commit lock). Prints posts/s per slice, the medians, their ratio and the load average before and after.
//   npm run bench:post-commit [-- --rounds 6 --seconds 4 --connections 10]
// The posts are removed afterwards (their text starts with BENCH_TEXT_PREFIX), as `npm run bench` removes its own.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import {
  BENCH_TEXT_PREFIX,
  ensureDataSet,
  FULL_DATA_SET,
  pickUsers,
  resetBenchRows,
  startBenchServer,
  withClient,
} from './data.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '4' },
    connections: { type: 'string', default: '10' },
  },
});
const rounds = boundedInt(values.rounds, 1, 50);
const sliceMs = boundedInt(values.seconds, 1, 60) * 1000;
const connections = boundedInt(values.connections, 1, 64);

function boundedInt(text: string | undefined, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`expected an integer from ${min} to ${max}: ${text}`);
  return n;
}

const log = (line: string) => console.log(line);
// As the domain's connections (libs/domain/src/database.ts): plans kept, no JIT.
const SESSION_OPTIONS = '-c jit=off -c plan_cache_mode=force_generic_plan';
const ARGS = '$1, $2, $3, $4, $5, $6, $7, $8';
const WAYS = {
  inside: { name: 'bench_post_inside', text: `select outcome, post from post_micropost(${ARGS})` },
  after: { text: `call post_micropost_committed(${ARGS})` },
} as const;
type Way = keyof typeof WAYS;

type Slice = { way: Way; postsPerSecond: number; lockWaits: number };

async function slice(pool: Pool, url: string, way: Way, writers: string[], serial: { n: number }): Promise<Slice> {
  const end = Date.now() + sliceMs;
  let posts = 0;
  let samples = 0;
  let waiting = 0;
  const sampler = withClient(url, async (client) => {
    while (Date.now() < end) {
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'object'
           and query like '%post_micropost%'`,
      );
      samples += 1;
      waiting += rows[0]?.n ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end) {
        const n = serial.n++;
        const author = writers[n % writers.length]!;
        const text = `${BENCH_TEXT_PREFIX} post-commit ${way} ${n}`;
        const { rows } = await pool.query<{ outcome: string }>({
          ...WAYS[way],
          values: [author, text, [], null, null, 0, 0, 10_000],
        });
        if (rows[0]?.outcome !== 'created') throw new Error(`post ${n} was not created: ${JSON.stringify(rows[0])}`);
        posts += 1;
      }
    }),
  );
  await sampler;
  return { way, postsPerSecond: posts / (sliceMs / 1000), lockWaits: samples ? waiting / samples : 0 };
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const loadBefore = os.loadavg();
log(`load average before: ${loadBefore.map((n) => n.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
const server = await startBenchServer({ throwaway: false, log });
try {
  const { url } = await ensureDataSet(server, FULL_DATA_SET.name, FULL_DATA_SET.size, { reseed: false, log });
  const writers = (await pickUsers(url, 2000, [])).map((u) => u.id);
  const pool = new Pool({ connectionString: url, max: connections, options: SESSION_OPTIONS });
  pool.on('error', () => undefined);
  const serial = { n: 0 };
  const slices: Slice[] = [];
  try {
    // Warm both ways (plans, buffers) before anything is kept.
    for (const way of ['inside', 'after'] as const) await slice(pool, url, way, writers, serial);
    for (let round = 1; round <= rounds; round++) {
      const order: Way[] = round % 2 ? ['inside', 'after'] : ['after', 'inside'];
      for (const way of order) {
        const s = await slice(pool, url, way, writers, serial);
        slices.push(s);
        log(
          `round ${round} ${way.padEnd(6)} ${s.postsPerSecond.toFixed(0).padStart(5)} posts/s, ${s.lockWaits.toFixed(1)} backends waiting on Lock:object`,
        );
      }
    }
  } finally {
    await pool.end();
    const removed = await resetBenchRows(url);
    log(`removed ${removed.posts} benchmark posts`);
  }
  const of = (way: Way) => slices.filter((s) => s.way === way);
  const inside = median(of('inside').map((s) => s.postsPerSecond));
  const after = median(of('after').map((s) => s.postsPerSecond));
  log(
    `median posts/s: notifications inside the commit ${inside.toFixed(0)}, after it ${after.toFixed(0)}: ${(after / inside).toFixed(2)}×`,
  );
  log(
    `median backends waiting on Lock:object: inside ${median(of('inside').map((s) => s.lockWaits)).toFixed(1)}, after ${median(of('after').map((s) => s.lockWaits)).toFixed(1)}`,
  );
  log(
    `${connections} connections, ${rounds} rounds of ${sliceMs / 1000} s per way; load average after: ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await server.stop();
}
