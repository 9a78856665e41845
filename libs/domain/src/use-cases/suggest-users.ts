import type { DomainContext } from '../database.ts';
import { NotFound } from '../errors.ts';
import { isId, query } from '../sql.ts';
import type { UserSummary } from '../views.ts';

/** A suggestion and why: how many of the people you follow follow them (0 for a popular account). */
export type Suggestion = { user: UserSummary; followedByYourFollows: number };

/**
 * "Who to follow": people followed by the people the viewer follows, most such follows first, never the viewer or
 * someone already followed. A viewer who follows nobody yet (or whose follows lead nowhere new) gets the most
 * followed accounts instead, so the empty home page has somewhere to start.
 */
export async function suggestUsers(
  ctx: DomainContext,
  input: { viewerId: string; limit: number },
): Promise<Suggestion[]> {
  if (!isId(input.viewerId)) throw new NotFound('user');
  const limit = Math.min(Math.max(1, Math.trunc(input.limit) || 1), 50);
  const rows = await query<{ id: string; username: string; display_name: string; via: number }>(
    ctx.em,
    `with mine as (select followee_id from follows where follower_id = ?),
     friends as (
       select f2.followee_id as id, count(*)::int as via
       from mine join follows f2 on f2.follower_id = mine.followee_id
       where f2.followee_id <> ? and f2.followee_id not in (select followee_id from mine)
       group by f2.followee_id
       order by via desc limit ?
     ),
     popular as (
       select u.id, 0 as via from users u
       where u.id <> ? and u.id not in (select followee_id from mine) and u.id not in (select id from friends)
       order by u.followers_count desc, u.id limit ?
     ),
     picked as (select id, via from friends union all select id, via from popular)
     select u.id::text as id, u.username, u.display_name, picked.via
     from picked join users u on u.id = picked.id
     order by picked.via desc, u.followers_count desc, u.id limit ?`,
    [input.viewerId, input.viewerId, limit, input.viewerId, limit, limit],
    { replica: true },
  );
  return rows.map((row) => ({
    user: { id: row.id, username: row.username, displayName: row.display_name },
    followedByYourFollows: row.via,
  }));
}
