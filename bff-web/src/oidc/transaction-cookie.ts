// The short-lived `__Host-oidc` cookie that carries one provider sign-in from its start to its end: what the
// callback must check (state, nonce, PKCE verifier, why it was started), then, when a username must be chosen,
// the domain's sign-up ticket. A signed JWT (HS256, its own audience, exp required), HttpOnly, so page scripts
// never see the verifier or the ticket; SameSite=Strict works because the callback is a same-origin fetch
// from the /oidc/callback page.
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { readCookie } from '../session-cookie.ts';
import { HttpProblem } from '@microblog/bff-kit';

/** The cookie's name. */
export const OIDC_COOKIE = '__Host-oidc';
const AUDIENCE = 'bff-web/oidc';
const ISSUER = 'microblog';
/** How long a sign-in may take at the provider (and a username choice after it). */
export const OIDC_COOKIE_TTL_SECONDS = 600;
const ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=Strict';

/** A sign-in in flight at the provider. */
export type PendingAuthorization = {
  kind: 'authorization';
  provider: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Set when a signed-in user is linking the provider to their account. */
  linkUserId: string | null;
};

/** A first sign-in waiting for a username. */
export type PendingSignUp = { kind: 'signup'; provider: string; signupTicket: string };

export type OidcTransaction = PendingAuthorization | PendingSignUp;

/** Seals and reads the transaction cookie. */
export type OidcCookie = {
  set(transaction: OidcTransaction): string;
  /** The transaction of this kind from the Cookie header; 401 when it is missing, altered, expired or of another kind. */
  read<K extends OidcTransaction['kind']>(
    cookieHeader: string | undefined,
    kind: K,
  ): Extract<OidcTransaction, { kind: K }>;
  clear(): string;
};

/** Builds the cookie handling; the key is the session JWT secret, kept apart by the audience. */
export function oidcCookie(options: { jwtSecret: string }): OidcCookie {
  const key: KeyObject = createSecretKey(Buffer.from(options.jwtSecret));
  return {
    set(transaction) {
      const token = jwt.sign({ tx: transaction }, key, {
        algorithm: 'HS256',
        audience: AUDIENCE,
        issuer: ISSUER,
        expiresIn: OIDC_COOKIE_TTL_SECONDS,
      });
      return `${OIDC_COOKIE}=${token}; Max-Age=${OIDC_COOKIE_TTL_SECONDS}; ${ATTRIBUTES}`;
    },
    read<K extends OidcTransaction['kind']>(
      cookieHeader: string | undefined,
      kind: K,
    ): Extract<OidcTransaction, { kind: K }> {
      const token = readCookie(cookieHeader, OIDC_COOKIE);
      let claims: jwt.JwtPayload | string | null = null;
      try {
        claims =
          token === null ? null : jwt.verify(token, key, { algorithms: ['HS256'], audience: AUDIENCE, issuer: ISSUER });
      } catch {
        claims = null;
      }
      const transaction =
        typeof claims === 'object' && claims !== null && typeof claims.exp === 'number'
          ? (claims.tx as OidcTransaction | undefined)
          : undefined;
      if (!transaction || transaction.kind !== kind) {
        throw new HttpProblem(
          401,
          'unauthenticated',
          'this provider sign-in has expired or was not started here; start again',
        );
      }
      return transaction as Extract<OidcTransaction, { kind: K }>;
    },
    clear: () => `${OIDC_COOKIE}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; ${ATTRIBUTES}`,
  };
}
