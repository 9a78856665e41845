import type { DomainContext } from '../database.ts';
import { MICROPOST_COLUMNS, micropostPage, type MicropostRow } from '../micropost-reads.ts';
import { keysetWindow, type Paged, type Paging } from '../pagination.ts';
import { query } from '../sql.ts';
import type { MicropostView } from '../views.ts';
import { loadUserById } from './find-user.ts';

/**
 * The viewer's home timeline: their own posts and those of everyone they follow, newest first, ties by id.
 * Fan-out on read: each followed author's newest posts come from their own index range (a LATERAL
 * per-author scan), and only those candidates are merged, so the cost follows the page, not the history.
 */
export async function homeTimeline<P extends Paging>(
  ctx: DomainContext,
  input: { viewerId: string; paging: P },
): Promise<Paged<P, MicropostView>> {
  const scope = `home:${input.viewerId}`;
  const { after, limit, offset } = keysetWindow(ctx.keys, scope, input.paging);
  const viewer = await loadUserById(ctx.em, input.viewerId);
  const perAuthor = limit + offset;
  const rows = await query<MicropostRow>(
    ctx.em,
    `with authors as (
       select followee_id as author_id from follows where follower_id = ?
       union all select ?::bigint
     )
     select ${MICROPOST_COLUMNS}
     from authors a
     cross join lateral (
       select * from microposts m
       where m.author_id = a.author_id and m.deleted_at is null
         and (?::timestamptz is null or (m.created_at, m.id) < (?::timestamptz, ?::bigint))
       order by m.created_at desc, m.id desc
       limit ?
     ) p
     join users u on u.id = p.author_id
     order by p.created_at desc, p.id desc
     limit ? offset ?`,
    [viewer.id, viewer.id, after?.createdAt ?? null, after?.createdAt ?? null, after?.id ?? null, perAuthor, limit, offset],
    { replica: true },
  );
  // Totals from counter columns: cheap whatever the size of the history.
  return micropostPage(ctx, scope, input.paging, rows, async () => {
    const [total] = await query<{ total: number }>(
      ctx.em,
      `select (u.posts_count + coalesce((select sum(f.posts_count) from follows fw join users f on f.id = fw.followee_id
                                         where fw.follower_id = u.id), 0))::int as total
       from users u where u.id = ?`,
      [viewer.id],
      { replica: true },
    );
    return total?.total ?? 0;
  });
}
