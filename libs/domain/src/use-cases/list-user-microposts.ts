import type { DomainContext } from '../database.ts';
import { MICROPOST_COLUMNS, micropostPage, type MicropostRow } from '../micropost-reads.ts';
import { keysetWindow, type Paged, type Paging } from '../pagination.ts';
import { query } from '../sql.ts';
import type { MicropostView } from '../views.ts';
import { loadUserByUsername } from './find-user.ts';

/** A user's live microposts, newest first (public). */
export async function listUserMicroposts<P extends Paging>(
  ctx: DomainContext,
  input: { username: string; paging: P },
): Promise<Paged<P, MicropostView>> {
  const author = await loadUserByUsername(ctx.em, input.username);
  const scope = `user-posts:${author.id}`;
  const { after, limit, offset } = keysetWindow(ctx.keys, scope, input.paging);
  const rows = await query<MicropostRow>(
    ctx.em,
    `select ${MICROPOST_COLUMNS} from microposts p join users u on u.id = p.author_id
     where p.author_id = ? and p.deleted_at is null
       and (?::timestamptz is null or (p.created_at, p.id) < (?::timestamptz, ?::bigint))
     order by p.created_at desc, p.id desc limit ? offset ?`,
    [author.id, after?.createdAt ?? null, after?.createdAt ?? null, after?.id ?? null, limit, offset],
    { replica: true },
  );
  return micropostPage(ctx, scope, input.paging, rows, async () => author.postsCount);
}
