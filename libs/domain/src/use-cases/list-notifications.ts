import type { DomainContext } from '../database.ts';
import { NotFound } from '../errors.ts';
import { MICROPOST_COLUMNS, toMicropostViews, type MicropostRow } from '../micropost-reads.ts';
import { cursorPage, keysetWindow, numberedPage, type Paged, type Paging } from '../pagination.ts';
import { isId, query, toDate } from '../sql.ts';
import type { MicropostView, UserSummary } from '../views.ts';

/** One entry of a user's inbox. `micropost` is the live post a mention is in. */
export type NotificationView = {
  id: string;
  kind: 'mention' | 'follow';
  createdAt: Date;
  actor: UserSummary;
  micropost: MicropostView | null;
  /** At or below the user's read marker. */
  read: boolean;
};

type NotificationRow = {
  id: string;
  kind: 'mention' | 'follow';
  created_at: Date | string;
  micropost_id: string | null;
  actor_id: string;
  username: string;
  display_name: string;
  last_read_id: string;
};

/** The user's notifications, newest first, with whether each is read. */
export async function listNotifications<P extends Paging>(
  ctx: DomainContext,
  input: { userId: string; paging: P },
): Promise<Paged<P, NotificationView>> {
  if (!isId(input.userId)) throw new NotFound('user');
  const scope = `notifications:${input.userId}`;
  const { after, limit, offset } = keysetWindow(ctx.keys, scope, input.paging);
  // Ids grow with time, so the keyset is the id alone (created_at rides along for the cursor).
  const rows = await query<NotificationRow>(
    ctx.em,
    `select n.id::text as id, n.kind, n.created_at, n.micropost_id::text as micropost_id, n.actor_id::text as actor_id,
            u.username, u.display_name,
            coalesce((select m.last_read_id from notification_markers m where m.user_id = n.recipient_id), 0)::text as last_read_id
     from notifications n join users u on u.id = n.actor_id
     where n.recipient_id = ? and (?::bigint is null or n.id < ?::bigint)
     order by n.id desc limit ? offset ?`,
    [input.userId, after?.id ?? null, after?.id ?? null, limit, offset],
  );
  const postIds = [...new Set(rows.flatMap((r) => (r.micropost_id === null ? [] : [r.micropost_id])))];
  const posts =
    postIds.length === 0
      ? []
      : toMicropostViews(
          await query<MicropostRow>(
            ctx.em,
            `select ${MICROPOST_COLUMNS} from microposts p join users u on u.id = p.author_id
       where p.id = any(?::bigint[]) and p.deleted_at is null`,
            [`{${postIds.join(',')}}`],
          ),
        );
  const byId = new Map(posts.map((post) => [post.id, post]));
  const toView = (row: NotificationRow): NotificationView => ({
    id: row.id,
    kind: row.kind,
    createdAt: toDate(row.created_at),
    actor: { id: row.actor_id, username: row.username, displayName: row.display_name },
    micropost: row.micropost_id === null ? null : (byId.get(row.micropost_id) ?? null),
    read: BigInt(row.id) <= BigInt(row.last_read_id),
  });
  if (input.paging.kind === 'page') {
    const [total] = await query<{ n: number }>(
      ctx.em,
      'select count(*)::int as n from notifications where recipient_id = ?',
      [input.userId],
    );
    return numberedPage(rows.map(toView), input.paging, total?.n ?? 0) as Paged<P, NotificationView>;
  }
  const positioned = rows.map((row) => Object.assign(row, { createdAt: toDate(row.created_at) }));
  return cursorPage(ctx.keys, scope, positioned, input.paging.limit, toView) as Paged<P, NotificationView>;
}
