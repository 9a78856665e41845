// Settings from the environment: each BFF declares one zod schema of its variables, built from these field readers.
// A bad value becomes one line naming the variable, the value given and what is allowed; secrets are never echoed.
import { DEFAULT_FAN_OUT_MAX_FOLLOWERS } from '@microblog/domain/fan-out-limits';
import { z } from 'zod';

/** The environment as the process sees it. */
export type Env = Record<string, string | undefined>;

/** The result of checking an environment: typed settings, or one line per bad variable. */
export type SettingsCheck<T> = { ok: true; settings: T } | { ok: false; problems: string[] };

/** Thrown by a reader's parse function: what is wrong with the value, without the variable's name. */
class Invalid extends Error {}

/** A reader of one variable: an absent or empty value is `undefined`; `reject` says what is allowed. */
export function field<T>(parse: (raw: string | undefined, reject: (why: string) => never) => T) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      try {
        return parse(raw === '' ? undefined : raw, (why) => {
          throw new Invalid(why);
        });
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message });
        return z.NEVER;
      }
    });
}

const quote = (raw: string) => JSON.stringify(raw);

/** A whole number from `min` to `max`. */
export function integer(fallback: number, min: number, max: number) {
  return field((raw, reject) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^[0-9]+$/.test(raw) || value < min || value > max)
      reject(`${quote(raw)} is not an integer from ${min} to ${max}`);
    return value;
  });
}

/** A TCP port to listen on (0: any free port, which the "listening" log line names). */
export function port(fallback: number) {
  return field((raw, reject) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^[0-9]+$/.test(raw) || value > 65535) reject(`${quote(raw)} is not a port (0-65535; 0 = any free port)`);
    return value;
  });
}

const ON = ['1', 'true', 'on', 'yes'];
const OFF = ['0', 'false', 'off', 'no'];

/** On or off; `fallback` when unset. */
export function flag(fallback: boolean) {
  return field((raw, reject) => {
    if (raw === undefined) return fallback;
    if (ON.includes(raw.toLowerCase())) return true;
    if (OFF.includes(raw.toLowerCase())) return false;
    return reject(`${quote(raw)} is not on or off (on/off, true/false, yes/no, 1/0)`);
  });
}

/** One of `values`. */
export function oneOf<const V extends string>(values: readonly V[], fallback: V) {
  return field((raw, reject): V => {
    if (raw === undefined) return fallback;
    if (!(values as readonly string[]).includes(raw)) reject(`${quote(raw)} is not one of ${values.join(', ')}`);
    return raw as V;
  });
}

function checkUrl(raw: string, protocols: readonly string[], reject: (why: string) => never): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return reject(`${quote(raw)} is not a URL (${protocols.map((p) => `${p}//…`).join(' or ')})`);
  }
  if (!protocols.includes(parsed.protocol)) reject(`${quote(raw)} is not a ${protocols.join(' or ')} URL`);
  return raw;
}

/** A URL with one of `protocols` (`'postgres:'`); `fallback` when unset. */
export function url<F extends string | null>(protocols: readonly string[], fallback: F) {
  return field((raw, reject): string | F => (raw === undefined ? fallback : checkUrl(raw, protocols, reject)));
}

/** Comma-separated URLs with one of `protocols`; empty when unset. */
export function urlList(protocols: readonly string[]) {
  return field((raw, reject): string[] =>
    (raw ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .map((entry) => checkUrl(entry, protocols, reject)),
  );
}

/**
 * A variable checked by a reader of another module that throws `NAME: why` (or `NAME[i]: why`) on a bad value; it
 * gets the whole environment (a reader may look at related variables) and its message becomes the usual one line.
 */
export function readBy<T>(env: Env, name: string, read: (env: Env) => T) {
  return field((raw, reject): T => {
    try {
      return read({ ...env, [name]: raw });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return reject(
        message.startsWith(`${name}: `)
          ? message.slice(name.length + 2)
          : message.startsWith(name)
            ? message.slice(name.length)
            : message,
      );
    }
  });
}

/** Free text; `fallback` when unset. */
export function text<F extends string | undefined>(fallback: F) {
  return field((raw): string | F => raw ?? fallback);
}

/**
 * A signing secret, used exactly as given: required, at least `minBytes` bytes. Its value is never repeated in a
 * message. `production` only changes the wording when it is missing.
 */
export function secret(options: { minBytes?: number; production?: boolean } = {}) {
  const minBytes = options.minBytes ?? 32;
  return field((raw, reject) => {
    if (raw === undefined) {
      return reject(
        options.production
          ? `is required in production (at least ${minBytes} bytes)`
          : `is required (at least ${minBytes} bytes; npm start passes a development secret)`,
      );
    }
    const bytes = Buffer.byteLength(raw);
    if (bytes < minBytes) reject(`the value given has ${bytes} bytes; it must be at least ${minBytes} bytes`);
    return raw;
  });
}

/** Log levels, quietest last. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How log lines look: JSON (default) or pretty for a developer's terminal. */
export type LogFormat = 'json' | 'pretty';

/** LOG_FORMAT: `json` or `pretty`; pretty by default only when NODE_ENV=development. */
export function logFormat(nodeEnv: string | undefined) {
  return oneOf<LogFormat>(['json', 'pretty'], nodeEnv === 'development' ? 'pretty' : 'json');
}

/** One deprecated API version: when it was (or will be) deprecated, when it goes away, where the migration notes are. */
export type ApiDeprecation = { version: string; deprecatedAt: Date; sunsetAt: Date | null; link: string };

// An instant with an explicit zone: a date (midnight UTC), or a date and time ending in Z or ±HH:MM.
const INSTANT =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,3})?)?(?:Z|[+-][0-9]{2}:[0-9]{2}))?$/;
const DEPRECATION_ENTRY = /^(?<version>[^@]*)@(?<deprecatedAt>[^>|]*)(?:>(?<sunsetAt>[^|]*))?\|(?<link>.*)$/;
const DEPRECATION_EXAMPLE = 'v1@2027-01-01T00:00:00Z>2027-07-01T00:00:00Z|https://docs.example/migrate-to-v2';

function instant(raw: string, what: string, reject: (why: string) => never): Date {
  const m = INSTANT.exec(raw);
  const value = new Date(raw);
  // Date would roll 2027-02-30 over into March: the calendar day must exist as written.
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (
    !m ||
    !day ||
    Number.isNaN(value.getTime()) ||
    day.getUTCMonth() !== Number(m[2]) - 1 ||
    day.getUTCDate() !== Number(m[3])
  ) {
    reject(`${what} ${quote(raw)} is not a date (2027-01-01) or a date and time with a zone (2027-01-01T00:00:00Z)`);
  }
  return value;
}

/**
 * API_DEPRECATIONS: comma-separated `<version>@<deprecation>[><sunset>]|<migration notes URL>`, e.g.
 * `v1@2027-01-01T00:00:00Z>2027-07-01T00:00:00Z|https://docs.example/migrate-to-v2`.
 */
export function apiDeprecations() {
  return field((raw, reject): ApiDeprecation[] => {
    if (raw === undefined || raw.trim() === '') return [];
    const seen = new Set<string>();
    return raw.split(',').map((entry): ApiDeprecation => {
      const m = DEPRECATION_ENTRY.exec(entry.trim());
      if (!m?.groups)
        return reject(`${quote(entry.trim())} must look like ${DEPRECATION_EXAMPLE} (the ">sunset" part is optional)`);
      const version = (m.groups.version ?? '').trim();
      const link = (m.groups.link ?? '').trim();
      const sunsetAt = m.groups.sunsetAt?.trim();
      if (!/^v[0-9]+$/.test(version)) reject(`${quote(version)} is not an API version (v1, v2, …)`);
      if (seen.has(version)) reject(`${version} is listed twice`);
      seen.add(version);
      const deprecatedAt = instant((m.groups.deprecatedAt ?? '').trim(), `${version}'s deprecation date`, reject);
      const sunset = sunsetAt === undefined ? null : instant(sunsetAt, `${version}'s sunset date`, reject);
      if (sunset !== null && sunset.getTime() <= deprecatedAt.getTime())
        reject(`${version}'s sunset must come after its deprecation`);
      let parsed: URL;
      try {
        parsed = new URL(link);
      } catch {
        return reject(`${version}'s migration notes ${quote(link)} are not an absolute http(s) URL`);
      }
      if (!['http:', 'https:'].includes(parsed.protocol))
        reject(`${version}'s migration notes ${quote(link)} are not an http(s) URL`);
      return { version, deprecatedAt, sunsetAt: sunset, link: parsed.href };
    });
  });
}

export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
export const DEFAULT_SHUTDOWN_GRACE_MS = 25_000;
const HOUR_MS = 3_600_000;

/** METRICS_PORT: a port (0 = any free one), or `off` for no metrics endpoint. */
function metricsPort(fallback: number) {
  return field((raw, reject): number | null => {
    if (raw === undefined) return fallback;
    if (raw === 'off') return null;
    const value = Number(raw);
    if (!/^[0-9]+$/.test(raw) || value > 65535)
      reject(`${quote(raw)} is not a port (0-65535; 0 = any free port) or off`);
    return value;
  });
}

/** Milliseconds from `min` to an hour that must stay above (or, `orEqual`, not below) another timeout. */
function timeoutAbove(fallback: number, min: number, other: { name: string; value: number; orEqual?: boolean }) {
  return field((raw, reject) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^[0-9]+$/.test(raw) || value < min || value > HOUR_MS)
      reject(`${quote(raw)} is not an integer from ${min} to ${HOUR_MS}`);
    if (other.orEqual ? value < other.value : value <= other.value) {
      reject(`${quote(raw)} must be ${other.orEqual ? 'at least' : 'above'} ${other.name} (${other.value})`);
    }
    return value;
  });
}

/**
 * The variables of a BFF's process, the same for every BFF: its metrics port (`defaultMetricsPort` differs per BFF so
 * both run side by side on one host), the database's per-connection limits, the public server's timeouts, and the
 * shutdown grace period.
 */
export function runtimeVariables(env: Env, defaultMetricsPort: number) {
  // The headers timeout must stay above keep-alive, and the request timeout at or above the headers one: each
  // default follows the one before it, and a bad earlier value is reported on its own line, not again here.
  const number = (raw: string | undefined, fallback: number) => (raw && /^[0-9]+$/.test(raw) ? Number(raw) : fallback);
  const keepAlive = number(env.HTTP_KEEP_ALIVE_TIMEOUT_MS, DEFAULT_KEEP_ALIVE_TIMEOUT_MS);
  const headers = number(env.HTTP_HEADERS_TIMEOUT_MS, keepAlive + 1000);
  return {
    METRICS_PORT: metricsPort(defaultMetricsPort),
    DATABASE_STATEMENT_TIMEOUT_MS: integer(5000, 0, HOUR_MS),
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: integer(10_000, 0, HOUR_MS),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: integer(DEFAULT_KEEP_ALIVE_TIMEOUT_MS, 1000, HOUR_MS),
    HTTP_HEADERS_TIMEOUT_MS: timeoutAbove(keepAlive + 1000, 1000, {
      name: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
      value: keepAlive,
    }),
    HTTP_REQUEST_TIMEOUT_MS: timeoutAbove(Math.max(DEFAULT_REQUEST_TIMEOUT_MS, headers), 1000, {
      name: 'HTTP_HEADERS_TIMEOUT_MS',
      value: headers,
      orEqual: true,
    }),
    SHUTDOWN_GRACE_MS: integer(DEFAULT_SHUTDOWN_GRACE_MS, 0, HOUR_MS),
    FAN_OUT_MAX_FOLLOWERS: integer(DEFAULT_FAN_OUT_MAX_FOLLOWERS, 0, 100_000_000),
  };
}

type RuntimeValues = {
  [K in keyof ReturnType<typeof runtimeVariables>]: z.output<ReturnType<typeof runtimeVariables>[K]>;
};

/** Timeouts of the public server. */
export type ServerTimeouts = {
  /**
   * How long an idle keep-alive connection stays open (default 65 s). Longer than the balancer's idle timeout
   * (60 s on the usual ones), so the balancer, not the BFF, closes idle connections: otherwise a request the balancer
   * sends just as Node closes the socket fails with a 502.
   */
  keepAliveTimeoutMs: number;
  /** How long a client may take to send the request headers (default: keep-alive + 1 s, as Node requires it above). */
  headersTimeoutMs: number;
  /** How long a client may take to send a whole request (default 120 s; never below the headers timeout). */
  requestTimeoutMs: number;
};

/** Every runtime setting a BFF reads (metrics port, database limits, server timeouts, shutdown grace). */
export type RuntimeSettings = {
  /** METRICS_PORT: the Prometheus endpoint's port; null when `off`; 0 = any free port. */
  metricsPort: number | null;
  /** DATABASE_STATEMENT_TIMEOUT_MS (default 5000; 0 = no limit). */
  databaseStatementTimeoutMs: number;
  /** DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS (default 10000; 0 = no limit). */
  databaseIdleInTransactionTimeoutMs: number;
  /** HTTP_KEEP_ALIVE_TIMEOUT_MS, HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS. */
  serverTimeouts: ServerTimeouts;
  /** SHUTDOWN_GRACE_MS (default 25 s: inside Kubernetes' default 30 s termination grace period). */
  shutdownGraceMs: number;
  /**
   * FAN_OUT_MAX_FOLLOWERS (default 10,000): the most followers a post is fanned out to inside its request; an
   * author with more reaches their followers through the fan-out worker (the domain's `startFanOutWorker`).
   */
  fanOutMaxFollowers: number;
};

/** The runtime settings from the checked runtime variables. */
export function runtimeSettings(v: RuntimeValues): RuntimeSettings {
  return {
    metricsPort: v.METRICS_PORT,
    databaseStatementTimeoutMs: v.DATABASE_STATEMENT_TIMEOUT_MS,
    databaseIdleInTransactionTimeoutMs: v.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    serverTimeouts: {
      keepAliveTimeoutMs: v.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      headersTimeoutMs: v.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: v.HTTP_REQUEST_TIMEOUT_MS,
    },
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
    fanOutMaxFollowers: v.FAN_OUT_MAX_FOLLOWERS,
  };
}

/** The variables every BFF reads the same way (its port and the rest are its own). */
export function commonVariables(env: Env, defaultMetricsPort: number) {
  const production = env.NODE_ENV === 'production';
  return {
    ...runtimeVariables(env, defaultMetricsPort),
    DATABASE_URL: url(['postgres:', 'postgresql:'], null),
    DATABASE_REPLICA_URLS: urlList(['postgres:', 'postgresql:']),
    TOKEN_SECRET: secret({ production }),
    JWT_SECRET: secret({ production }),
    REDIS_URL: url(['redis:', 'rediss:'], null),
    TRUST_PROXY: flag(false),
    LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
    LOG_FORMAT: logFormat(env.NODE_ENV),
    HSTS: flag(true),
    API_DEPRECATIONS: apiDeprecations(),
  };
}

type CommonValues = {
  [K in keyof ReturnType<typeof commonVariables>]: z.output<ReturnType<typeof commonVariables>[K]>;
};

/** The settings every BFF has, from the checked common variables. */
export function commonSettings(v: CommonValues) {
  return {
    /** PostgreSQL URL (required by main.ts; tests open their own database). */
    databaseUrl: v.DATABASE_URL,
    /** Read replicas for timeline, profile and search reads. */
    databaseReplicaUrls: v.DATABASE_REPLICA_URLS,
    /** The domain's signing secret (cursors, sync and refresh tokens), used as given. */
    tokenSecret: v.TOKEN_SECRET,
    /** Signs the BFF's own JWTs (session cookie or access tokens), used as given. */
    jwtSecret: v.JWT_SECRET,
    /** Rate-limit counters go to Redis when set, to memory otherwise. */
    redisUrl: v.REDIS_URL,
    /** Take the client address from the nearest X-Forwarded-For hop. */
    trustProxy: v.TRUST_PROXY,
    logLevel: v.LOG_LEVEL,
    logFormat: v.LOG_FORMAT,
    /** Send Strict-Transport-Security (HSTS=off for plain-HTTP development). */
    hsts: v.HSTS,
    /** API versions marked deprecated; their answers carry Deprecation, Sunset and Link. */
    apiDeprecations: v.API_DEPRECATIONS,
    /** The process: metrics port, database limits, server timeouts, shutdown grace. */
    runtime: runtimeSettings(v),
  };
}

/** Checks `env` against `schema`: the settings, or one line per bad variable (`NAME: what is wrong`). */
export function checkSettings<T>(schema: z.ZodType<T>, env: Env): SettingsCheck<T> {
  const result = schema.safeParse(env);
  if (result.success) return { ok: true, settings: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`),
  };
}

/** The settings, or an Error listing every problem (for tests and callers that prefer to throw). */
export function settingsOrThrow<T>(check: SettingsCheck<T>): T {
  if (check.ok) return check.settings;
  throw new Error(check.problems.join('\n'));
}

/** The settings, or: one line per problem on stderr and exit code 2 (no stack trace). For main.ts. */
export function settingsOrExit<T>(check: SettingsCheck<T>): T {
  if (check.ok) return check.settings;
  exitWithProblems(check.problems);
}

/** Prints each problem on its own line to stderr and exits with code 2. */
export function exitWithProblems(problems: readonly string[]): never {
  process.stderr.write(problems.map((line) => `${line}\n`).join(''));
  process.exit(2);
}

/**
 * The two ways a BFF reads its settings from its schema: `readSettings(env)` answers `{ ok, settings }` or
 * `{ ok: false, problems }` (main.ts and the root launcher), `settingsFrom(env)` throws (tests).
 */
export function settingsReaders<T>(schema: (env: Env) => z.ZodType<T>) {
  return {
    readSettings: (env: Env = process.env): SettingsCheck<T> => checkSettings(schema(env), env),
    settingsFrom: (env: Env = process.env): T => settingsOrThrow(checkSettings(schema(env), env)),
  };
}
