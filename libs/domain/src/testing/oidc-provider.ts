// A real OpenID Provider (the certified `oidc-provider` package) on a loopback port, for tests and for the
// development launcher: a sign-in page with username + password for a fixed list of users, no consent screen
// (the clients are first-party), RS256 ID tokens signed with a key the caller can also use to forge tokens.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { Provider } from 'oidc-provider';

/** A person who can sign in at the provider. */
export type ProviderUser = { sub: string; username: string; password: string; name?: string };

/** A relying party registered at the provider. */
export type ProviderClient = {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** `native` for an app's custom-scheme redirect URIs (RFC 8252); `web` by default. */
  applicationType?: 'web' | 'native';
};

/** A running provider. */
export type RunningProvider = {
  /** The issuer URL (`http://127.0.0.1:<port>`). */
  issuer: string;
  /** Signs an ID token with the provider's own key (or a stranger's), for forged-answer tests. */
  signIdToken(
    claims: Record<string, unknown>,
    options?: { key?: 'provider' | 'unknown'; alg?: 'RS256' | 'none' },
  ): Promise<string>;
  /** Registers one more client; only before the first request (the provider is built then). */
  addClient(client: ProviderClient): void;
  close(): Promise<void>;
};

const page = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Development sign-in</title><style>body{font-family:system-ui;max-width:24rem;margin:3rem auto}label{display:block;margin:.5rem 0}input{width:100%;padding:.4rem}button{margin-top:1rem;padding:.5rem 1rem}</style></head><body>${body}</body></html>`;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 10_000) break;
  }
  return new URLSearchParams(body);
}

/** Starts a provider on 127.0.0.1 (port 0: a free one). */
export async function startOidcProvider(options: {
  port?: number;
  users: ProviderUser[];
  clients?: ProviderClient[];
}): Promise<RunningProvider> {
  const clients = [...(options.clients ?? [])];
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256', { extractable: true });
  const kid = 'provider-key-1';
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };

  const server: Server = createServer();
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Built at the first request, so clients whose redirect URI is known only after this start can be added.
  let built: { provider: Provider; handle: ReturnType<Provider['callback']> } | null = null;
  const build = () => {
    const provider = new Provider(issuer, {
      clients: clients.map((client) => ({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: client.redirectUris,
        post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        application_type: client.applicationType ?? 'web',
      })),
      jwks: { keys: [jwk] },
      cookies: { keys: [randomBytes(32).toString('hex')] },
      claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
      // ID tokens carry the profile claims, as Google's and Keycloak's do.
      conformIdTokenClaims: false,
      pkce: { required: () => true },
      ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
      features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      async findAccount(_ctx: unknown, sub: string) {
        const user = options.users.find((candidate) => candidate.sub === sub);
        if (!user) return undefined;
        return {
          accountId: sub,
          claims: async () => ({ sub, preferred_username: user.username, ...(user.name ? { name: user.name } : {}) }),
        };
      },
      // First-party clients: grant what they ask for without a consent screen.
      async loadExistingGrant(ctx: {
        oidc: {
          client: { clientId: string };
          session: { accountId: string; grantIdFor(id: string): string | undefined };
          result?: { consent?: { grantId?: string } };
          provider: Provider;
        };
      }) {
        const { oidc } = ctx;
        const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
        if (grantId) {
          const existing = await oidc.provider.Grant.find(grantId);
          if (existing) return existing;
        }
        const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
        grant.addOIDCScope('openid profile');
        await grant.save();
        return grant;
      },
    } as ConstructorParameters<typeof Provider>[1]);
    return { provider, handle: provider.callback() };
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    built ??= build();
    const { provider, handle: handleProtocol } = built;
    const match = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(new URL(req.url ?? '/', issuer).pathname);
    if (!match) {
      handleProtocol(req, res);
      return;
    }
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        // Consent is asked even of first-party native clients (custom-scheme redirects): grant what they ask for.
        if (details.prompt.name === 'consent') {
          const grant = new provider.Grant({
            clientId: String(details.params.client_id),
            accountId: String(details.session?.accountId),
          });
          grant.addOIDCScope(String(details.params.scope ?? 'openid'));
          await provider.interactionFinished(
            req,
            res,
            { consent: { grantId: await grant.save() } },
            { mergeWithLastSubmission: true },
          );
          return;
        }
        if (req.method === 'POST') {
          const form = await readForm(req);
          const user = options.users.find(
            (candidate) => candidate.username === form.get('username') && candidate.password === form.get('password'),
          );
          if (user) {
            await provider.interactionFinished(
              req,
              res,
              { login: { accountId: user.sub } },
              { mergeWithLastSubmission: false },
            );
            return;
          }
        }
        const failed = req.method === 'POST' ? '<p role="alert">Unknown username or wrong password.</p>' : '';
        const hint = options.users.map((user) => escape(user.username)).join(', ');
        res.writeHead(req.method === 'POST' ? 401 : 200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(
          page(
            `<h1>Development sign-in provider</h1>${failed}<form method="post"><label>Username <input name="username" autocomplete="username"></label><label>Password <input name="password" type="password" autocomplete="current-password"></label><button type="submit">Sign in</button></form><p><small>Users: ${hint}</small></p>`,
          ),
        );
      } catch {
        res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('this sign-in has expired; start again');
      }
    })();
  });

  return {
    issuer,
    async signIdToken(claims, signOptions = {}) {
      if (signOptions.alg === 'none') {
        const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
        return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
      }
      const key = signOptions.key === 'unknown' ? stranger.privateKey : privateKey;
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
    },
    addClient(client) {
      if (built) throw new Error('the provider has already started answering; add clients before the first request');
      clients.push(client);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Plays the person at the provider's sign-in page without a browser: follows the authorization request,
 * submits the credentials and returns the URL the provider redirects back to (carrying code, state and iss).
 */
export async function signInAtProvider(
  authorizationUrl: string,
  credentials: { username: string; password: string },
): Promise<URL> {
  const jar = new Map<string, string>();
  const origin = new URL(authorizationUrl).origin;
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  let url = new URL(authorizationUrl);
  for (let hop = 0; hop < 10; hop++) {
    const atLogin = /^\/interaction\//.test(url.pathname);
    const response = await fetch(url, {
      redirect: 'manual',
      method: atLogin ? 'POST' : 'GET',
      headers: { cookie: cookie(), ...(atLogin ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(atLogin ? { body: new URLSearchParams(credentials).toString() } : {}),
    });
    remember(response);
    const location = response.headers.get('location');
    await response.arrayBuffer();
    if (!location) throw new Error(`the provider answered ${response.status} at ${url.pathname} without a redirect`);
    url = new URL(location, url);
    if (url.origin !== origin) return url;
  }
  throw new Error('too many redirects at the provider');
}
