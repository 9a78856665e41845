import type { DomainContext } from '../database.ts';
import { Unauthenticated } from '../errors.ts';
import { isId, toDate } from '../sql.ts';
import { checkLiveSession, type LiveSessionRow } from '../sql/sessions.ts';
import { SESSION_IDLE_TTL_MS, type SessionView } from './start-session.ts';
import { rememberSessionWrites } from '../replica-reads.ts';
import type { CachedSession } from '../session-cache.ts';

// Recording every request would turn each read into a write; once a minute is enough for "last used".
const TOUCH_INTERVAL_MS = 60_000;

/**
 * The live session named by a token's `sid`, for that user; Unauthenticated when it is unknown, revoked or
 * expired, so sign-out and revocation take effect on the next request. Extends the idle expiry as it is used.
 * Answered from this process's session cache when warm (no round trip), else by one prepared statement.
 */
export async function checkSession(
  ctx: DomainContext,
  input: { sessionId: string; userId: string },
): Promise<SessionView> {
  if (!isId(input.sessionId) || !isId(input.userId)) throw new Unauthenticated();
  let session = ctx.sessionCache?.get(input.sessionId, input.userId);
  if (session === undefined) {
    const store = ctx.sessionCache?.beginFill();
    const row = await checkLiveSession(ctx.pool, {
      ...input,
      touchAfterMs: TOUCH_INTERVAL_MS,
      idleTtlMs: SESSION_IDLE_TTL_MS,
    });
    if (row === null) throw new Unauthenticated();
    session = sessionViewOf(row);
    store?.(session);
  }
  rememberSessionWrites(ctx, input.userId, session.lastWriteLsn);
  return session;
}

function sessionViewOf(row: LiveSessionRow): CachedSession {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    deviceId: row.device_id,
    deviceName: row.device_name,
    platform: row.platform,
    createdAt: toDate(row.created_at),
    lastUsedAt: toDate(row.last_used_at),
    expiresAt: toDate(row.expires_at),
    identityProvider: row.identity_provider,
    lastWriteLsn: row.last_write_lsn,
  };
}
