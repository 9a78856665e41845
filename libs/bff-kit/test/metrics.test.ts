// The kit's metrics in process: what a scrape shows, and that no label can grow without bound.
import { expect } from 'chai';
import { createMetrics, reportRateLimited, serveMetrics, type Metrics } from '../src/metrics.ts';
import { samples, scrapeMetrics } from '../src/testing.ts';

type Ctx = { method: string; status: number; _matchedRoute?: string };

async function request(
  metrics: Metrics,
  ctx: Ctx,
  handler: (ctx: Ctx) => void | Promise<void> = () => undefined,
): Promise<void> {
  await metrics.requests()(ctx, async () => handler(ctx));
}

describe('metrics', () => {
  let metrics: Metrics;
  beforeEach(() => {
    metrics = createMetrics({ service: 'kit-test', defaultMetrics: false, maxAppVersions: 3 });
  });
  afterEach(() => metrics.close());

  it('labels requests by route template, a fixed "unmatched", a bounded method and the status; a thrown error counts as 500', async () => {
    await request(metrics, { method: 'GET', status: 404, _matchedRoute: '/v1/users/:username' });
    await request(metrics, { method: 'GET', status: 404 });
    await request(metrics, { method: 'BREW', status: 501 });
    await request(metrics, { method: 'POST', status: 404, _matchedRoute: '/v1/posts' }, () => {
      throw new Error('escaped');
    }).catch(() => undefined);
    const counts = samples(await metrics.scrape(), 'http_server_request_duration_seconds_count').map((s) => s.labels);
    expect(counts).to.deep.include.members([
      { route: '/v1/users/:username', method: 'GET', status: '404', service: 'kit-test' },
      { route: 'unmatched', method: 'GET', status: '404', service: 'kit-test' },
      { route: 'unmatched', method: 'OTHER', status: '501', service: 'kit-test' },
      { route: '/v1/posts', method: 'POST', status: '500', service: 'kit-test' },
    ]);
    expect(samples(await metrics.scrape(), 'http_server_requests_in_flight')[0]?.value).to.equal(0);
  });

  it('counts requests in flight while they run', async () => {
    let during = -1;
    await request(metrics, { method: 'GET', status: 200 }, async () => {
      during = samples(await metrics.scrape(), 'http_server_requests_in_flight')[0]?.value ?? -1;
    });
    expect(during).to.equal(1);
  });

  it('caps the distinct app versions per API version, the rest counting as "other"', async () => {
    for (const version of ['1.0.0', '1.1.0', 'unknown', '1.2.0', '1.3.0', '1.0.0'])
      metrics.appVersionSeen('v1', version);
    const mix = samples(await metrics.scrape(), 'app_version_requests_total').map((s) => [
      s.labels.app_version,
      s.value,
    ]);
    expect(Object.fromEntries(mix)).to.deep.equal({ '1.0.0': 2, '1.1.0': 1, unknown: 1, other: 2 });
  });

  it('reports the app version counts as totals, the same on every scrape until more requests come', async () => {
    const counted = async () =>
      samples(await metrics.scrape(), 'app_version_requests_total').map((s) => [
        `${s.labels.api_version} ${s.labels.app_version}`,
        s.value,
      ]);
    metrics.appVersionSeen('v1', '2.0.0');
    metrics.appVersionSeen('v1', '2.0.0');
    metrics.appVersionSeen('v2', '2.0.0');
    expect(await counted()).to.have.deep.members([
      ['v1 2.0.0', 2],
      ['v2 2.0.0', 1],
    ]);
    expect(await counted()).to.have.deep.members([
      ['v1 2.0.0', 2],
      ['v2 2.0.0', 1],
    ]);
    metrics.appVersionSeen('v1', '2.0.0');
    expect(await counted()).to.have.deep.members([
      ['v1 2.0.0', 3],
      ['v2 2.0.0', 1],
    ]);
  });

  it('counts rate-limit rejections by limiter name, and a name that is not one as "other"', async () => {
    reportRateLimited('postsPerUser');
    reportRateLimited('postsPerUser');
    reportRateLimited('user 42 at /v1/posts?x=1');
    const rejections = samples(await metrics.scrape(), 'rate_limit_rejections_total').map((s) => [
      s.labels.limiter,
      s.value,
    ]);
    expect(Object.fromEntries(rejections)).to.deep.equal({ postsPerUser: 2, other: 1 });
  });

  it('samples the pool at scrape time, and the outbox and fan-out gauges say NaN (unknown) when their query fails', async () => {
    let failing = false;
    metrics.observeDatabase({
      poolStats: () => ({ size: 4, idle: 1, waiting: 2, max: 10 }),
      outboxBacklog: async () => {
        if (failing) throw new Error('statement timeout');
        return { pending: 7, oldestAgeSeconds: 12.5, pendingFanOuts: 3, oldestFanOutAgeSeconds: 1.5 };
      },
    });
    let text = await metrics.scrape();
    expect(samples(text, 'db_pool_connections')[0]?.value).to.equal(4);
    expect(samples(text, 'db_pool_idle_connections')[0]?.value).to.equal(1);
    expect(samples(text, 'db_pool_waiting_requests')[0]?.value).to.equal(2);
    expect(samples(text, 'db_pool_max_connections')[0]?.value).to.equal(10);
    expect(samples(text, 'outbox_pending_events')[0]?.value).to.equal(7);
    expect(samples(text, 'outbox_oldest_event_age_seconds')[0]?.value).to.equal(12.5);
    expect(samples(text, 'fan_out_pending_posts')[0]?.value).to.equal(3);
    expect(samples(text, 'fan_out_oldest_post_age_seconds')[0]?.value).to.equal(1.5);
    failing = true;
    await new Promise((resolve) => setImmediate(resolve));
    text = await metrics.scrape();
    expect(samples(text, 'outbox_pending_events')[0]?.value).to.be.NaN;
    expect(samples(text, 'outbox_oldest_event_age_seconds')[0]?.value).to.be.NaN;
    expect(samples(text, 'fan_out_pending_posts')[0]?.value).to.be.NaN;
    expect(samples(text, 'db_pool_connections')[0]?.value).to.equal(4);
  });

  it('serves GET /metrics on its own port and nothing else', async () => {
    metrics.statementTimedOut();
    metrics.pushed('retried');
    const server = await serveMetrics(metrics, 0, '127.0.0.1');
    try {
      const text = await scrapeMetrics(server.port);
      expect(samples(text, 'db_statement_timeouts_total')[0]?.value).to.equal(1);
      expect(samples(text, 'push_notifications_total')).to.deep.equal([
        { labels: { outcome: 'retried', service: 'kit-test' }, value: 1 },
      ]);
      expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).to.equal(404);
      expect((await fetch(`http://127.0.0.1:${server.port}/metrics`, { method: 'POST' })).status).to.equal(404);
    } finally {
      await server.close();
    }
  });

  it('keeps each registry its own: two in one process do not see each other', async () => {
    const other = createMetrics({ service: 'other', defaultMetrics: true });
    try {
      metrics.statementTimedOut();
      expect(samples(await other.scrape(), 'db_statement_timeouts_total')[0]?.value).to.equal(0);
      expect(samples(await other.scrape(), 'process_cpu_seconds_total')).to.have.length(1);
    } finally {
      other.close();
    }
  });
});
