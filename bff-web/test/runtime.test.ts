// bff-web as an operator runs it: the real main.ts in a child process against the suite's PostgreSQL. Its metrics
// port, statement timeouts under a locked table, readiness while the pool is exhausted, and graceful shutdown.
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import nock from 'nock';
import { Client } from 'pg';
import {
  acceptsConnections,
  samples,
  scrapeMetrics,
  spawnBff,
  type ChildBff,
  type LogLine,
} from '@microblog/bff-kit/testing';
import { TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import { TEST_JWT_SECRET } from './helpers.ts';
import { suite } from './setup.ts';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

async function startBff(env: Record<string, string> = {}): Promise<ChildBff & { port: number; metricsPort: number }> {
  const bff = await spawnBff({
    cwd: PACKAGE_DIR,
    script: 'src/main.ts',
    env: {
      DATABASE_URL: suite.url(),
      TOKEN_SECRET: TEST_TOKEN_SECRET,
      JWT_SECRET: TEST_JWT_SECRET,
      WEB_PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      REDIS_URL: '',
      ...env,
    },
  });
  return { ...bff, port: bff.listening.port as number, metricsPort: bff.listening.metricsPort as number };
}

/** Holds an ACCESS EXCLUSIVE lock on the users table from a connection of its own until `release()`. */
async function lockUsers(): Promise<{ release(): Promise<void> }> {
  const client = new Client({ connectionString: suite.url() });
  await client.connect();
  await client.query('begin');
  await client.query('lock table users in access exclusive mode');
  return {
    async release() {
      await client.query('rollback').catch(() => undefined);
      await client.end();
    },
  };
}

const logged = (msg: string) => (line: LogLine) => typeof line.msg === 'string' && line.msg.includes(msg);

describe('bff-web runtime (main.ts in a child process)', function () {
  this.timeout(60_000);

  describe('metrics on their own port', () => {
    let bff: Awaited<ReturnType<typeof startBff>>;
    before(async () => {
      bff = await startBff();
    });
    after(async () => {
      bff.child.kill('SIGTERM');
      await bff.exited;
    });

    it('counts requests by route template, method and status, with a fixed label for unknown paths and no raw path', async () => {
      const base = `http://127.0.0.1:${bff.port}`;
      expect((await fetch(`${base}/api/v1/users/ghost_user_4711`)).status).to.equal(404);
      expect((await fetch(`${base}/api/v1/no/such/route/unmatched_web_4712`)).status).to.equal(404);
      expect((await fetch(`${base}/readyz`)).status).to.equal(200);
      const text = await scrapeMetrics(bff.metricsPort);

      const requests = samples(text, 'http_server_request_duration_seconds_count');
      const find = (labels: Record<string, string>) =>
        requests.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      expect(
        find({ route: '/api/v1/users/:username', method: 'GET', status: '404', service: 'bff-web' })?.value,
      ).to.equal(1);
      expect(find({ route: 'unmatched', method: 'GET', status: '404' })?.value).to.equal(1);
      expect(find({ route: '/readyz', method: 'GET', status: '200' })?.value).to.equal(1);
      expect(text).not.to.include('ghost_user_4711');
      expect(text).not.to.include('no/such/route').and.not.to.include('unmatched_web_4712');
      for (const sample of requests)
        expect(Object.keys(sample.labels).sort()).to.deep.equal(['method', 'route', 'service', 'status']);

      expect(samples(text, 'http_server_requests_in_flight')).to.have.length(1);
      expect(samples(text, 'db_pool_max_connections')[0]?.value).to.equal(10);
      expect(samples(text, 'db_pool_connections')[0]?.value).to.be.at.least(1);
      expect(samples(text, 'db_pool_idle_connections')).to.have.length(1);
      expect(samples(text, 'db_pool_waiting_requests')[0]?.value).to.equal(0);
      expect(samples(text, 'db_pool_acquire_seconds_count')[0]?.value).to.be.at.least(1);
      expect(samples(text, 'db_statement_timeouts_total')[0]?.value).to.equal(0);
      expect(samples(text, 'outbox_pending_events')[0]?.value).to.be.at.least(0);
      expect(samples(text, 'outbox_oldest_event_age_seconds')[0]?.value).to.be.at.least(0);
      expect(samples(text, 'process_cpu_seconds_total')).to.have.length(1);
      expect(samples(text, 'nodejs_eventloop_lag_seconds')).to.have.length(1);
    });

    it('counts rate-limit rejections by limiter', async () => {
      const base = `http://127.0.0.1:${bff.port}`;
      const signIn = () =>
        fetch(`${base}/api/v1/session`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-CSRF': '1' },
          body: JSON.stringify({ username: 'nobody_rl_test', password: 'not the password at all' }),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await signIn()).status);
      expect(statuses.at(-1)).to.equal(429);
      const text = await scrapeMetrics(bff.metricsPort);
      const rejections = samples(text, 'rate_limit_rejections_total');
      expect(rejections.map((s) => s.labels.limiter)).to.deep.equal(['failedSignInsPerAccount']);
      expect(rejections[0]?.value).to.equal(statuses.filter((s) => s === 429).length);
      expect(text).not.to.include('nobody_rl_test');
    });

    it('serves nothing but /metrics there, and the public port does not serve /metrics', async () => {
      expect((await fetch(`http://127.0.0.1:${bff.metricsPort}/`)).status).to.equal(404);
      expect((await fetch(`http://127.0.0.1:${bff.port}/metrics`)).headers.get('content-type')).not.to.match(
        /openmetrics|text\/plain; version/,
      );
    });
  });

  describe('with the users table locked by another connection', () => {
    let bff: Awaited<ReturnType<typeof startBff>>;
    before(async () => {
      bff = await startBff({ DATABASE_STATEMENT_TIMEOUT_MS: '1500' });
    });
    after(async () => {
      bff.child.kill('SIGTERM');
      await bff.exited;
    });

    it('answers 503 unavailable with Retry-After at the statement timeout, counts and logs it, and /readyz stays quick while the pool is exhausted', async () => {
      const base = `http://127.0.0.1:${bff.port}`;
      const lock = await lockUsers();
      try {
        const stuck = Array.from({ length: 12 }, (_, i) => fetch(`${base}/api/v1/users/locked_${i}`));
        // Wait until every pooled connection is stuck on the lock and requests queue behind them.
        let during = '';
        for (let i = 0; i < 50; i++) {
          during = await scrapeMetrics(bff.metricsPort);
          if ((samples(during, 'db_pool_waiting_requests')[0]?.value ?? 0) > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(samples(during, 'db_pool_connections')[0]?.value).to.equal(10);
        expect(samples(during, 'db_pool_idle_connections')[0]?.value).to.equal(0);
        expect(samples(during, 'db_pool_waiting_requests')[0]?.value).to.be.at.least(1);

        const started = Date.now();
        const ready = await fetch(`${base}/readyz`);
        const readyMs = Date.now() - started;
        expect(ready.status).to.equal(200);
        expect(readyMs).to.be.below(1000);

        const answers = await Promise.all(stuck);
        for (const answer of answers) {
          expect(answer.status).to.equal(503);
          expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
          expect(answer.headers.get('retry-after')).to.equal('5');
          expect(((await answer.json()) as { code: string }).code).to.equal('unavailable');
        }
      } finally {
        await lock.release();
      }
      const after = await scrapeMetrics(bff.metricsPort);
      expect(samples(after, 'db_statement_timeouts_total')[0]?.value).to.be.at.least(10);
      // Log lines reach stdout through a buffer flushed every 250 ms.
      await bff.waitForLog(() => bff.logs.filter(logged('statement_timeout')).length >= 10, 2000);
      expect(bff.logs.filter(logged('statement_timeout')).length).to.be.at.least(10);
      expect(bff.logs.find(logged('statement_timeout'))?.level).to.equal('warn');
    });
  });

  describe('on SIGTERM', () => {
    // nock's socket interception connects a raw socket only once it has seen whole request headers; these tests
    // need a connection that is really open before the signal.
    before(() => nock.restore());
    after(() => nock.activate());

    it('turns /readyz 503 at once, refuses new connections, lets the request in flight finish, and exits 0', async () => {
      const bff = await startBff({ SHUTDOWN_GRACE_MS: '10000', DATABASE_STATEMENT_TIMEOUT_MS: '8000' });
      const lock = await lockUsers();
      try {
        const inFlight = fetch(`http://127.0.0.1:${bff.port}/api/v1/users/in_flight_user`);
        // A readiness probe whose request began before the signal and ends after it.
        const probe = net.connect(bff.port, '127.0.0.1');
        await new Promise((resolve) => probe.once('connect', resolve));
        probe.write('GET /readyz HTTP/1.1\r\nHost: bff\r\n');
        await new Promise((resolve) => setTimeout(resolve, 200));

        bff.child.kill('SIGTERM');
        await bff.waitForLog(logged('shutting down'));
        const answer = new Promise<string>((resolve) => {
          let text = '';
          probe.setEncoding('utf8');
          probe.on('data', (chunk: string) => (text += chunk));
          probe.on('close', () => resolve(text));
        });
        probe.write('\r\n');
        const raw = await answer;
        expect(raw).to.match(/^HTTP\/1\.1 503 /);
        expect(raw).to.match(/content-type: application\/problem\+json/i);
        expect(raw).to.match(/retry-after: 5/i);
        expect(raw).to.include('"code":"unavailable"');
        expect(await acceptsConnections(bff.port)).to.equal(false);

        await lock.release();
        const finished = await inFlight;
        expect(finished.status).to.equal(404);
        expect(await bff.exited).to.equal(0);
        expect(bff.logs.find(logged('stopped'))?.exitCode).to.equal(0);
      } finally {
        await lock.release().catch(() => undefined);
        bff.kill();
      }
    });

    it('cuts a request still hung after SHUTDOWN_GRACE_MS, logs it, and exits non-zero', async () => {
      const bff = await startBff({ SHUTDOWN_GRACE_MS: '500', DATABASE_STATEMENT_TIMEOUT_MS: '20000' });
      const lock = await lockUsers();
      try {
        const hung = fetch(`http://127.0.0.1:${bff.port}/api/v1/users/hung_user`).then(
          (response) => response.status,
          (error: Error) => error,
        );
        await new Promise((resolve) => setTimeout(resolve, 200));
        bff.child.kill('SIGTERM');
        expect(await bff.exited).to.equal(1);
        const cut = bff.logs.find(logged('grace period ran out'));
        expect(cut?.level).to.equal('error');
        expect(cut?.openConnections).to.equal(1);
        expect(await hung).to.be.instanceOf(Error);
      } finally {
        await lock.release();
        bff.kill();
      }
    });
  });
});
