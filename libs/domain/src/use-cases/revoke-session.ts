import type { DomainContext } from '../database.ts';
import { Session } from '../entities/session.ts';
import { NotFound } from '../errors.ts';
import { isId, query, run } from '../sql.ts';
import { toSessionView, type SessionView } from './start-session.ts';

/**
 * Ends one of the user's sessions (sign-out, or "log out that device"); NotFound for another user's session, and,
 * when `kind` is given, for a session of the other kind (a client revokes only the sessions it can list).
 */
export async function revokeSession(
  ctx: DomainContext,
  input: { userId: string; sessionId: string; reason?: string; kind?: 'web' | 'mobile' },
): Promise<void> {
  if (!isId(input.sessionId)) throw new NotFound('session');
  await ctx.em.transactional(async (em) => {
    const rows = await query<{ id: string }>(
      em,
      `update sessions set revoked_at = now(), revoked_reason = ?, refresh_token_hash = null
       where id = ? and user_id = ? and revoked_at is null and (?::text is null or kind = ?) returning id`,
      [input.reason ?? 'signed_out', input.sessionId, input.userId, input.kind ?? null, input.kind ?? null],
    );
    if (rows.length === 0) throw new NotFound('session');
    await run(em, 'delete from push_tokens where session_id = ?', [input.sessionId]);
  });
  ctx.sessionCache?.forgetUser(input.userId);
}

/** The user's live sessions, most recently used first. */
export async function listSessions(
  ctx: DomainContext,
  input: { userId: string; kind?: 'web' | 'mobile' },
): Promise<SessionView[]> {
  const sessions = await ctx.em.find(
    Session,
    {
      user: input.userId,
      revokedAt: null,
      expiresAt: { $gt: new Date() },
      ...(input.kind ? { kind: input.kind } : {}),
    },
    { orderBy: { lastUsedAt: 'desc', id: 'desc' }, limit: 100 },
  );
  return sessions.map(toSessionView);
}
