// API.md's throttles, counted with rate-limiter-flexible: in Redis when configured (shared by every
// instance), in memory otherwise. Limits are injectable so tests can use small numbers.
import { reportRateLimited } from '@microblog/bff-kit/metrics';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { HttpProblem } from './problem.ts';

/** `points` events per `durationSeconds`. */
export type Limit = { points: number; durationSeconds: number };

/** Every throttle bff-web applies. */
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

/** The throttle checks the routes call; each throws 429 rate_limited with Retry-After when over. */
export type Throttles = {
  signInAttempt(address: string): Promise<void>;
  assertAccountNotLocked(usernameKey: string): Promise<void>;
  recordFailedSignIn(usernameKey: string): Promise<void>;
  clearFailedSignIns(usernameKey: string): Promise<void>;
  signUp(address: string): Promise<void>;
  post(userId: string): Promise<void>;
};

function rateLimited(msBeforeNext: number, limiter: keyof RateLimits): HttpProblem {
  reportRateLimited(limiter);
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new HttpProblem(429, 'rate_limited', 'too many attempts; try again later', { headers: { 'Retry-After': String(seconds) } });
}

async function consume(limiter: RateLimiterAbstract, key: string, name: keyof RateLimits): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw rateLimited(rejection.msBeforeNext, name);
    throw rejection;
  }
}

/** Builds the limiters over Redis (with an in-memory fallback while it is unreachable) or memory. */
export function createThrottles(limits: RateLimits, redis: Redis | null): Throttles {
  const make = (name: string, limit: Limit): RateLimiterAbstract => {
    const options = { keyPrefix: `bff-web:${name}`, points: limit.points, duration: limit.durationSeconds };
    if (redis === null) return new RateLimiterMemory(options);
    return new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) });
  };
  const failedSignIns = make('failed-sign-in', limits.failedSignInsPerAccount);
  const signIns = make('sign-in', limits.signInAttemptsPerAddress);
  const signUps = make('sign-up', limits.signUpsPerAddress);
  const posts = make('post', limits.postsPerUser);
  return {
    signInAttempt: (address) => consume(signIns, address, 'signInAttemptsPerAddress'),
    async assertAccountNotLocked(usernameKey) {
      const state = await failedSignIns.get(usernameKey);
      if (state !== null && state.consumedPoints >= limits.failedSignInsPerAccount.points) throw rateLimited(state.msBeforeNext, 'failedSignInsPerAccount');
    },
    async recordFailedSignIn(usernameKey) {
      await failedSignIns.penalty(usernameKey, 1);
    },
    async clearFailedSignIns(usernameKey) {
      await failedSignIns.delete(usernameKey);
    },
    signUp: (address) => consume(signUps, address, 'signUpsPerAddress'),
    post: (userId) => consume(posts, userId, 'postsPerUser'),
  };
}
