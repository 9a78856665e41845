// bff-web's settings: one zod schema of its environment, built from the kit's field readers. readSettings is what
// main.ts and the root `npm start` launcher call before anything else.
import { checkSettings, commonVariables, field, integer, port, settingsOrThrow, type Env, type SettingsCheck } from '@microblog/bff-kit';
import { z } from 'zod';

/** Origins a write may come from: comma-separated scheme://host[:port]. */
function origins() {
  return field((raw, reject): string[] | null => {
    if (raw === undefined) return null;
    return raw.split(',').map((entry) => {
      const trimmed = entry.trim();
      let parsed: URL | null = null;
      try {
        parsed = new URL(trimmed);
      } catch {
        // reported below
      }
      if (parsed === null || parsed.origin !== trimmed.replace(/\/$/, '') || !['http:', 'https:'].includes(parsed.protocol)) {
        return reject(`${JSON.stringify(trimmed)} is not an origin (scheme://host[:port], no path)`);
      }
      return parsed.origin;
    });
  });
}

function schema(env: Env) {
  return z
    .object({
      ...commonVariables(env),
      WEB_PORT: port(3000),
      PUBLIC_ORIGIN: origins(),
      SESSION_TOKEN_TTL_SECONDS: integer(12 * 3600, 60, 30 * 24 * 3600),
    })
    .transform((v) => ({
      /** PostgreSQL URL (required by main.ts; tests open their own database). */
      databaseUrl: v.DATABASE_URL,
      /** Read replicas for timeline, profile and search reads. */
      databaseReplicaUrls: v.DATABASE_REPLICA_URLS,
      port: v.WEB_PORT,
      /** The domain's signing secret (cursors, refresh tokens). */
      tokenSecret: v.TOKEN_SECRET,
      /** Signs the session cookie's JWT. */
      jwtSecret: v.JWT_SECRET,
      /** Counters of the rate limits go here when set; in memory otherwise. */
      redisUrl: v.REDIS_URL,
      /** Take the client address from the nearest X-Forwarded-For hop. */
      trustProxy: v.TRUST_PROXY,
      logLevel: v.LOG_LEVEL,
      logFormat: v.LOG_FORMAT,
      /** Send Strict-Transport-Security (HSTS=off for plain-HTTP development). */
      hsts: v.HSTS,
      /** Origins a write may come from (the `Origin` header must be one of them when sent). */
      publicOrigins: v.PUBLIC_ORIGIN ?? [`http://localhost:${v.WEB_PORT}`],
      /** How long one session JWT is valid; it is renewed when less than half remains. */
      sessionTokenTtlSeconds: v.SESSION_TOKEN_TTL_SECONDS,
      /** API versions marked deprecated; their answers carry Deprecation, Sunset and Link. */
      apiDeprecations: v.API_DEPRECATIONS,
    }));
}

/** Everything bff-web reads from the environment. */
export type Settings = z.infer<ReturnType<typeof schema>>;

/** Checks `env`: the settings, or one line per bad variable (`WEB_PORT: "abc" is not a port (1-65535)`). */
export function readSettings(env: Env = process.env): SettingsCheck<Settings> {
  return checkSettings(schema(env), env);
}

/** The settings from `env`, or an Error listing every problem. */
export function settingsFrom(env: Env = process.env): Settings {
  return settingsOrThrow(readSettings(env));
}
