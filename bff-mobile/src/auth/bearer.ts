// Bearer authentication with passport-jwt (header only), then the session named by `sid` checked live.
// A token that verified is remembered until its `exp` (the exact string, so any altered byte is verified afresh):
// a client repeating one token for its 15 minutes pays for one verification.
import { checkSession } from '@microblog/domain';
import type { Context, Next } from 'koa';
import { Passport } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { HttpProblem } from '@microblog/bff-kit';
import { domain } from '../state.ts';
import { AUDIENCE, ISSUER, type AccessClaims, type AccessTokens } from './access-tokens.ts';

const ID = /^[1-9][0-9]{0,18}$/;
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
// Verified tokens remembered at most (about 3 MB); the oldest is forgotten first.
const VERIFIED_TOKENS_MAX = 10_000;

type VerifiedToken = AccessClaims & { exp: number };

function claimsOf(payload: unknown): VerifiedToken | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { exp, sub, sid } = payload as { exp?: unknown; sub?: unknown; sid?: unknown };
  // jsonwebtoken only checks exp when present: a token without one must not live for ever.
  if (typeof exp !== 'number') return null;
  if (typeof sub !== 'string' || !ID.test(sub) || typeof sid !== 'string' || !ID.test(sid)) return null;
  return { userId: sub, sessionId: sid, exp };
}

/** Whether a token whose `exp` is this is still valid now (jsonwebtoken's rule: expired once now >= exp). */
function unexpired(exp: number): boolean {
  return Math.floor(Date.now() / 1000) < exp;
}

/** Koa middleware that require or allow a bearer token and set `ctx.state.caller`. */
export function bearerAuth(tokens: AccessTokens): {
  required: (ctx: Context, next: Next) => Promise<void>;
  optional: (ctx: Context, next: Next) => Promise<void>;
} {
  const passport = new Passport();
  passport.use(
    new JwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        // jsonwebtoken accepts a KeyObject; @types/passport-jwt only lists string | Buffer.
        secretOrKeyProvider: (_req, _raw, done) => done(null, tokens.key as unknown as Buffer),
        // At the top level: passport-jwt copies these over jsonWebTokenOptions, even when undefined.
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      },
      (payload: unknown, done: (error: unknown, user?: VerifiedToken | false) => void) =>
        done(null, claimsOf(payload) ?? false),
    ),
  );

  const verified = new Map<string, VerifiedToken>();
  const remember = (token: string, claims: VerifiedToken) => {
    if (verified.size >= VERIFIED_TOKENS_MAX) {
      const oldest = verified.keys().next();
      if (!oldest.done) verified.delete(oldest.value);
    }
    verified.set(token, claims);
  };

  const passportVerify = (ctx: Context): Promise<VerifiedToken | null> =>
    new Promise((resolve, reject) => {
      const middleware = passport.authenticate(
        'jwt',
        { session: false },
        (error: unknown, user: VerifiedToken | false) => {
          if (error) reject(error instanceof Error ? error : new Error(String(error)));
          else resolve(user || null);
        },
      ) as (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
      middleware(ctx.req, ctx.res, (error) =>
        error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(null),
      );
    });

  // A token that verified before and has not expired since: its claims, without verifying it again.
  const remembered = (header: string): AccessClaims | null => {
    if (!header.startsWith('Bearer ')) return null;
    const token = header.slice(7);
    const known = verified.get(token);
    if (known === undefined) return null;
    if (unexpired(known.exp)) return { userId: known.userId, sessionId: known.sessionId };
    verified.delete(token);
    return null;
  };

  const verify = async (ctx: Context, header: string): Promise<AccessClaims | null> => {
    // Only the plain form is remembered; anything else is left to passport-jwt every time.
    const token = header.startsWith('Bearer ') && COMPACT_JWT.test(header.slice(7)) ? header.slice(7) : null;
    const claims = await passportVerify(ctx);
    if (claims === null) return null;
    if (token !== null && unexpired(claims.exp)) remember(token, claims);
    return { userId: claims.userId, sessionId: claims.sessionId };
  };

  const authenticate = async (ctx: Context, required: boolean, next: Next): Promise<void> => {
    const header = ctx.get('authorization');
    if (header === '') {
      if (required)
        throw new HttpProblem(401, 'unauthenticated', 'send an access token as Authorization: Bearer <token>');
      return next();
    }
    const claims = remembered(header) ?? (await verify(ctx, header));
    if (!claims) throw new HttpProblem(401, 'unauthenticated', 'the access token is invalid or expired');
    // Live check: sign-out, revocation and password change take effect on the next request.
    await checkSession(domain(ctx), claims);
    ctx.state.caller = claims;
    return next();
  };

  return {
    required: (ctx, next) => authenticate(ctx, true, next),
    optional: (ctx, next) => authenticate(ctx, false, next),
  };
}
