// API.md's throttles, counted with rate-limiter-flexible: in Redis when configured (shared by every instance, with
// an in-memory fallback while it is unreachable), in memory otherwise. Limits are injectable so tests use small numbers.
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { reportRateLimited } from './metrics.ts';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { HttpProblem } from './problem.ts';

/** `points` events per `durationSeconds`. */
export type Limit = { points: number; durationSeconds: number };

/** Every throttle a BFF applies. */
export type RateLimits = {
  failedSignInsPerAccount: Limit;
  signInAttemptsPerAddress: Limit;
  signUpsPerAddress: Limit;
  postsPerUser: Limit;
};

/** API.md's numbers. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  failedSignInsPerAccount: { points: 10, durationSeconds: 15 * 60 },
  signInAttemptsPerAddress: { points: 100, durationSeconds: 15 * 60 },
  signUpsPerAddress: { points: 20, durationSeconds: 3600 },
  postsPerUser: { points: 300, durationSeconds: 3600 },
};

/** The throttle checks routes call; each throws 429 rate_limited with Retry-After when over. */
export type Throttles = {
  signInAttempt(address: string): Promise<void>;
  /** 429 when the account's failed sign-ins are used up, without counting. */
  assertAccountNotLocked(accountKey: string): Promise<void>;
  recordFailedSignIn(accountKey: string): Promise<void>;
  clearFailedSignIns(accountKey: string): Promise<void>;
  signUp(address: string): Promise<void>;
  post(userId: string): Promise<void>;
  /** Gives back what `post` counted, for a request that turned out not to be a new post (an idempotent replay). */
  refundPost(userId: string): Promise<void>;
  /** Resolves once Redis is connected (at once without Redis); until then counts fall back to memory. */
  ready(): Promise<void>;
  /** Releases the Redis connection the throttles opened (one passed in stays open). */
  close(): Promise<void>;
};

// Each refusal is announced under the limit's name (its RateLimits key), for the rate_limit_rejections_total metric.
function rateLimited(msBeforeNext: number, limit: keyof RateLimits): HttpProblem {
  reportRateLimited(limit);
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new HttpProblem(429, 'rate_limited', 'too many requests; try again later', {
    headers: { 'Retry-After': String(seconds) },
  });
}

async function consume(limiter: RateLimiterAbstract, key: string, limit: keyof RateLimits): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw rateLimited(rejection.msBeforeNext, limit);
    throw rejection;
  }
}

/**
 * The throttles of the BFF named `prefix` (the key prefix in Redis), over Redis when `redis` is a URL or a client,
 * in memory when it is null.
 */
export function createThrottles(prefix: string, limits: Partial<RateLimits>, redis: Redis | string | null): Throttles {
  const all: RateLimits = { ...DEFAULT_RATE_LIMITS, ...limits };
  const ours = typeof redis === 'string';
  // enableOfflineQueue off: a dead Redis fails fast, and the limiters fall back to memory.
  const client =
    typeof redis === 'string' ? new Redis(redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : redis;
  const make = (name: string, limit: Limit): RateLimiterAbstract => {
    const options = { keyPrefix: `${prefix}:${name}`, points: limit.points, duration: limit.durationSeconds };
    if (client === null) return new RateLimiterMemory(options);
    return new RateLimiterRedis({ ...options, storeClient: client, insuranceLimiter: new RateLimiterMemory(options) });
  };
  const failedSignIns = make('failed-sign-in', all.failedSignInsPerAccount);
  const signIns = make('sign-in', all.signInAttemptsPerAddress);
  const signUps = make('sign-up', all.signUpsPerAddress);
  const posts = make('post', all.postsPerUser);
  return {
    signInAttempt: (address) => consume(signIns, address, 'signInAttemptsPerAddress'),
    async assertAccountNotLocked(accountKey) {
      const state = await failedSignIns.get(accountKey);
      if (state !== null && state.consumedPoints >= all.failedSignInsPerAccount.points)
        throw rateLimited(state.msBeforeNext, 'failedSignInsPerAccount');
    },
    async recordFailedSignIn(accountKey) {
      await failedSignIns.penalty(accountKey, 1);
    },
    async clearFailedSignIns(accountKey) {
      await failedSignIns.delete(accountKey);
    },
    signUp: (address) => consume(signUps, address, 'signUpsPerAddress'),
    post: (userId) => consume(posts, userId, 'postsPerUser'),
    async refundPost(userId) {
      await posts.reward(userId, 1);
    },
    async ready() {
      if (client !== null && client.status !== 'ready') await once(client, 'ready');
    },
    async close() {
      if (!ours || client === null) return;
      // QUIT needs a live connection; one still connecting (or never reached) is simply dropped.
      if (client.status === 'ready') await client.quit();
      else client.disconnect();
    },
  };
}
