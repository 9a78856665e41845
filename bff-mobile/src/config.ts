// The environment, read once and validated: a bad value stops the start with a message naming the variable.
import { parseVersion } from './semver.ts';

/** Everything bff-mobile reads from the environment. */
export type Config = {
  /** PostgreSQL URL; required by main.ts (tests open their own database). */
  databaseUrl: string | null;
  /** Read replicas for timeline, profile and search reads (DATABASE_REPLICA_URLS, comma-separated). */
  databaseReplicaUrls: string[];
  port: number;
  /** Domain secret: cursors, sync tokens and refresh tokens are signed with keys derived from it. */
  tokenSecret: string;
  /** HS256 secret of the access JWTs. */
  jwtSecret: string;
  /** Rate-limit counters go to Redis when set, to memory otherwise. */
  redisUrl: string | null;
  /** Take the client address from the nearest X-Forwarded-For hop. */
  trustProxy: boolean;
  logLevel: LogLevel;
  /** Apps older than this get 426 upgrade_required. */
  minAppVersion: string;
  /** Base URL of the Expo-style push service. */
  pushBaseUrl: string;
  /** Expo access token sent to the push service, when the project requires one. */
  pushAccessToken: string | undefined;
  /** How long the refresh token rotated last may be presented again without revoking the session. */
  refreshReuseGraceMs: number;
  /** Lifetime of an access token in seconds (900). */
  accessTokenTtlSeconds: number;
  production: boolean;
};

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Env = Record<string, string | undefined>;

function fail(name: string, why: string): never {
  throw new Error(`${name} ${why}`);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw)) fail(name, `must be an integer, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) fail(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function secret(env: Env, name: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') fail(name, 'is required (at least 32 bytes)');
  if (Buffer.byteLength(raw) < 32) fail(name, 'must be at least 32 bytes long');
  return raw;
}

function url(env: Env, name: string, fallback: string | null, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    fail(name, 'must be a URL');
  }
  if (!protocols.includes(parsed.protocol)) fail(name, `must be a ${protocols.join(' or ')} URL`);
  return raw;
}

function flag(env: Env, name: string): boolean {
  const raw = (env[name] ?? '').toLowerCase();
  if (['', '0', 'false', 'off', 'no'].includes(raw)) return false;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  fail(name, 'must be on/off (true/false, 1/0)');
}

/** Reads and validates the configuration from `env` (process.env by default). */
export function loadConfig(env: Env = process.env): Config {
  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) fail('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const minAppVersion = env.MIN_APP_VERSION || '1.0.0';
  if (parseVersion(minAppVersion) === null) fail('MIN_APP_VERSION', 'must be a semantic version like 1.4.0');
  const tokenSecret = secret(env, 'TOKEN_SECRET');
  const jwtSecret = secret(env, 'JWT_SECRET');
  if (tokenSecret === jwtSecret) fail('JWT_SECRET', 'must differ from TOKEN_SECRET');
  return {
    databaseUrl: url(env, 'DATABASE_URL', null, ['postgres:', 'postgresql:']),
    databaseReplicaUrls: (env.DATABASE_REPLICA_URLS ?? '').split(',').filter((u) => u.trim() !== '')
      .map((u) => url({ DATABASE_REPLICA_URLS: u.trim() }, 'DATABASE_REPLICA_URLS', null, ['postgres:', 'postgresql:']) ?? ''),
    port: integer(env, 'MOBILE_PORT', 3001, 0, 65535),
    tokenSecret,
    jwtSecret,
    redisUrl: url(env, 'REDIS_URL', null, ['redis:', 'rediss:']),
    trustProxy: flag(env, 'TRUST_PROXY'),
    logLevel,
    minAppVersion,
    pushBaseUrl: url(env, 'PUSH_BASE_URL', 'https://exp.host', ['https:', 'http:']) ?? 'https://exp.host',
    pushAccessToken: env.PUSH_ACCESS_TOKEN || undefined,
    refreshReuseGraceMs: integer(env, 'REFRESH_REUSE_GRACE_MS', 5000, 0, 600_000),
    accessTokenTtlSeconds: 900,
    production: env.NODE_ENV === 'production',
  };
}
