// The environment, read once and validated: a bad value stops the start with a message naming the variable.
import { readIdentityProviders, type IdentityProviderSetting } from '@microblog/domain';
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
  /** API versions marked deprecated (API_DEPRECATIONS); their answers carry Deprecation, Sunset and Link. */
  apiDeprecations: ApiDeprecation[];
  /** How often the X-App-Version mix per API version is logged (APP_VERSION_MIX_INTERVAL_SECONDS; 0 = never). */
  appVersionMixIntervalSeconds: number;
  /** OpenID Connect providers one can sign in with (OIDC_PROVIDERS, secrets also from OIDC_CLIENT_SECRET_<ID>). */
  identityProviders: IdentityProviderSetting[];
};

/** One deprecated API version: when it was (or will be) deprecated, when it goes away, where the migration notes are. */
export type ApiDeprecation = { version: string; deprecatedAt: Date; sunsetAt: Date | null; link: string };

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

// An instant with an explicit zone: a date (midnight UTC), or a date and time ending in Z or ±HH:MM.
const INSTANT = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,3})?)?(?:Z|[+-][0-9]{2}:[0-9]{2}))?$/;
const DEPRECATION_ENTRY = /^(?<version>[^@]*)@(?<deprecatedAt>[^>|]*)(?:>(?<sunsetAt>[^|]*))?\|(?<link>.*)$/;
const DEPRECATION_EXAMPLE = 'v1@2027-01-01T00:00:00Z>2027-07-01T00:00:00Z|https://docs.example/migrate-to-v2';

function instant(name: string, raw: string, what: string): Date {
  const m = INSTANT.exec(raw);
  const value = new Date(raw);
  // Date would roll 2027-02-30 over into March: the calendar day must exist as written.
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !day || Number.isNaN(value.getTime()) || day.getUTCMonth() !== Number(m[2]) - 1 || day.getUTCDate() !== Number(m[3])) {
    fail(name, `${what} ${JSON.stringify(raw)} must be a date (2027-01-01) or a date and time with a zone (2027-01-01T00:00:00Z)`);
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
  return raw.split(',').map((entry): ApiDeprecation => {
    const m = DEPRECATION_ENTRY.exec(entry.trim());
    if (!m?.groups) fail(name, `${JSON.stringify(entry.trim())} must look like ${DEPRECATION_EXAMPLE} (the ">sunset" part is optional)`);
    const version = (m.groups.version ?? '').trim();
    const link = (m.groups.link ?? '').trim();
    const sunsetAt = m.groups.sunsetAt?.trim();
    if (!/^v[0-9]+$/.test(version)) fail(name, `${JSON.stringify(version)} is not an API version (v1, v2, …)`);
    if (seen.has(version)) fail(name, `lists ${version} twice`);
    seen.add(version);
    const deprecatedAt = instant(name, (m.groups.deprecatedAt ?? '').trim(), `${version}'s deprecation date`);
    const sunset = sunsetAt === undefined ? null : instant(name, sunsetAt, `${version}'s sunset date`);
    if (sunset !== null && sunset.getTime() <= deprecatedAt.getTime()) fail(name, `${version}'s sunset must come after its deprecation`);
    let parsed: URL;
    try {
      parsed = new URL(link);
    } catch {
      fail(name, `${version}'s migration notes ${JSON.stringify(link)} must be an absolute http(s) URL`);
    }
    if (!['http:', 'https:'].includes(parsed.protocol)) fail(name, `${version}'s migration notes ${JSON.stringify(link)} must be an http(s) URL`);
    return { version, deprecatedAt, sunsetAt: sunset, link: parsed.href };
  });
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
    apiDeprecations: deprecations(env, 'API_DEPRECATIONS'),
    appVersionMixIntervalSeconds: integer(env, 'APP_VERSION_MIX_INTERVAL_SECONDS', 60, 0, 86_400),
    identityProviders: readIdentityProviders(env),
  };
}
