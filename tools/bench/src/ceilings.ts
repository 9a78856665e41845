// The ceilings the benchmark compares the BFFs with, served from a process of their own (forked by
// src/bench.ts, driven over IPC):
//   - a bare `node:http` server answering fixed JSON (what this machine's Node.js can do at all);
//   - bare Koa answering the same JSON (what the framework costs by itself);
//   - the kit floor (src/kit-floor.ts): Koa with the per-answer layers every BFF answer goes through, answering the
//     same JSON kept serialized, as a cache hit is (what those layers cost);
//   - the SQL ceiling: a bare `node:http` server that sends, for each data endpoint, exactly the statements the
//     domain's use cases send for the BFF's request, one round trip each, through a `pg` pool of the BFF's size with
//     the domain's connection settings, and answers their rows as JSON. No JWT, no validation, no ORM, no
//     middleware, no presenter, no answer cache;
//   - the limit servers (src/limit-servers.ts): for each hot read, a bare `node:http` server answering exactly the
//     BFF's bytes for the same request from ONE named prepared statement through `pg`.
//
// "Exactly the statements" is not a copy that could drift from the domain: before the load starts, this process
// runs the very use cases each BFF route calls (checkSession, then getOwnProfile / homeTimelineFirstPage /
// homeTimeline / listUserMicroposts / postMicropostOnce / authenticate + startDeviceSession) for each benchmark
// user, records every statement the domain sends to PostgreSQL, as PostgreSQL received it (the domain's public
// `openDatabase({ onQuery })` hook), and replays those statements under load. The session check is answered by the
// session cache, as in a warm BFF, so it sends nothing. What the BFFs' answer cache serves (GET /v1/me, the first
// timeline page, bff-web's pages) is replayed as a miss: the statement that computes the answer. A statement the
// domain sent with parameters (its named prepared statements) is replayed as a named prepared statement too, a CALL
// unnamed as the domain sends it; MikroORM's (literal SQL) as literal SQL. Reads are replayed verbatim. Writes are replayed with what must differ
// per request substituted: the Idempotency-Key, the text and its fingerprint, the device id, timestamps (shifted to
// now), and the ids that earlier statements of the same request returned (the new session's).
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { Pool } from 'pg';
import {
  authenticate,
  checkSession,
  getOwnProfile,
  homeTimeline,
  homeTimelineFirstPage,
  listUserMicroposts,
  openDatabase,
  passwordMatches,
  postMicropostOnce,
  startDeviceSession,
  type Database,
  type SentStatement,
} from '@microblog/domain';
import { kitFloorApp } from './kit-floor.ts';
import { createLimitServer, type LimitSecrets } from './limit-servers.ts';

/** The body both bare servers answer: about the size of a GET /v1/me answer. */
export const FIXED_BODY = {
  id: '1',
  username: 'user00001',
  displayName: 'Bench User 1',
  bio: 'Generated for benchmarks (#1).',
  joinedAt: '2026-08-23T15:00:01.000Z',
  counts: { posts: 9876, followers: 100, following: 100 },
};

/** Set at fork: the database, the pool size of the BFFs, and the BFFs' secrets (for the limit servers). */
export type CeilingOptions = { databaseUrl: string; poolSize: number } & LimitSecrets;
/** Answered once listening. */
export type CeilingPorts = { bareHttp: number; bareKoa: number; kitFloor: number; sql: number; limit: number };

/** Who to record statements for (sent once the BFFs have signed everyone in). */
export type CapturePlan = {
  /** bff-mobile's TOKEN_SECRET, so that its cursors verify here. */
  mobileTokenSecret: string;
  pageSize: number;
  webDeepPage: number;
  readers: { id: string; mobileSessionId: string; webSessionId: string; deepCursor: string | null }[];
  /** (caller, author) pairs for a user's posts. */
  userPosts: { id: string; sessionId: string; author: string }[];
  writers: { id: string; sessionId: string }[];
  signIns: { username: string; password: string }[];
};

/** The endpoints with a SQL ceiling; each has one recorded script per variant (user). */
export const SQL_ENDPOINTS = [
  'me',
  'timeline',
  'timeline-deep',
  'web-timeline-1',
  'web-timeline-deep',
  'user-posts',
  'create-post',
  'sign-in',
] as const;
export type SqlEndpoint = (typeof SQL_ENDPOINTS)[number];

/** One statement as sent, and the id it returned (for writes that later statements refer to). */
export type Statement = { sql: string; values: unknown[]; returnedId: string | null };
type Script = { statements: Statement[]; capturedAt: number; tokens: Record<string, string> };

/** What the capture answers: how many scripts per endpoint, and the first of each (for EXPLAIN and the record). */
export type CaptureSummary = { counts: Record<string, number>; samples: Record<string, Statement[]> };

/**
 * The Idempotency-Key fingerprint bff-mobile computes for `POST /v1/posts` with this text (requestFingerprint in
 * bff-mobile/src/v1/routes/posts.ts: SHA-256 of the method, path and canonical JSON body).
 */
function postFingerprint(text: string): string {
  return createHash('sha256')
    .update(`POST /v1/posts\n${JSON.stringify({ text })}`)
    .digest('hex');
}

/**
 * The settings the domain starts each connection with (libs/domain/src/database.ts, sessionOptions), but the
 * timeouts: its prepared statements and database functions are planned once per connection, as there.
 */
const DOMAIN_SESSION_OPTIONS = '-c jit=off -c plan_cache_mode=force_generic_plan';

// ---------------------------------------------------------------------------------------------------------------
// Recording what the domain sends: its database handle reports each statement with its answer (`onQuery`).

let recording: Statement[] | null = null;

function recordStatement(sent: SentStatement): void {
  // `select pg_backend_pid()` is the driver's own, sent once per new connection (for cancelling queries).
  if (!recording || /^select pg_backend_pid\(\)/i.test(sent.sql)) return;
  const id = /\breturning\b/i.test(sent.sql) ? sent.rows[0]?.id : undefined;
  recording.push({
    sql: sent.sql,
    values: sent.values,
    returnedId: id === undefined || id === null ? null : String(id),
  });
}

async function record(work: () => Promise<unknown>, tokens: Record<string, string> = {}): Promise<Script> {
  if (recording) throw new Error('one recording at a time');
  recording = [];
  const capturedAt = Date.now();
  try {
    await work();
    return { statements: recording, capturedAt, tokens };
  } finally {
    recording = null;
  }
}

/** Records each endpoint's statements for each user of the plan, by calling the use cases the BFF routes call. */
async function capture(databaseUrl: string, plan: CapturePlan): Promise<Map<SqlEndpoint, Script[]>> {
  const db: Database = await openDatabase({
    url: databaseUrl,
    tokenSecret: plan.mobileTokenSecret,
    poolSize: 2,
    onQuery: recordStatement,
  });
  // A BFF under load finds its sessions in its session cache: wait for this handle's listener, so that the
  // session() calls below fill the cache and the recorded requests are the warm ones, like the BFF's.
  const first = plan.readers[0];
  if (first) {
    const deadline = Date.now() + 5000;
    do {
      await checkSession(db.context(), { sessionId: first.mobileSessionId, userId: first.id }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 20));
    } while (!db.sessionCache?.listening && Date.now() < deadline);
  }
  const scripts = new Map<SqlEndpoint, Script[]>(SQL_ENDPOINTS.map((e) => [e, []]));
  const add = (endpoint: SqlEndpoint, script: Script) => scripts.get(endpoint)?.push(script);
  // A session is "touched" at most once a minute: do it now, so that the recorded request is the common one.
  const session = async (sessionId: string, userId: string) => {
    await checkSession(db.context(), { sessionId, userId });
  };
  try {
    for (const r of plan.readers) {
      await session(r.mobileSessionId, r.id);
      await session(r.webSessionId, r.id);
      add(
        'me',
        await record(async () => {
          const ctx = db.context();
          await checkSession(ctx, { sessionId: r.mobileSessionId, userId: r.id });
          await getOwnProfile(ctx, { userId: r.id });
        }),
      );
      add(
        'timeline',
        await record(async () => {
          const ctx = db.context();
          await checkSession(ctx, { sessionId: r.mobileSessionId, userId: r.id });
          await homeTimelineFirstPage(ctx, { viewerId: r.id, limit: plan.pageSize });
        }),
      );
      if (r.deepCursor) {
        const cursor = r.deepCursor;
        add(
          'timeline-deep',
          await record(async () => {
            const ctx = db.context();
            await checkSession(ctx, { sessionId: r.mobileSessionId, userId: r.id });
            await homeTimeline(ctx, { viewerId: r.id, paging: { kind: 'cursor', cursor, limit: plan.pageSize } });
          }),
        );
      }
      for (const [endpoint, number] of [
        ['web-timeline-1', 1],
        ['web-timeline-deep', plan.webDeepPage],
      ] as const) {
        add(
          endpoint,
          await record(async () => {
            const ctx = db.context();
            await checkSession(ctx, { sessionId: r.webSessionId, userId: r.id });
            await homeTimeline(ctx, { viewerId: r.id, paging: { kind: 'page', number, size: plan.pageSize } });
          }),
        );
      }
    }
    for (const p of plan.userPosts) {
      add(
        'user-posts',
        await record(async () => {
          const ctx = db.context();
          await checkSession(ctx, { sessionId: p.sessionId, userId: p.id });
          await listUserMicroposts(ctx, {
            username: p.author,
            paging: { kind: 'cursor', cursor: null, limit: plan.pageSize },
          });
        }),
      );
    }
    let i = 0;
    for (const w of plan.writers) {
      await session(w.sessionId, w.id);
      // Distinctive values, replaced per request under load.
      const key = `bench-capture-key-${process.pid}-${i}`;
      const text = `bench:capture-text-${process.pid}-${i++}`;
      const fingerprint = postFingerprint(text);
      add(
        'create-post',
        await record(
          async () => {
            const ctx = db.context();
            await checkSession(ctx, { sessionId: w.sessionId, userId: w.id });
            await postMicropostOnce(ctx, { authorId: w.id, text, key, fingerprint });
          },
          { key, text, fingerprint },
        ),
      );
    }
    for (const s of plan.signIns) {
      const device = `bench-capture-device-${process.pid}-${i++}`;
      add(
        'sign-in',
        await record(
          async () => {
            const ctx = db.context();
            const user = await authenticate(ctx, { username: s.username, password: s.password });
            await startDeviceSession(ctx, {
              userId: user.id,
              device: { id: device, name: 'benchmark', platform: 'android' },
            });
          },
          { device },
        ),
      );
    }
  } finally {
    await db.close();
  }
  return scripts;
}

// ---------------------------------------------------------------------------------------------------------------
// Replaying under load.

/**
 * A statement as the domain sent it: with parameters, it was one of its named prepared statements (src/sql/ of the
 * domain), so it is prepared here too, once per connection, under a name of its text; MikroORM's literal SQL has none.
 * A CALL (the post's procedure) the domain sends unnamed (src/sql/microposts.ts), so it goes unnamed here too.
 */
function asSent(sql: string, values: unknown[]): { name?: string; text: string; values: unknown[] } {
  if (values.length === 0 || /^call /i.test(sql)) return { text: sql, values };
  return { name: `ceiling_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`, text: sql, values };
}

const ISO_TIMESTAMP = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;

function substitute(text: string, replacements: [string, string][], shiftMs: number): string {
  let out = text;
  for (const [from, to] of replacements) out = out.replaceAll(from, to);
  return shiftMs === 0 ? out : out.replace(ISO_TIMESTAMP, (m) => new Date(Date.parse(m) + shiftMs).toISOString());
}

/**
 * Runs a recorded script on one pooled connection. `fresh` maps recorded tokens (key, text, fingerprint, device) to this
 * request's; `verifyPassword`: check it (argon2id, the domain's function) against the first password_hash read.
 */
async function replay(
  pool: Pool,
  script: Script,
  fresh: Record<string, string> | null,
  verifyPassword: string | null,
): Promise<unknown[]> {
  const client = await pool.connect();
  const results: unknown[] = [];
  let inTransaction = false;
  try {
    if (fresh === null) {
      for (const s of script.statements) results.push((await client.query(asSent(s.sql, s.values))).rows);
      return results;
    }
    const replacements: [string, string][] = Object.entries(script.tokens).map(([name, value]) => [
      value,
      fresh[name] ?? value,
    ]);
    const shift = Date.now() - script.capturedAt;
    let verified = verifyPassword === null;
    for (const s of script.statements) {
      const sql = substitute(s.sql, replacements, shift);
      const values = s.values.map((v) => (typeof v === 'string' ? substitute(v, replacements, shift) : v));
      if (/^(begin|start transaction)/i.test(sql)) inTransaction = true;
      const result = await client.query(asSent(sql, values));
      if (/^(commit|rollback)\b/i.test(sql)) inTransaction = false;
      results.push(result.rows);
      const row = result.rows[0] as { id?: unknown; password_hash?: unknown } | undefined;
      if (s.returnedId !== null && row?.id !== undefined && row.id !== null) {
        const now = String(row.id);
        replacements.push([`'${s.returnedId}'`, `'${now}'`], [`"${s.returnedId}"`, `"${now}"`]);
      }
      if (!verified && typeof row?.password_hash === 'string') {
        if (!(await passwordMatches(row.password_hash, verifyPassword ?? '')))
          throw Object.assign(new Error('invalid_credentials'), { status: 401 });
        verified = true;
      }
    }
    return results;
  } catch (error) {
    if (inTransaction) await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

/** Starts the servers; `capture` records the SQL scripts the SQL ceiling replays. */
export async function startCeilings(
  options: CeilingOptions,
): Promise<{ ports: CeilingPorts; capture(plan: CapturePlan): Promise<CaptureSummary>; stop(): Promise<void> }> {
  const fixed = JSON.stringify(FIXED_BODY);

  const bare = http.createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(fixed),
    });
    res.end(fixed);
  });

  const koa = new Koa();
  koa.use((ctx) => {
    ctx.body = FIXED_BODY;
  });
  const koaServer = http.createServer(koa.callback());
  const kitFloorServer = http.createServer(kitFloorApp(FIXED_BODY).callback());

  const pool = new Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize,
    options: DOMAIN_SESSION_OPTIONS,
  });
  let scripts = new Map<SqlEndpoint, Script[]>();

  // GET|POST /<endpoint>?v=<variant>; create-post takes the Idempotency-Key header and a JSON body {text}, sign-in
  // a JSON body {password, device: {id}}.
  const sqlServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://ceiling');
    const endpoint = url.pathname.slice(1) as SqlEndpoint;
    const list = scripts.get(endpoint) ?? [];
    const script = list[Number(url.searchParams.get('v') ?? 0) % Math.max(1, list.length)];
    const work = async (): Promise<{ status: number; body: unknown }> => {
      if (!script) return { status: 404, body: { error: `no recorded script for ${endpoint}` } };
      if (endpoint === 'create-post') {
        const body = JSON.parse(await readBody(req)) as { text: string };
        const key = String(req.headers['idempotency-key'] ?? '');
        const fresh = { key, text: body.text, fingerprint: postFingerprint(body.text) };
        return { status: 201, body: await replay(pool, script, fresh, null) };
      }
      if (endpoint === 'sign-in') {
        const body = JSON.parse(await readBody(req)) as { password: string; device: { id: string } };
        return { status: 200, body: await replay(pool, script, { device: body.device.id }, body.password) };
      }
      return { status: 200, body: await replay(pool, script, null, null) };
    };
    work().then(
      ({ status, body }) => {
        const text = JSON.stringify(body);
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      },
      (error: unknown) => {
        const status = (error as { status?: number }).status ?? 500;
        if (status === 500) console.error(`SQL ceiling ${endpoint}: ${(error as Error).message}`);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: (error as Error).message }));
      },
    );
  });

  // Its own pool of the BFFs' size, so that the limit rows never wait behind the SQL ceiling's connections.
  const limitPool = new Pool({ connectionString: options.databaseUrl, max: options.poolSize });
  const limit = createLimitServer(limitPool, options);

  const ports = {
    bareHttp: await listen(bare),
    bareKoa: await listen(koaServer),
    kitFloor: await listen(kitFloorServer),
    sql: await listen(sqlServer),
    limit: await listen(limit),
  };
  return {
    ports,
    async capture(plan) {
      scripts = await capture(options.databaseUrl, plan);
      const counts: Record<string, number> = {};
      const samples: Record<string, Statement[]> = {};
      for (const [endpoint, list] of scripts) {
        counts[endpoint] = list.length;
        if (list[0]) samples[endpoint] = list[0].statements;
      }
      return { counts, samples };
    },
    async stop() {
      for (const server of [bare, koaServer, kitFloorServer, sqlServer, limit]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      await Promise.all([pool.end(), limitPool.end()]);
    },
  };
}

// As a forked child: start, report the ports, record when asked, stop on 'stop' or disconnect.
if (process.send && process.argv[2] === '--child') {
  const options = JSON.parse(process.env.BENCH_CEILING_OPTIONS ?? '{}') as CeilingOptions;
  const running = await startCeilings(options);
  process.send({ ports: running.ports });
  const stop = () => void running.stop().finally(() => process.exit(0));
  process.on('message', (message: 'stop' | { capture: CapturePlan }) => {
    if (message === 'stop') stop();
    else if (typeof message === 'object' && 'capture' in message) {
      running.capture(message.capture).then(
        (summary) => process.send?.({ captured: summary }),
        (error: unknown) =>
          process.send?.({ captureError: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
    }
  });
  process.on('disconnect', stop);
}
