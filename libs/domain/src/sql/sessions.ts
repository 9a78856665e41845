// SQL of the `sessions` table family that runs on hot paths: each statement a named prepared statement (parsed and
// planned once per connection), each function returning typed rows. Revocations notify by trigger (migration
// 20261206210000), so no statement here has to travel with one.
import type { Pool } from 'pg';

/**
 * The channel every revoked or deleted session row notifies at commit (triggers on `sessions`), with the user id as
 * payload; every session cache listens on it and drops that user's entries. A write that moves the user's
 * read-your-writes mark notifies it too (replica-reads.ts).
 */
export const SESSIONS_REVOKED_CHANNEL = 'sessions_revoked';

/** A live session as `checkLiveSession` answers it (timestamps as PostgreSQL's text, see `toDate`). */
export type LiveSessionRow = {
  id: string;
  user_id: string;
  kind: 'web' | 'mobile';
  device_id: string | null;
  device_name: string | null;
  platform: string | null;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  /** The primary's WAL position after this user's last write, when replicas are in use (replica-reads.ts). */
  last_write_lsn: string | null;
  /** The OpenID Connect provider the session was signed in through, else null. */
  identity_provider: string | null;
};

// One round trip: the live row, touched (last use, idle expiry pushed forward) when its last use is older than $3 ms.
const CHECK_LIVE_SESSION = `
with live as (
  select id, user_id, kind, device_id, device_name, platform, created_at, last_used_at, expires_at, last_write_lsn,
         identity_provider
  from sessions
  where id = $1 and user_id = $2 and revoked_at is null and expires_at > now()
), touched as (
  update sessions s
  set last_used_at = now(),
      expires_at = greatest(s.expires_at, now() + (case when live.kind = 'web' then $4::float8 else $5::float8 end) * interval '1 millisecond')
  from live
  where s.id = live.id and s.revoked_at is null and live.last_used_at < now() - $3::float8 * interval '1 millisecond'
  returning s.last_used_at, s.expires_at
)
select live.id, live.user_id, live.kind, live.device_id, live.device_name, live.platform, live.created_at,
       coalesce(touched.last_used_at, live.last_used_at) as last_used_at,
       coalesce(touched.expires_at, live.expires_at) as expires_at, live.last_write_lsn::text as last_write_lsn,
       live.identity_provider
from live left join touched on true`;

/**
 * The session `sessionId` if it belongs to `userId`, is not revoked and has not expired, else null; its last use
 * is recorded (and its idle expiry extended) when older than `touchAfterMs`. Ids must be checked with `isId` first.
 */
export async function checkLiveSession(
  pool: Pool,
  input: { sessionId: string; userId: string; touchAfterMs: number; idleTtlMs: { web: number; mobile: number } },
): Promise<LiveSessionRow | null> {
  const result = await pool.query<LiveSessionRow>({
    name: 'sessions_check_live',
    text: CHECK_LIVE_SESSION,
    values: [input.sessionId, input.userId, input.touchAfterMs, input.idleTtlMs.web, input.idleTtlMs.mobile],
  });
  return result.rows[0] ?? null;
}
