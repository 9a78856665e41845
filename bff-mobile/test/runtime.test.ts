// bff-mobile as an operator runs it: the real main.ts in a child process against the suite's PostgreSQL, with a
// local push service. Its metrics port, statement timeouts under a locked table, and graceful shutdown that hands
// claimed outbox events back.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { followUser, registerPushToken, startDeviceSession, type UserProfile } from '@microblog/domain';
import { makeUser, TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import {
  acceptsConnections,
  samples,
  scrapeMetrics,
  spawnBff,
  type ChildBff,
  type LogLine,
} from '@microblog/bff-kit/testing';
import { expect } from 'chai';
import nock from 'nock';
import { Client } from 'pg';
import { JWT_SECRET } from './helpers.ts';
import { suite } from './setup.ts';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const logged = (msg: string) => (line: LogLine) => typeof line.msg === 'string' && line.msg.includes(msg);

type PushService = { url: string; received: string[][]; close(): Promise<void> };

/**
 * A push service speaking Expo's API on loopback: tokens in `unregistered` get DeviceNotRegistered, the others ok;
 * each request is answered after `delayMs`.
 */
async function pushService(options: { unregistered?: Set<string>; delayMs?: number } = {}): Promise<PushService> {
  const received: string[][] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const messages = JSON.parse(body) as Array<{ to: string }>;
      received.push(messages.map((m) => m.to));
      const data = messages.map((m) =>
        options.unregistered?.has(m.to)
          ? { status: 'error', message: 'not registered', details: { error: 'DeviceNotRegistered' } }
          : { status: 'ok', id: randomUUID() },
      );
      setTimeout(
        () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ data })),
        options.delayMs ?? 0,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function startBff(env: Record<string, string>): Promise<ChildBff & { port: number; metricsPort: number }> {
  const bff = await spawnBff({
    cwd: PACKAGE_DIR,
    script: 'src/main.ts',
    env: {
      DATABASE_URL: suite.url(),
      TOKEN_SECRET: TEST_TOKEN_SECRET,
      JWT_SECRET,
      MOBILE_PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      REDIS_URL: '',
      ...env,
    },
  });
  return {
    ...bff,
    port: Number(new URL(bff.listening.url as string).port),
    metricsPort: bff.listening.metricsPort as number,
  };
}

/** A user with one device and push token; returns the token. */
async function userWithToken(): Promise<{ user: UserProfile; token: string }> {
  const ctx = suite.database().context();
  const user = await makeUser(ctx);
  const { session } = await startDeviceSession(ctx, {
    userId: user.id,
    device: { id: randomUUID(), name: 'Phone', platform: 'ios' },
  });
  const token = `ExponentPushToken[${randomBytes(11).toString('base64url')}]`;
  await registerPushToken(ctx, { userId: user.id, sessionId: session.id, token, platform: 'ios' });
  return { user, token };
}

/** Someone new follows `user`: one `user.followed` event in the outbox, for `user`'s devices. */
async function followedBySomeone(user: UserProfile): Promise<void> {
  const follower = await makeUser(suite.database().context());
  await followUser(suite.database().context(), { followerId: follower.id, username: user.username });
}

async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: suite.url() });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('bff-mobile runtime (main.ts in a child process)', function () {
  this.timeout(60_000);
  // The child talks to a loopback push service; nock only guards this process, and its socket interception would
  // hold back the raw connections these tests open.
  before(() => nock.restore());
  after(() => nock.activate());

  it('serves metrics on their own port: routes by template, app-version mix, push outcomes, rate limits, pool and outbox', async () => {
    const sent = await userWithToken();
    const gone = await userWithToken();
    const push = await pushService({ unregistered: new Set([gone.token]) });
    const bff = await startBff({ PUSH_BASE_URL: push.url });
    try {
      const base = `http://127.0.0.1:${bff.port}`;
      await followedBySomeone(sent.user);
      await followedBySomeone(gone.user);
      expect(
        (await fetch(`${base}/v1/users/ghost_mobile_4711`, { headers: { 'X-App-Version': '1.4.2' } })).status,
      ).to.equal(404);
      expect((await fetch(`${base}/v1/users/ghost_mobile_4711`)).status).to.equal(404);
      expect((await fetch(`${base}/v1/nothing/here/unmatched_mobile_4712`)).status).to.equal(404);
      const signIn = () =>
        fetch(`${base}/v1/auth/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            username: 'nobody_mobile_rl',
            password: 'not the password at all',
            device: { id: 'dev-rl', name: 'Phone', platform: 'ios' },
          }),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await signIn()).status);
      expect(statuses.at(-1)).to.equal(429);

      // Both follow events reach the push service (the dispatcher ticks every second).
      for (
        let i = 0;
        i < 100 && !(push.received.flat().includes(sent.token) && push.received.flat().includes(gone.token));
        i++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const text = await scrapeMetrics(bff.metricsPort);

      const requests = samples(text, 'http_server_request_duration_seconds_count');
      const find = (labels: Record<string, string>) =>
        requests.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      expect(
        find({ route: '/v1/users/:username', method: 'GET', status: '404', service: 'bff-mobile' })?.value,
      ).to.equal(2);
      expect(find({ route: 'unmatched', method: 'GET', status: '404' })?.value).to.equal(1);
      expect(text).not.to.include('ghost_mobile_4711');
      expect(text).not.to.include('nothing/here').and.not.to.include('unmatched_mobile_4712');
      expect(text).not.to.include('nobody_mobile_rl');

      const mix = samples(text, 'app_version_requests_total');
      expect(mix.find((s) => s.labels.api_version === 'v1' && s.labels.app_version === '1.4.2')?.value).to.equal(1);
      expect(
        mix.find((s) => s.labels.api_version === 'v1' && s.labels.app_version === 'unknown')?.value,
      ).to.be.at.least(13);

      const outcomes = Object.fromEntries(
        samples(text, 'push_notifications_total').map((s) => [s.labels.outcome, s.value]),
      );
      expect(outcomes.sent).to.be.at.least(1);
      expect(outcomes.dropped).to.be.at.least(1);

      const rejections = samples(text, 'rate_limit_rejections_total');
      expect(rejections.map((s) => s.labels.limiter)).to.deep.equal(['failedSignInsPerAccount']);
      expect(rejections[0]?.value).to.equal(statuses.filter((s) => s === 429).length);

      expect(samples(text, 'db_pool_max_connections')[0]?.value).to.equal(10);
      expect(samples(text, 'db_pool_waiting_requests')[0]?.value).to.equal(0);
      expect(samples(text, 'db_pool_acquire_seconds_count')[0]?.value).to.be.at.least(1);
      expect(samples(text, 'db_statement_timeouts_total')[0]?.value).to.equal(0);
      expect(samples(text, 'outbox_pending_events')[0]?.value).to.be.at.least(0);
      expect(samples(text, 'outbox_oldest_event_age_seconds')).to.have.length(1);
      expect(samples(text, 'fan_out_pending_posts')[0]?.value).to.equal(0);
      expect(samples(text, 'fan_out_oldest_post_age_seconds')[0]?.value).to.equal(0);
      expect(samples(text, 'http_server_requests_in_flight')).to.have.length(1);
      expect(samples(text, 'process_resident_memory_bytes')).to.have.length(1);
    } finally {
      bff.child.kill('SIGTERM');
      await bff.exited;
      await push.close();
    }
  });

  it('answers 503 unavailable with Retry-After at the statement timeout and counts it, while /readyz answers', async () => {
    const push = await pushService();
    const bff = await startBff({ PUSH_BASE_URL: push.url, DATABASE_STATEMENT_TIMEOUT_MS: '500' });
    const locker = new Client({ connectionString: suite.url() });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table users in access exclusive mode');
      const stuck = fetch(`http://127.0.0.1:${bff.port}/v1/users/locked_mobile`);
      const ready = await fetch(`http://127.0.0.1:${bff.port}/readyz`);
      expect(ready.status).to.equal(200);
      const answer = await stuck;
      expect(answer.status).to.equal(503);
      expect(answer.headers.get('retry-after')).to.equal('5');
      expect(((await answer.json()) as { code: string }).code).to.equal('unavailable');
      await locker.query('rollback');
      expect(samples(await scrapeMetrics(bff.metricsPort), 'db_statement_timeouts_total')[0]?.value).to.be.at.least(1);
      // Log lines reach stdout through a buffer flushed every 250 ms.
      await bff.waitForLog(logged('statement_timeout'), 2000);
    } finally {
      await locker.end();
      bff.child.kill('SIGTERM');
      await bff.exited;
      await push.close();
    }
  });

  it('on SIGTERM hands the outbox events it claimed but did not send back for another instance, and exits 0', async () => {
    const recipients = await Promise.all([1, 2, 3].map(() => userWithToken()));
    // Three events due before the BFF starts: its first tick claims them in one batch.
    for (const { user } of recipients) await followedBySomeone(user);
    // The push service answers slowly: the signal arrives while the first send of the batch is under way.
    const push = await pushService({ delayMs: 1500 });
    const bff = await startBff({ PUSH_BASE_URL: push.url, SHUTDOWN_GRACE_MS: '10000' });
    try {
      for (let i = 0; i < 100 && push.received.length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(push.received.length).to.equal(1);
      bff.child.kill('SIGTERM');
      expect(await bff.exited).to.equal(0);
      expect(await acceptsConnections(bff.port)).to.equal(false);

      const ids = recipients.map((r) => r.user.id);
      const events = await sql<{ processed: boolean; due: boolean; last_error: string | null }>(
        `select processed_at is not null as processed, available_at <= now() as due, last_error
         from outbox_events where type = 'user.followed' and payload->>'followeeId' = any($1::text[])`,
        [ids],
      );
      expect(events).to.have.length(3);
      const released = events.filter((e) => !e.processed);
      // Nothing is lost: each event was either sent, or handed back due at once with the reason recorded.
      expect(released.length).to.be.at.least(1);
      for (const event of released)
        expect(event).to.deep.equal({ processed: false, due: true, last_error: 'released at shutdown' });
    } finally {
      bff.kill();
      await push.close();
    }
  });
});
