// The throttles of API.md, counted in Redis when REDIS_URL is set (shared by every instance), else in memory.
import { once } from 'node:events';
import { reportRateLimited } from '@microblog/bff-kit/metrics';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { HttpProblem } from './problem.ts';

/** `points` per `durationSeconds`. */
export type Limit = { points: number; durationSeconds: number };

/** Every throttle; tests override some with small numbers. */
export type Limits = {
  failedSignInsPerAccount: Limit;
  signInAttemptsPerAddress: Limit;
  signUpsPerAddress: Limit;
  postsPerUser: Limit;
};

export const DEFAULT_LIMITS: Limits = {
  failedSignInsPerAccount: { points: 10, durationSeconds: 15 * 60 },
  signInAttemptsPerAddress: { points: 100, durationSeconds: 15 * 60 },
  signUpsPerAddress: { points: 20, durationSeconds: 3600 },
  postsPerUser: { points: 300, durationSeconds: 3600 },
};

/** The limiters, by throttle, plus the Redis connection's readiness and release. */
export type RateLimiters = { [K in keyof Limits]: RateLimiterAbstract } & {
  /** Resolves once Redis is connected (at once without Redis); until then counts fall back to memory. */
  ready(): Promise<void>;
  close(): Promise<void>;
};

/** Builds the limiters over Redis (when a URL is given) or memory. */
export function createRateLimiters(limits: Partial<Limits>, redisUrl: string | null): RateLimiters {
  const all: Limits = { ...DEFAULT_LIMITS, ...limits };
  const redis = redisUrl ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : null;
  const make = (name: keyof Limits): RateLimiterAbstract => {
    const options = { keyPrefix: `bff-mobile:${name}`, points: all[name].points, duration: all[name].durationSeconds };
    if (!redis) return new RateLimiterMemory(options);
    // If Redis is briefly gone, count in memory rather than fail the request.
    return new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) });
  };
  return {
    failedSignInsPerAccount: make('failedSignInsPerAccount'),
    signInAttemptsPerAddress: make('signInAttemptsPerAddress'),
    signUpsPerAddress: make('signUpsPerAddress'),
    postsPerUser: make('postsPerUser'),
    ready: async () => {
      if (redis && redis.status !== 'ready') await once(redis, 'ready');
    },
    close: async () => {
      // QUIT needs a live connection; one still connecting (or never reached) is simply dropped.
      if (redis?.status === 'ready') await redis.quit();
      else redis?.disconnect();
    },
  };
}

function tooMany(msBeforeNext: number, limiter: RateLimiterAbstract): HttpProblem {
  reportRateLimited(limiter.keyPrefix.replace(/^bff-mobile:/, ''));
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new HttpProblem(429, 'rate_limited', 'too many requests; try again later', {
    headers: { 'Retry-After': String(seconds) },
  });
}

/** Counts one event; throws 429 rate_limited (with Retry-After) when the limit is exceeded. */
export async function consume(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw tooMany(rejection.msBeforeNext, limiter);
    throw rejection;
  }
}

/** Throws 429 when the limit is already used up, without counting (failed sign-ins count only on failure). */
export async function ensureNotExhausted(limiter: RateLimiterAbstract, key: string): Promise<void> {
  const state = await limiter.get(key);
  if (state && state.consumedPoints >= limiter.points) throw tooMany(state.msBeforeNext, limiter);
}

/** Counts one event without ever throwing 429 (the next request is the one refused). */
export async function record(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
  }
}
