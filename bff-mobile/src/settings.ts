// bff-mobile's settings: one zod schema of its environment, built from the kit's field readers. readSettings is
// what main.ts and the root `npm start` launcher call before anything else.
import {
  commonSettings,
  commonVariables,
  field,
  integer,
  port,
  readBy,
  settingsReaders,
  text,
  url,
  type Env,
} from '@microblog/bff-kit';
// The provider list's own reader, without loading the rest of the domain (settings are checked before anything starts).
import { readIdentityProviders } from '@microblog/domain/identity-providers';
import { z } from 'zod';
import { parseVersion } from './semver.ts';

/** A semantic version like 1.4.0. */
function semver(fallback: string) {
  return field((raw, reject) => {
    if (raw !== undefined && parseVersion(raw) === null)
      reject(`${JSON.stringify(raw)} is not a semantic version like 1.4.0`);
    return raw ?? fallback;
  });
}

function schema(env: Env) {
  return z
    .object({
      ...commonVariables(env, 9465),
      MOBILE_PORT: port(3001),
      MIN_APP_VERSION: semver('1.0.0'),
      PUSH_BASE_URL: url(['https:', 'http:'], 'https://exp.host'),
      PUSH_ACCESS_TOKEN: text(undefined),
      REFRESH_REUSE_GRACE_MS: integer(5000, 0, 600_000),
      APP_VERSION_MIX_INTERVAL_SECONDS: integer(60, 0, 86_400),
      OIDC_PROVIDERS: readBy(env, 'OIDC_PROVIDERS', readIdentityProviders),
    })
    .superRefine((v, ctx) => {
      if (v.JWT_SECRET === v.TOKEN_SECRET)
        ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'must differ from TOKEN_SECRET' });
    })
    .transform((v) => ({
      ...commonSettings(v),
      port: v.MOBILE_PORT,
      /** Apps older than this get 426 upgrade_required. */
      minAppVersion: v.MIN_APP_VERSION,
      /** Base URL of the Expo-style push service. */
      pushBaseUrl: v.PUSH_BASE_URL,
      /** Expo access token sent to the push service, when the project requires one. */
      pushAccessToken: v.PUSH_ACCESS_TOKEN,
      /** How long the refresh token rotated last may be presented again without revoking the session. */
      refreshReuseGraceMs: v.REFRESH_REUSE_GRACE_MS,
      /** Lifetime of an access token in seconds. */
      accessTokenTtlSeconds: 900,
      production: env.NODE_ENV === 'production',
      /** How often the X-App-Version mix per API version is logged (0 = never). */
      appVersionMixIntervalSeconds: v.APP_VERSION_MIX_INTERVAL_SECONDS,
      /** OpenID Connect providers one can sign in with (OIDC_PROVIDERS; secrets also from OIDC_CLIENT_SECRET_<ID>). */
      identityProviders: v.OIDC_PROVIDERS,
    }));
}

/** Everything bff-mobile reads from the environment. */
export type Settings = z.infer<ReturnType<typeof schema>>;

/**
 * readSettings(env) checks `env`: `{ ok: true, settings }`, or `{ ok: false, problems }` with one line per bad variable
 * (`MOBILE_PORT: "abc" is not a port (0-65535; 0 = any free port)`). settingsFrom(env) throws an Error listing them instead.
 */
export const { readSettings, settingsFrom } = settingsReaders(schema);
