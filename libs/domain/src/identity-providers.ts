// The relying-party side of OpenID Connect, shared by both BFFs: which providers are configured, their
// discovered metadata, authorization requests (PKCE, state, nonce) and the redemption of an authorization code
// into a verified identity. openid-client (v6) does the protocol; every ID token is checked for issuer,
// audience, nonce, expiry and a signature by the provider's published keys with the pinned algorithm.
import * as oidc from 'openid-client';
import { IdentityProviderUnavailable, IdentityRejected } from './errors.ts';

/** One configured provider. */
export type IdentityProviderSetting = {
  /** Short id used in paths and stored with each linked identity (`[a-z0-9-]`, 1..32). */
  id: string;
  /** Shown on the "Sign in with …" button. */
  name: string;
  /** The issuer URL; its `/.well-known/openid-configuration` is read at first use. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The one JWS algorithm accepted for ID tokens (default RS256). */
  idTokenSigningAlg: string;
  /** Redirect URIs the mobile app may use (empty: the mobile BFF refuses this provider). */
  appRedirectUris: string[];
};

/** Who the provider says signed in, after every check passed. */
export type VerifiedIdentity = {
  providerId: string;
  issuer: string;
  subject: string;
  preferredUsername: string | null;
  displayName: string | null;
};

/** What the browser must be sent to, and what must be kept (server-side or sealed) to check the answer. */
export type AuthorizationRequest = { url: string; state: string; nonce: string; codeVerifier: string };

/** What comes back from the provider's redirect plus what was kept from the request. */
export type CodeRedemption = {
  code: string;
  redirectUri: string;
  codeVerifier: string;
  nonce: string;
  /** Web: the `state` that came back and the one that was sent. Mobile: absent (the app checked its own). */
  state?: { received: string; expected: string };
  /** The `iss` authorization response parameter (RFC 9207), when the provider sent one. */
  iss?: string | undefined;
};

/** The configured providers and the protocol operations on them. */
export type IdentityProviders = {
  /** The configured providers, in configuration order. */
  list(): IdentityProviderSetting[];
  /** One provider's setting; IdentityRejected-free lookup that returns null for an unknown id. */
  find(id: string): IdentityProviderSetting | null;
  /** A fresh authorization request (code flow, S256 PKCE, state and nonce). */
  authorizationRequest(id: string, redirectUri: string): Promise<AuthorizationRequest>;
  /** Redeems a code as the confidential client and validates the ID token. */
  redeemCode(id: string, input: CodeRedemption): Promise<VerifiedIdentity>;
  /** The provider's RP-initiated logout URL, or null when it publishes no end_session_endpoint. */
  endSessionUrl(id: string, postLogoutRedirectUri: string): Promise<string | null>;
};

const ID = /^[a-z0-9-]{1,32}$/;
const SETTING_EXAMPLE =
  '[{"id":"keycloak","name":"Keycloak","issuer":"https://sso.example/realms/main","clientId":"microblog","clientSecret":"…"}]';

type Env = Record<string, string | undefined>;

function fail(name: string, why: string): never {
  throw new Error(`${name}: ${why}`);
}

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/**
 * Reads OIDC_PROVIDERS: a JSON array of `{id, name, issuer, clientId, clientSecret?, idTokenSigningAlg?,
 * appRedirectUris?}`. A provider's secret may instead come from OIDC_CLIENT_SECRET_<ID> (id upper-cased,
 * `-` as `_`), so the list itself can live in plain configuration and only the secrets in a secret store.
 */
export function readIdentityProviders(env: Env): IdentityProviderSetting[] {
  const name = 'OIDC_PROVIDERS';
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fail(name, `must be a JSON array like ${SETTING_EXAMPLE}`);
  }
  if (!Array.isArray(parsed)) fail(name, `must be a JSON array like ${SETTING_EXAMPLE}`);
  const seen = new Set<string>();
  return parsed.map((entry: unknown, index) => {
    const at = `${name}[${index}]`;
    if (typeof entry !== 'object' || entry === null) fail(at, 'must be an object');
    const field = (key: string, required: boolean): string | undefined => {
      const value = (entry as Record<string, unknown>)[key];
      if (value === undefined && !required) return undefined;
      if (typeof value !== 'string' || value === '') fail(at, `"${key}" must be a non-empty string`);
      return value;
    };
    const id = field('id', true)!;
    if (!ID.test(id)) fail(at, `"id" must be 1 to 32 of a-z, 0-9 and "-", got "${id}"`);
    if (seen.has(id)) fail(at, `"${id}" is listed twice`);
    seen.add(id);
    const issuer = field('issuer', true)!;
    let issuerUrl: URL;
    try {
      issuerUrl = new URL(issuer);
    } catch {
      return fail(at, '"issuer" must be a URL');
    }
    if (issuerUrl.protocol !== 'https:' && !isLoopbackHttp(issuerUrl))
      fail(at, '"issuer" must be an https URL (http only on loopback, for development)');
    const secretVariable = `OIDC_CLIENT_SECRET_${id.toUpperCase().replaceAll('-', '_')}`;
    const clientSecret = env[secretVariable] || field('clientSecret', false);
    if (!clientSecret) fail(at, `needs "clientSecret" or the variable ${secretVariable}`);
    const redirects = (entry as Record<string, unknown>).appRedirectUris ?? [];
    if (!Array.isArray(redirects) || !redirects.every((uri) => typeof uri === 'string' && URL.canParse(uri))) {
      fail(at, '"appRedirectUris" must be an array of absolute URIs');
    }
    return {
      id,
      name: field('name', false) ?? id,
      issuer,
      clientId: field('clientId', true)!,
      clientSecret,
      idTokenSigningAlg: field('idTokenSigningAlg', false) ?? 'RS256',
      appRedirectUris: redirects as string[],
    };
  });
}

// Network failures, timeouts and 5xx answers mean "try later"; everything else means "not accepted".
function isProviderDown(error: unknown): boolean {
  for (
    let e: unknown = error, depth = 0;
    e !== null && typeof e === 'object' && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if (e instanceof Response) return e.status >= 500;
    const { name, message, code } = e as { name?: unknown; message?: unknown; code?: unknown };
    if (name === 'AbortError' || name === 'TimeoutError') return true;
    if (e instanceof TypeError && typeof message === 'string' && /fetch failed/i.test(message)) return true;
    if (
      typeof code === 'string' &&
      [
        'ECONNREFUSED',
        'ECONNRESET',
        'ETIMEDOUT',
        'ENOTFOUND',
        'EHOSTUNREACH',
        'UND_ERR_CONNECT_TIMEOUT',
        'UND_ERR_SOCKET',
      ].includes(code)
    )
      return true;
  }
  return false;
}

function classify(error: unknown): never {
  if (isProviderDown(error)) throw new IdentityProviderUnavailable();
  // The reason stays in the message for the logs; clients see a generic problem.
  throw new IdentityRejected(error instanceof Error ? `${error.name}: ${error.message}` : undefined);
}

/** Builds the relying party for these providers; metadata is discovered at first use and cached. */
export function identityProviders(
  settings: IdentityProviderSetting[],
  options: { timeoutSeconds?: number } = {},
): IdentityProviders {
  const configurations = new Map<string, Promise<oidc.Configuration>>();
  const byId = new Map(settings.map((setting) => [setting.id, setting]));

  function setting(id: string): IdentityProviderSetting {
    const found = byId.get(id);
    if (!found) throw new IdentityRejected(`no provider "${id}" is configured`);
    return found;
  }

  function configuration(id: string): Promise<oidc.Configuration> {
    const provider = setting(id);
    let pending = configurations.get(id);
    if (!pending) {
      const issuer = new URL(provider.issuer);
      pending = oidc
        .discovery(
          issuer,
          provider.clientId,
          { id_token_signed_response_alg: provider.idTokenSigningAlg },
          oidc.ClientSecretBasic(provider.clientSecret),
          {
            timeout: options.timeoutSeconds ?? 10,
            // Plain http only for a loopback issuer (tests, the development provider); validate ID token signatures
            // against the provider's JWKS even though the token came straight from its token endpoint.
            execute: isLoopbackHttp(issuer)
              ? [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks]
              : [oidc.enableNonRepudiationChecks],
          },
        )
        .then((config) => {
          config.timeout = options.timeoutSeconds ?? 10;
          return config;
        });
      // A failed discovery is forgotten, so the next attempt asks again.
      pending.catch(() => configurations.delete(id));
      configurations.set(id, pending);
    }
    return pending.catch(classify);
  }

  return {
    list: () => [...settings],
    find: (id) => byId.get(id) ?? null,

    async authorizationRequest(id, redirectUri) {
      const config = await configuration(id);
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid profile',
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, state, nonce, codeVerifier };
    },

    async redeemCode(id, input) {
      const provider = setting(id);
      const config = await configuration(id);
      // openid-client sends this URL without its query as the redirect_uri.
      const callback = new URL(input.redirectUri);
      callback.search = '';
      callback.hash = '';
      callback.searchParams.set('code', input.code);
      if (input.state) callback.searchParams.set('state', input.state.received);
      // RFC 9207: a provider that announces `iss` in its answers must send it; the app's own check stands in
      // for it on mobile, where only the code travels.
      const iss =
        input.iss ??
        (input.state
          ? undefined
          : config.serverMetadata().authorization_response_iss_parameter_supported
            ? config.serverMetadata().issuer
            : undefined);
      if (iss !== undefined) callback.searchParams.set('iss', iss);
      let tokens;
      try {
        tokens = await oidc.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: input.codeVerifier,
          expectedNonce: input.nonce,
          ...(input.state ? { expectedState: input.state.expected } : {}),
          idTokenExpected: true,
        });
      } catch (error) {
        return classify(error);
      }
      const claims = tokens.claims();
      if (!claims || typeof claims.sub !== 'string' || typeof claims.exp !== 'number')
        throw new IdentityRejected('the ID token names no subject');
      const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
      // The access and refresh tokens are not needed by this app and are dropped here.
      return {
        providerId: provider.id,
        issuer: claims.iss,
        subject: claims.sub,
        preferredUsername: text(claims.preferred_username) ?? text(claims.nickname),
        displayName: text(claims.name),
      };
    },

    async endSessionUrl(id, postLogoutRedirectUri) {
      const provider = setting(id);
      const config = await configuration(id);
      if (!config.serverMetadata().end_session_endpoint) return null;
      return oidc.buildEndSessionUrl(config, {
        client_id: provider.clientId,
        post_logout_redirect_uri: postLogoutRedirectUri,
      }).href;
    },
  };
}
