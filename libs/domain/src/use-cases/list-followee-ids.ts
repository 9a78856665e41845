import type { DomainContext } from '../database.ts';
import { query } from '../sql.ts';

/** The ids of everyone the user follows (for routing live timeline updates; bounded by `limit`). */
export async function listFolloweeIds(
  ctx: DomainContext,
  input: { userId: string; limit?: number },
): Promise<string[]> {
  const rows = await query<{ id: string }>(
    ctx.em,
    'select followee_id::text as id from follows where follower_id = ? limit ?',
    [input.userId, Math.min(Math.max(1, input.limit ?? 10_000), 100_000)],
  );
  return rows.map((row) => row.id);
}
