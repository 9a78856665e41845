import type { DomainContext } from '../database.ts';
import { Session } from '../entities/session.ts';
import { Unauthenticated } from '../errors.ts';
import { rememberSessionWrites } from '../replica-reads.ts';
import { isId, run } from '../sql.ts';
import { SESSION_IDLE_TTL_MS, toSessionView, type SessionView } from './start-session.ts';

// Recording every request would turn each read into a write; once a minute is enough for "last used".
const TOUCH_INTERVAL_MS = 60_000;

/**
 * The live session named by a token's `sid`, for that user; Unauthenticated when it is unknown, revoked or
 * expired, so sign-out and revocation take effect on the next request. Extends the idle expiry as it is used.
 */
export async function checkSession(ctx: DomainContext, input: { sessionId: string; userId: string }): Promise<SessionView> {
  if (!isId(input.sessionId)) throw new Unauthenticated();
  const session = await ctx.em.findOne(Session, { id: input.sessionId });
  const now = new Date();
  if (!session || session.user.id !== input.userId || !session.isActive(now)) throw new Unauthenticated();
  rememberSessionWrites(ctx.em, input.userId, session.lastWriteLsn ?? null);
  if (now.getTime() - session.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    const expiresAt = new Date(now.getTime() + SESSION_IDLE_TTL_MS[session.kind]);
    await run(ctx.em, 'update sessions set last_used_at = ?, expires_at = greatest(expires_at, ?) where id = ? and revoked_at is null', [now, expiresAt, session.id]);
    session.lastUsedAt = now;
    if (expiresAt > session.expiresAt) session.expiresAt = expiresAt;
  }
  return toSessionView(session);
}
