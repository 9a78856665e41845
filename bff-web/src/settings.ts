// bff-web's settings: one zod schema of its environment, built from the kit's field readers. readSettings is what
// main.ts and the root `npm start` launcher call before anything else.
import {
  commonSettings,
  commonVariables,
  field,
  integer,
  port,
  readBy,
  settingsReaders,
  type Env,
} from '@microblog/bff-kit';
// The provider list's own reader, without loading the rest of the domain (settings are checked before anything starts).
import { readIdentityProviders } from '@microblog/domain/identity-providers';
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
      if (
        parsed === null ||
        parsed.origin !== trimmed.replace(/\/$/, '') ||
        !['http:', 'https:'].includes(parsed.protocol)
      ) {
        return reject(`${JSON.stringify(trimmed)} is not an origin (scheme://host[:port], no path)`);
      }
      return parsed.origin;
    });
  });
}

function schema(env: Env) {
  return z
    .object({
      ...commonVariables(env, 9464),
      WEB_PORT: port(3000),
      PUBLIC_ORIGIN: origins(),
      SESSION_TOKEN_TTL_SECONDS: integer(12 * 3600, 60, 30 * 24 * 3600),
      OIDC_PROVIDERS: readBy(env, 'OIDC_PROVIDERS', readIdentityProviders),
      STREAM_MAX_PER_USER: integer(5, 1, 100),
      STREAM_MAX_PER_INSTANCE: integer(1000, 1, 100_000),
      STREAM_HEARTBEAT_SECONDS: integer(15, 1, 300),
    })
    .transform((v) => ({
      ...commonSettings(v),
      port: v.WEB_PORT,
      /** Origins a write may come from (the `Origin` header must be one of them when sent). */
      publicOrigins: v.PUBLIC_ORIGIN ?? [`http://localhost:${v.WEB_PORT}`],
      /** How long one session JWT is valid; it is renewed when less than half remains. */
      sessionTokenTtlSeconds: v.SESSION_TOKEN_TTL_SECONDS,
      /** OpenID Connect providers one can sign in with (OIDC_PROVIDERS; secrets also from OIDC_CLIENT_SECRET_<ID>). */
      identityProviders: v.OIDC_PROVIDERS,
      /** Live timeline streams: per user, per instance, and how often a heartbeat (and session re-check) is sent. */
      streams: {
        maxPerUser: v.STREAM_MAX_PER_USER,
        maxPerInstance: v.STREAM_MAX_PER_INSTANCE,
        heartbeatSeconds: v.STREAM_HEARTBEAT_SECONDS,
      },
    }));
}

/** Everything bff-web reads from the environment. */
export type Settings = z.infer<ReturnType<typeof schema>>;

/**
 * readSettings(env) checks `env`: `{ ok: true, settings }`, or `{ ok: false, problems }` with one line per bad variable
 * (`WEB_PORT: "abc" is not a port (0-65535; 0 = any free port)`). settingsFrom(env) throws an Error listing them instead.
 */
export const { readSettings, settingsFrom } = settingsReaders(schema);
