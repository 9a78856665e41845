import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { createThrottles, type Throttles } from '../src/index.ts';

// The Redis path of the throttles (REDIS_URL): counters shared by every instance of the BFF.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisAnswers(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

describe('throttles shared through Redis', () => {
  const opened: Throttles[] = [];
  before(async function () {
    if (await redisAnswers()) return;
    if (process.env.REQUIRE_REDIS === '1') throw new Error(`REQUIRE_REDIS=1 but no Redis answers at ${REDIS_URL}`);
    console.log(
      `      (no Redis at ${REDIS_URL}: the shared-counter tests are skipped; set TEST_REDIS_URL or REQUIRE_REDIS=1)`,
    );
    this.skip();
  });
  after(async () => {
    for (const limiters of opened) await limiters.close();
  });

  it('when two instances count sign-ups from one address, then the limit holds across both, with Retry-After', async () => {
    const instance = () => {
      const limiters = createThrottles(
        'bff-kit-test',
        { signUpsPerAddress: { points: 2, durationSeconds: 60 } },
        REDIS_URL,
      );
      opened.push(limiters);
      return limiters;
    };
    const [a, b] = [instance(), instance()];
    await Promise.all([a.ready(), b.ready()]);
    const address = `198.51.100.${randomBytes(2).readUInt16BE()}-${randomBytes(4).toString('hex')}`;
    await a.signUp(address);
    await b.signUp(address);
    const refused = await a.signUp(address).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).to.include({ status: 429, code: 'rate_limited' });
    expect(Number((refused as { headers: Record<string, string> }).headers['Retry-After'])).to.be.within(1, 60);
    await a.signUp(`${address}-other`);
  });
});
