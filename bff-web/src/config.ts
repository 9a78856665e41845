// bff-web's configuration, read from the environment once at start-up; a bad value names its variable.
import { readIdentityProviders, type IdentityProviderSetting } from '@microblog/domain';

/** Everything bff-web reads from the environment. */
export type Config = {
  /** PostgreSQL URL (required by main.ts; tests open their own database). */
  databaseUrl: string | null;
  /** Read replicas for timeline, profile and search reads (DATABASE_REPLICA_URLS, comma-separated). */
  databaseReplicaUrls: string[];
  port: number;
  /** The domain's signing secret (cursors, refresh tokens). */
  tokenSecret: string;
  /** Signs the session cookie's JWT. */
  jwtSecret: string;
  /** Counters of the rate limits go here when set; in memory otherwise. */
  redisUrl: string | null;
  /** Take the client address from the nearest X-Forwarded-For hop. */
  trustProxy: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Origins a write may come from (the `Origin` header must be one of them when sent). */
  publicOrigins: string[];
  /** How long one session JWT is valid; it is renewed when less than half remains. */
  sessionTokenTtlSeconds: number;
  /** API versions marked deprecated (API_DEPRECATIONS); their answers carry Deprecation, Sunset and Link. */
  apiDeprecations: ApiDeprecation[];
  /** OpenID Connect providers one can sign in with (OIDC_PROVIDERS, secrets also from OIDC_CLIENT_SECRET_<ID>). */
  identityProviders: IdentityProviderSetting[];
  /** Live timeline streams: STREAM_MAX_PER_USER, STREAM_MAX_PER_INSTANCE, STREAM_HEARTBEAT_SECONDS. */
  streams: { maxPerUser: number; maxPerInstance: number; heartbeatSeconds: number };
};

/** One deprecated API version: when it was (or will be) deprecated, when it goes away, where to read how to move. */
export type ApiDeprecation = { version: string; deprecatedAt: Date; sunsetAt: Date | null; link: string };

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

function fail(name: string, why: string): never {
  throw new Error(`${name}: ${why}`);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw)) fail(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) fail(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

function secret(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    fail(name, env.NODE_ENV === 'production' ? 'is required in production' : 'is required (npm start passes a development secret)');
  }
  if (Buffer.byteLength(value) < 32) fail(name, 'must be at least 32 bytes');
  return value;
}

function boolean(env: Env, name: string): boolean {
  const raw = (env[name] ?? '').toLowerCase();
  if (raw === '' || raw === '0' || raw === 'false' || raw === 'off' || raw === 'no') return false;
  if (raw === '1' || raw === 'true' || raw === 'on' || raw === 'yes') return true;
  return fail(name, `must be on/off (true/false, 1/0), got "${env[name]}"`);
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return fail(name, 'must be a URL');
  }
  if (!protocols.includes(parsed.protocol)) fail(name, `must be a ${protocols.join(' or ')} URL`);
  return raw;
}

function origins(env: Env, name: string, fallback: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw === '') return [fallback];
  return raw.split(',').map((entry) => {
    const trimmed = entry.trim();
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      return fail(name, `"${trimmed}" is not an origin (scheme://host[:port])`);
    }
    if (parsed.origin !== trimmed.replace(/\/$/, '') || !['http:', 'https:'].includes(parsed.protocol)) {
      fail(name, `"${trimmed}" is not an origin (scheme://host[:port], no path)`);
    }
    return parsed.origin;
  });
}

// An instant with an explicit zone: a date (midnight UTC) or a date and time ending in Z or ±HH:MM.
const INSTANT = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,3})?)?(?:Z|[+-][0-9]{2}:[0-9]{2}))?$/;
const DEPRECATION_ENTRY = /^(?<version>[^@]*)@(?<deprecatedAt>[^>|]*)(?:>(?<sunsetAt>[^|]*))?\|(?<link>.*)$/;
const DEPRECATION_EXAMPLE = 'v1@2027-01-01T00:00:00Z>2027-07-01T00:00:00Z|https://docs.example/migrate-to-v2';

function instant(name: string, raw: string, what: string): Date {
  const match = INSTANT.exec(raw);
  const value = new Date(raw);
  // Date would roll 2027-02-30 over into March; the calendar day must exist as written.
  const day = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!match || !day || Number.isNaN(value.getTime()) || day.getUTCMonth() !== Number(match[2]) - 1 || day.getUTCDate() !== Number(match[3])) {
    fail(name, `${what} "${raw}" must be a date (2027-01-01) or a date and time with a zone (2027-01-01T00:00:00Z)`);
  }
  return value;
}

/**
 * API_DEPRECATIONS: comma-separated `<version>@<deprecation>[><sunset>]|<migration notes URL>`, e.g.
 * `v1@2027-01-01T00:00:00Z>2027-07-01T00:00:00Z|https://docs.example/migrate-to-v2`.
 */
function deprecations(env: Env, name: string): ApiDeprecation[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  const seen = new Set<string>();
  return raw.split(',').map((entry) => {
    const match = DEPRECATION_ENTRY.exec(entry.trim());
    if (!match?.groups) return fail(name, `"${entry.trim()}" must look like ${DEPRECATION_EXAMPLE} (the ">sunset" part is optional)`);
    const [version, deprecatedAt, link] = [match.groups.version, match.groups.deprecatedAt, match.groups.link].map((part) => (part ?? '').trim()) as [string, string, string];
    const sunsetAt = match.groups.sunsetAt?.trim();
    if (!/^v[0-9]+$/.test(version)) fail(name, `"${version}" is not an API version (v1, v2, …)`);
    if (seen.has(version)) fail(name, `${version} is listed twice`);
    seen.add(version);
    const deprecation = instant(name, deprecatedAt, `${version}'s deprecation date`);
    const sunset = sunsetAt === undefined ? null : instant(name, sunsetAt, `${version}'s sunset date`);
    if (sunset !== null && sunset.getTime() <= deprecation.getTime()) fail(name, `${version}'s sunset must come after its deprecation`);
    let parsed: URL;
    try {
      parsed = new URL(link);
    } catch {
      return fail(name, `${version}'s migration notes "${link}" must be an absolute http(s) URL`);
    }
    if (!['http:', 'https:'].includes(parsed.protocol)) fail(name, `${version}'s migration notes "${link}" must be an http(s) URL`);
    return { version, deprecatedAt: deprecation, sunsetAt: sunset, link: parsed.href };
  });
}

/** Reads and checks the environment. */
export function readConfig(env: Env = process.env): Config {
  const port = integer(env, 'WEB_PORT', 3000, 0, 65535);
  const logLevel = env.LOG_LEVEL === undefined || env.LOG_LEVEL === '' ? 'info' : env.LOG_LEVEL;
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) fail('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databaseReplicaUrls: (env.DATABASE_REPLICA_URLS ?? '').split(',').filter((u) => u.trim() !== '')
      .map((u) => url({ DATABASE_REPLICA_URLS: u.trim() }, 'DATABASE_REPLICA_URLS', ['postgres:', 'postgresql:']) ?? ''),
    port,
    tokenSecret: secret(env, 'TOKEN_SECRET'),
    jwtSecret: secret(env, 'JWT_SECRET'),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    trustProxy: boolean(env, 'TRUST_PROXY'),
    logLevel: logLevel as Config['logLevel'],
    publicOrigins: origins(env, 'PUBLIC_ORIGIN', `http://localhost:${port}`),
    sessionTokenTtlSeconds: integer(env, 'SESSION_TOKEN_TTL_SECONDS', 12 * 3600, 60, 30 * 24 * 3600),
    apiDeprecations: deprecations(env, 'API_DEPRECATIONS'),
    identityProviders: readIdentityProviders(env),
    streams: {
      maxPerUser: integer(env, 'STREAM_MAX_PER_USER', 5, 1, 100),
      maxPerInstance: integer(env, 'STREAM_MAX_PER_INSTANCE', 1000, 1, 100_000),
      heartbeatSeconds: integer(env, 'STREAM_HEARTBEAT_SECONDS', 15, 1, 300),
    },
  };
}
