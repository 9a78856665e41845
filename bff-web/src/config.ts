// bff-web's configuration, read from the environment once at start-up; a bad value names its variable.

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
};

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
  };
}
