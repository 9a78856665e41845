// A local OpenID Provider for `npm start` when no OIDC_PROVIDERS is configured, so "Sign in with Dev ID" works on a
// fresh clone: the certified `oidc-provider` package on a loopback port, with the demo users (same passwords),
// registered for bff-web (code flow, confidential client) and for the app (RFC 8252 custom-scheme redirect).
// Development only: in-memory state, a signing key made at each start, plain http on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { linkIdentity, type Database } from '@microblog/domain';
import { startOidcProvider, type ProviderUser } from '@microblog/domain/testing/oidc-provider';

/** The provider id the BFFs know it by. */
export const DEV_PROVIDER_ID = 'dev';
/** The redirect URI the development app build uses. */
export const DEV_APP_REDIRECT_URI = 'com.example.microblog:/oauth2redirect';

/** One person who can sign in at the development provider. */
export type DevUser = { username: string; password: string; displayName?: string };

/** A running development provider and the settings that make both BFFs use it. */
export type DevProvider = {
  issuer: string;
  /** `OIDC_PROVIDERS` and the client secret for bff-web's environment. */
  webEnv: { OIDC_PROVIDERS: string; OIDC_CLIENT_SECRET_DEV: string };
  /** The same for bff-mobile (its own client, registered for the app's custom-scheme redirect URI). */
  mobileEnv: { OIDC_PROVIDERS: string; OIDC_CLIENT_SECRET_DEV: string };
  close(): Promise<void>;
};

/** The subject the development provider gives a user: stable across restarts, so links keep working. */
export function devSubject(username: string): string {
  return `dev-${username}`;
}

/**
 * Starts the provider on 127.0.0.1:`port` (0: any free port) for a bff-web at `webOrigin`
 * (e.g. http://localhost:3000); both BFFs use one confidential client.
 */
export async function startDevProvider(options: {
  port: number;
  users: DevUser[];
  webOrigin: string;
}): Promise<DevProvider> {
  const clientSecret = randomBytes(24).toString('base64url');
  const users: ProviderUser[] = options.users.map((user) => ({
    sub: devSubject(user.username),
    username: user.username,
    password: user.password,
    ...(user.displayName ? { name: user.displayName } : {}),
  }));
  const provider = await startOidcProvider({
    port: options.port,
    users,
    clients: [
      {
        clientId: 'microblog-web',
        clientSecret,
        redirectUris: [`${options.webOrigin}/oidc/callback`],
        postLogoutRedirectUris: [`${options.webOrigin}/`],
      },
      { clientId: 'microblog-app', clientSecret, redirectUris: [DEV_APP_REDIRECT_URI], applicationType: 'native' },
    ],
  });
  const settings = (clientId: string, appRedirectUris: string[]) => ({
    OIDC_PROVIDERS: JSON.stringify([
      { id: DEV_PROVIDER_ID, name: 'Dev ID (local)', issuer: provider.issuer, clientId, appRedirectUris },
    ]),
    OIDC_CLIENT_SECRET_DEV: clientSecret,
  });
  return {
    issuer: provider.issuer,
    webEnv: settings('microblog-web', []),
    mobileEnv: settings('microblog-app', [DEV_APP_REDIRECT_URI]),
    close: () => provider.close(),
  };
}

/**
 * Links each existing local account to the development provider's identity of the same username, so that
 * "Sign in with Dev ID" as alice opens the demo account alice. Already linked: nothing changes.
 */
export async function linkDevIdentities(db: Database, issuer: string, usernames: string[]): Promise<void> {
  const ctx = db.context();
  const rows = await ctx.em
    .getConnection()
    .execute<{ id: string; username: string }[]>(
      'select id::text as id, username from users where username_key in (?)',
      [usernames.map((name) => name.toLowerCase())],
      'all',
    );
  for (const row of rows) {
    await linkIdentity(db.context(), {
      userId: row.id,
      identity: {
        providerId: DEV_PROVIDER_ID,
        issuer,
        subject: devSubject(row.username),
        preferredUsername: row.username,
        displayName: null,
      },
    }).catch((error: unknown) => {
      // Linked to another issuer of the same name from an earlier start on another port: leave it.
      if ((error as { code?: string }).code !== 'conflict') throw error;
    });
  }
}
