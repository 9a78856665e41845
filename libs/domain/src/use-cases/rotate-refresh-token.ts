import type { DomainContext } from '../database.ts';
import { Session } from '../entities/session.ts';
import { InvalidGrant } from '../errors.ts';
import { hashRefreshToken, issueRefreshToken, readRefreshToken } from '../refresh-tokens.ts';
import { run } from '../sql.ts';
import { SESSION_IDLE_TTL_MS, toSessionView, type SessionView } from './start-session.ts';

/**
 * Exchanges a refresh token for its successor (RFC 9700 rotation). Of several concurrent exchanges of one
 * token exactly one succeeds. A token that was already rotated is a sign of theft: the whole device session
 * is revoked and InvalidGrant carries its id. The one exception is the token rotated within the last
 * `reuseGraceMs`, which is what an app retrying a refresh whose answer it lost presents: that gets
 * InvalidGrant without revocation.
 */
export async function rotateRefreshToken(
  ctx: DomainContext,
  input: { refreshToken: string; reuseGraceMs: number },
): Promise<{ session: SessionView; refreshToken: string }> {
  const claims = readRefreshToken(ctx.keys, input.refreshToken);
  if (!claims) throw new InvalidGrant();
  const session = await ctx.em.findOne(Session, { id: claims.sessionId, kind: 'mobile' });
  const now = new Date();
  if (!session || !session.isActive(now)) throw new InvalidGrant();

  if (claims.rotation === session.rotation && session.refreshTokenHash === hashRefreshToken(input.refreshToken)) {
    const next = issueRefreshToken(ctx.keys, session.id, claims.rotation + 1);
    const expiresAt = new Date(now.getTime() + SESSION_IDLE_TTL_MS.mobile);
    // Compare-and-swap on the rotation counter: concurrent exchanges serialize on the row, one wins.
    const updated = await run(
      ctx.em,
      `update sessions set rotation = rotation + 1, refresh_token_hash = ?, rotated_at = ?, last_used_at = ?, expires_at = ?
       where id = ? and rotation = ? and revoked_at is null`,
      [next.hash, now, now, expiresAt, session.id, claims.rotation],
    );
    if (updated !== 1) throw new InvalidGrant();
    Object.assign(session, { rotation: claims.rotation + 1, rotatedAt: now, lastUsedAt: now, expiresAt });
    return { session: toSessionView(session), refreshToken: next.token };
  }

  if (claims.rotation < session.rotation) {
    const justRotated =
      claims.rotation === session.rotation - 1 &&
      session.rotatedAt != null &&
      now.getTime() - session.rotatedAt.getTime() <= input.reuseGraceMs;
    if (justRotated) throw new InvalidGrant();
    await revokeForReuse(ctx, session.id, session.user.id);
    throw new InvalidGrant(session.id);
  }
  throw new InvalidGrant();
}

async function revokeForReuse(ctx: DomainContext, sessionId: string, userId: string): Promise<void> {
  await ctx.em.transactional(async (em) => {
    await run(em, 'delete from push_tokens where session_id = ?', [sessionId]);
    await run(
      em,
      `update sessions set revoked_at = now(), revoked_reason = 'refresh_token_reused', refresh_token_hash = null
       where id = ? and revoked_at is null`,
      [sessionId],
    );
  });
  ctx.sessionCache?.forgetUser(userId);
}
