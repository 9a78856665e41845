// The browser's session: a signed JWT (HS256, iss microblog, aud bff-web, exp, sub = user id, sid = session id)
// in an HttpOnly `__Host-` cookie. passport-jwt reads and verifies it; the session it names is checked live.
// A cookie that verified is remembered until its `exp` (the exact string, so any altered byte is verified afresh).
import { createSecretKey, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import jwt from 'jsonwebtoken';
import passport from 'passport';
import { Strategy as JwtStrategy } from 'passport-jwt';

/** The cookie's name; the `__Host-` prefix makes browsers insist on Secure, Path=/ and no Domain. */
export const SESSION_COOKIE = '__Host-session';
export const JWT_ISSUER = 'microblog';
export const JWT_AUDIENCE = 'bff-web';

/** What a verified cookie says. */
export type SessionClaims = { userId: string; sessionId: string; expiresAt: number; issuedAt: number };

/** Signs, reads and writes session cookies. */
export type SessionCookies = {
  /** A fresh token for the session, valid for the token lifetime but never past the session's own expiry. */
  issue(userId: string, sessionId: string, sessionExpiresAt: Date): { token: string; maxAgeSeconds: number };
  /** The claims of the request's cookie, or null when it is absent or does not verify. */
  verify(req: IncomingMessage, res: ServerResponse): Promise<SessionClaims | null>;
  /** The Set-Cookie value carrying a token. */
  setCookie(token: string, maxAgeSeconds: number): string;
  /** The Set-Cookie value that removes the cookie. */
  clearCookie(): string;
  readonly ttlSeconds: number;
};

/** The value of one cookie in a Cookie header (first occurrence), or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

const ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=Strict';
// Verified cookies remembered at most (about 3 MB); the oldest is forgotten first.
const VERIFIED_COOKIES_MAX = 10_000;
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Whether a token whose `exp` is this is still valid now (jsonwebtoken's rule: expired once now >= exp). */
function unexpired(exp: number): boolean {
  return Math.floor(Date.now() / 1000) < exp;
}

/** Builds the cookie handling for a JWT secret and token lifetime. */
export function sessionCookies(options: { jwtSecret: string; ttlSeconds: number }): SessionCookies {
  // Built once: a KeyObject keeps jsonwebtoken from ever treating the secret as a public key.
  const key: KeyObject = createSecretKey(Buffer.from(options.jwtSecret));
  const authenticator = new passport.Passport();
  authenticator.use(
    'session-cookie',
    new JwtStrategy(
      {
        jwtFromRequest: (req: IncomingMessage) => readCookie(req.headers.cookie, SESSION_COOKIE),
        // passport-jwt hands this to jsonwebtoken.verify, which accepts a KeyObject; its types only know strings and Buffers.
        secretOrKey: key as unknown as Buffer,
        // Top level on purpose: passport-jwt 4 copies these over jsonWebTokenOptions, even when undefined.
        algorithms: ['HS256'],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
      },
      (payload: Record<string, unknown>, done: (error: unknown, user?: SessionClaims | false) => void) => {
        const { sub, sid, exp, iat } = payload;
        // jsonwebtoken only checks exp when present; a token without one must not live for ever.
        if (typeof exp !== 'number' || typeof sub !== 'string' || typeof sid !== 'string') return done(null, false);
        return done(null, { userId: sub, sessionId: sid, expiresAt: exp, issuedAt: typeof iat === 'number' ? iat : 0 });
      },
    ),
  );

  const verified = new Map<string, SessionClaims>();
  const remember = (token: string, claims: SessionClaims) => {
    if (verified.size >= VERIFIED_COOKIES_MAX) {
      const oldest = verified.keys().next();
      if (!oldest.done) verified.delete(oldest.value);
    }
    verified.set(token, claims);
  };

  return {
    ttlSeconds: options.ttlSeconds,
    issue(userId, sessionId, sessionExpiresAt) {
      const now = Math.floor(Date.now() / 1000);
      const exp = Math.min(now + options.ttlSeconds, Math.floor(sessionExpiresAt.getTime() / 1000));
      const token = jwt.sign({ sid: sessionId }, key, {
        algorithm: 'HS256',
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        subject: userId,
        expiresIn: Math.max(1, exp - now),
      });
      return { token, maxAgeSeconds: Math.max(1, exp - now) };
    },
    async verify(req, res) {
      const token = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (token === null) return null;
      const known = verified.get(token);
      if (known !== undefined) {
        if (unexpired(known.expiresAt)) return known;
        verified.delete(token);
      }
      const claims = await new Promise<SessionClaims | null>((resolve, reject) => {
        const middleware = authenticator.authenticate(
          'session-cookie',
          { session: false },
          (error: unknown, user: SessionClaims | false | undefined) => {
            if (error) reject(error instanceof Error ? error : new Error(String(error)));
            else resolve(user || null);
          },
        ) as (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
        middleware(req, res, (error) =>
          error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(null),
        );
      });
      if (claims !== null && COMPACT_JWT.test(token) && unexpired(claims.expiresAt)) remember(token, claims);
      return claims;
    },
    setCookie: (token, maxAgeSeconds) => `${SESSION_COOKIE}=${token}; Max-Age=${maxAgeSeconds}; ${ATTRIBUTES}`,
    clearCookie: () => `${SESSION_COOKIE}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; ${ATTRIBUTES}`,
  };
}
