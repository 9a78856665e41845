import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { createThrottles, DEFAULT_RATE_LIMITS } from '../src/index.ts';

// The Redis path of the throttles (REDIS_URL): counters shared by every instance of the BFF.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('throttles shared through Redis', () => {
  const clients: Redis[] = [];
  before(async function () {
    const probe = new Redis(REDIS_URL, {
      lazyConnect: true,
      connectTimeout: 500,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const answers = await probe
      .connect()
      .then(() => probe.ping())
      .then(
        (pong) => pong === 'PONG',
        () => false,
      );
    probe.disconnect();
    if (answers) return;
    if (process.env.REQUIRE_REDIS === '1') throw new Error(`REQUIRE_REDIS=1 but no Redis answers at ${REDIS_URL}`);
    console.log(
      `      (no Redis at ${REDIS_URL}: the shared-counter tests are skipped; set TEST_REDIS_URL or REQUIRE_REDIS=1)`,
    );
    this.skip();
  });
  after(() => {
    for (const client of clients) client.disconnect();
  });

  it('when an account fails to sign in on two instances, then the lock counts both and a success clears it', async () => {
    const instance = () => {
      const client = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      clients.push(client);
      return createThrottles(
        'bff-kit-test',
        { ...DEFAULT_RATE_LIMITS, failedSignInsPerAccount: { points: 2, durationSeconds: 60 } },
        client,
      );
    };
    const [a, b] = [instance(), instance()];
    // Without an offline queue a command sent before the connection is up goes to the in-memory fallback.
    await Promise.all(clients.map((client) => (client.status === 'ready' ? null : once(client, 'ready'))));
    const account = `redis_${randomBytes(5).toString('hex')}`;
    await a.recordFailedSignIn(account);
    await a.assertAccountNotLocked(account);
    await b.recordFailedSignIn(account);
    const locked = await a.assertAccountNotLocked(account).then(
      () => null,
      (error: unknown) => error,
    );
    expect(locked).to.include({ status: 429, code: 'rate_limited' });
    await b.clearFailedSignIns(account);
    await a.assertAccountNotLocked(account);
  });

  it('when a counted post is refunded (it was a replay), then it no longer counts on any instance', async () => {
    const instance = () => {
      const client = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      clients.push(client);
      return createThrottles('bff-kit-test', { postsPerUser: { points: 2, durationSeconds: 60 } }, client);
    };
    const [a, b] = [instance(), instance()];
    await Promise.all(clients.map((client) => (client.status === 'ready' ? null : once(client, 'ready'))));
    const user = `poster_${randomBytes(5).toString('hex')}`;
    await a.post(user);
    await b.post(user);
    await a.refundPost(user);
    await b.post(user);
    const over = await a.post(user).then(
      () => null,
      (error: unknown) => error,
    );
    expect(over).to.include({ status: 429, code: 'rate_limited' });
  });
});
