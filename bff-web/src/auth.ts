// Who is calling: the session cookie, verified, with its session checked live on every request (so sign-out
// and password changes take effect at once), and renewed when less than half of its lifetime remains.
import { checkSession, DomainError } from '@microblog/domain';
import type { DomainContext } from '@microblog/domain';
import type { Middleware, ParameterizedContext } from 'koa';
import { HttpProblem, type Logger } from '@microblog/bff-kit';
import type { SessionCookies } from './session-cookie.ts';

/** The signed-in user of a request. */
export type Viewer = { userId: string; sessionId: string; sessionExpiresAt: Date };

/** What every request's state carries. */
export type AppState = { requestId: string; log: Logger; domain: DomainContext; viewer: Viewer | null };

type Context = ParameterizedContext<AppState>;

async function resolveViewer(ctx: Context, cookies: SessionCookies): Promise<Viewer | null> {
  const claims = await cookies.verify(ctx.req, ctx.res);
  if (claims === null) return null;
  let session;
  try {
    session = await checkSession(ctx.state.domain, { sessionId: claims.sessionId, userId: claims.userId });
  } catch (error) {
    // Revoked or expired reads as signed out; a database outage must not.
    if (error instanceof DomainError && error.code === 'unauthenticated') return null;
    throw error;
  }
  const remaining = claims.expiresAt - Date.now() / 1000;
  if (remaining < cookies.ttlSeconds / 2) {
    const { token, maxAgeSeconds } = cookies.issue(session.userId, session.id, session.expiresAt);
    ctx.append('Set-Cookie', cookies.setCookie(token, maxAgeSeconds));
  }
  return { userId: session.userId, sessionId: session.id, sessionExpiresAt: session.expiresAt };
}

/** Signed-in only: 401 unauthenticated (and the stale cookie cleared) without a live session. */
export function requireViewer(cookies: SessionCookies): Middleware<AppState> {
  return async (ctx, next) => {
    const viewer = await resolveViewer(ctx, cookies);
    if (viewer === null) {
      const headers: Record<string, string> = ctx.get('Cookie').includes('__Host-session=')
        ? { 'Set-Cookie': cookies.clearCookie() }
        : {};
      throw new HttpProblem(401, 'unauthenticated', 'sign in to continue', { headers });
    }
    ctx.state.viewer = viewer;
    await next();
  };
}

/** Signed in or not: a missing, bad, expired or revoked cookie reads as signed out. */
export function optionalViewer(cookies: SessionCookies): Middleware<AppState> {
  return async (ctx, next) => {
    ctx.state.viewer = await resolveViewer(ctx, cookies);
    await next();
  };
}

/** The viewer of a route behind requireViewer. */
export function signedIn(ctx: Context): Viewer {
  const viewer = ctx.state.viewer;
  if (!viewer) throw new HttpProblem(401, 'unauthenticated', 'sign in to continue');
  return viewer;
}
