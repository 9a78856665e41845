import type { DomainContext } from '../database.ts';
import { MICROPOST_COLUMNS, micropostPage, type MicropostRow } from '../micropost-reads.ts';
import { keysetWindow, type Paged, type Paging } from '../pagination.ts';
import { NotFound } from '../errors.ts';
import { isId, query } from '../sql.ts';
import type { MicropostView } from '../views.ts';

/**
 * The SQL behind homeTimeline, for tools (benchmarks, EXPLAIN). Positional `?` parameters: viewer id, the
 * cursor's createdAt (twice) and id (all null for the first page), limit, offset.
 */
export const HOME_TIMELINE_SQL = `select ${MICROPOST_COLUMNS}
     from (
       select micropost_id from home_feed
       where owner_id = ? and (?::timestamptz is null or (created_at, micropost_id) < (?::timestamptz, ?::bigint))
       order by created_at desc, micropost_id desc
       limit ? offset ?
     ) page
     join microposts p on p.id = page.micropost_id
     join users u on u.id = p.author_id
     order by p.created_at desc, p.id desc`;

/**
 * The viewer's home timeline: their own posts and those of everyone they follow, newest first, ties by id.
 * Fan-out on write: the timeline is materialized in `home_feed` (kept exact by the writes, see home-feed.ts),
 * so a page is one range scan of its primary key, whatever the size of the history or the number followed.
 */
export async function homeTimeline<P extends Paging>(
  ctx: DomainContext,
  input: { viewerId: string; paging: P },
): Promise<Paged<P, MicropostView>> {
  const scope = `home:${input.viewerId}`;
  const { after, limit, offset } = keysetWindow(ctx.keys, scope, input.paging);
  if (!isId(input.viewerId)) throw new NotFound('user');
  const rows = await query<MicropostRow>(
    ctx.em,
    HOME_TIMELINE_SQL,
    [input.viewerId, after?.createdAt ?? null, after?.createdAt ?? null, after?.id ?? null, limit, offset],
    { replica: true },
  );
  // Totals from counter columns: cheap whatever the size of the history.
  return micropostPage(ctx, scope, input.paging, rows, async () => {
    const [total] = await query<{ total: number }>(
      ctx.em,
      `select (u.posts_count + coalesce((select sum(f.posts_count) from follows fw join users f on f.id = fw.followee_id
                                         where fw.follower_id = u.id), 0))::int as total
       from users u where u.id = ?`,
      [input.viewerId],
      { replica: true },
    );
    return total?.total ?? 0;
  });
}
