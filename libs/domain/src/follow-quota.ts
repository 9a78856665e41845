import type { EntityManager } from '@mikro-orm/postgresql';
import { QuotaExceeded } from './errors.ts';
import { query } from './sql.ts';

/**
 * Follows plus unfollows that change something, per user, per fixed window: 100 an hour. Enough to follow a
 * few dozen suggestions at once; a follow/unfollow loop stops after 50 cycles instead of notifying the target
 * without end. Counted in PostgreSQL, in the transaction of the follow itself, so both BFFs and every instance
 * share one count, and a refused or rolled-back follow counts nothing.
 */
export const FOLLOW_QUOTA = { changes: 100, windowSeconds: 3600 } as const;

/** Counts one follow change of `userId`; throws QuotaExceeded (the transaction then rolls back) past the quota. */
export async function countFollowChange(em: EntityManager, userId: string): Promise<void> {
  // The upsert locks the user's quota row, so concurrent follows of one user count one after the other.
  const [row] = await query<{ used: number; retry_after: number }>(
    em,
    `insert into follow_quotas (user_id, window_started_at, used) values (?, now(), 1)
     on conflict (user_id) do update set
       used = case when follow_quotas.window_started_at <= now() - make_interval(secs => ?) then 1 else follow_quotas.used + 1 end,
       window_started_at = case when follow_quotas.window_started_at <= now() - make_interval(secs => ?) then now() else follow_quotas.window_started_at end
     returning used, ceil(extract(epoch from (window_started_at + make_interval(secs => ?) - now())))::int as retry_after`,
    [userId, FOLLOW_QUOTA.windowSeconds, FOLLOW_QUOTA.windowSeconds, FOLLOW_QUOTA.windowSeconds],
  );
  if (row && row.used > FOLLOW_QUOTA.changes) {
    throw new QuotaExceeded(
      `at most ${FOLLOW_QUOTA.changes} follows and unfollows per ${FOLLOW_QUOTA.windowSeconds / 60} minutes`,
      Math.max(1, row.retry_after),
    );
  }
}
