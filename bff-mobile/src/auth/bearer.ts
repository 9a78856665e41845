// Bearer authentication with passport-jwt (header only), then the session named by `sid` checked live.
import { checkSession } from '@microblog/domain';
import type { Context, Next } from 'koa';
import { Passport } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { HttpProblem } from '@microblog/bff-kit';
import { domain } from '../state.ts';
import { AUDIENCE, ISSUER, type AccessClaims, type AccessTokens } from './access-tokens.ts';

const ID = /^[1-9][0-9]{0,18}$/;

function claimsOf(payload: unknown): AccessClaims | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { exp, sub, sid } = payload as { exp?: unknown; sub?: unknown; sid?: unknown };
  // jsonwebtoken only checks exp when present: a token without one must not live for ever.
  if (typeof exp !== 'number') return null;
  if (typeof sub !== 'string' || !ID.test(sub) || typeof sid !== 'string' || !ID.test(sid)) return null;
  return { userId: sub, sessionId: sid };
}


/** Koa middleware that require or allow a bearer token and set `ctx.state.caller`. */
export function bearerAuth(tokens: AccessTokens): { required: (ctx: Context, next: Next) => Promise<void>; optional: (ctx: Context, next: Next) => Promise<void> } {
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
      (payload: unknown, done: (error: unknown, user?: AccessClaims | false) => void) => done(null, claimsOf(payload) ?? false),
    ),
  );

  const verify = (ctx: Context): Promise<AccessClaims | null> =>
    new Promise((resolve, reject) => {
      const middleware = passport.authenticate('jwt', { session: false }, (error: unknown, user: AccessClaims | false) => {
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve(user || null);
      }) as (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
      middleware(ctx.req, ctx.res, (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(null)));
    });

  const authenticate = async (ctx: Context, required: boolean): Promise<void> => {
    const header = ctx.get('authorization');
    if (header === '') {
      if (required) throw new HttpProblem(401, 'unauthenticated', 'send an access token as Authorization: Bearer <token>');
      return;
    }
    const claims = await verify(ctx);
    if (!claims) throw new HttpProblem(401, 'unauthenticated', 'the access token is invalid or expired');
    // Live check: sign-out, revocation and password change take effect on the next request.
    await checkSession(domain(ctx), claims);
    ctx.state.caller = claims;
  };

  return {
    required: async (ctx, next) => {
      await authenticate(ctx, true);
      await next();
    },
    optional: async (ctx, next) => {
      await authenticate(ctx, false);
      await next();
    },
  };
}
