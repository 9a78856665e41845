import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainContext } from './database.ts';
import { cursorPage, numberedPage, type Paged, type Paging } from './pagination.ts';
import { query, toDate, toDateOrNull } from './sql.ts';
import type { MicropostView } from './views.ts';

/** One micropost row joined with its author, as every feed query selects it. */
export type MicropostRow = {
  id: string;
  author_id: string;
  text: string;
  created_at: Date | string;
  edited_at: Date | string | null;
  username: string;
  display_name: string;
};

/** Column list matching MicropostRow for a query aliasing microposts `p` and users `u`. */
export const MICROPOST_COLUMNS = 'p.id, p.author_id, p.text, p.created_at, p.edited_at, u.username, u.display_name';

/** Turns rows into views, loading the mentions of all of them in one query. */
export async function toMicropostViews(em: EntityManager, rows: MicropostRow[]): Promise<MicropostView[]> {
  if (rows.length === 0) return [];
  const mentions = await query<{ micropost_id: string; username: string }>(
    em,
    'select m.micropost_id, u.username from mentions m join users u on u.id = m.user_id where m.micropost_id in (?) order by m.id',
    [rows.map((r) => r.id)],
    { replica: true },
  );
  const byPost = new Map<string, string[]>();
  for (const m of mentions) byPost.set(m.micropost_id, [...(byPost.get(m.micropost_id) ?? []), m.username]);
  return rows.map((row) => ({
    id: row.id,
    author: { id: row.author_id, username: row.username, displayName: row.display_name },
    text: row.text,
    createdAt: toDate(row.created_at),
    editedAt: toDateOrNull(row.edited_at),
    mentions: byPost.get(row.id) ?? [],
  }));
}

/** Keyset-row adapter: the position fields `cursorPage` reads. */
export function withPosition(row: MicropostRow): MicropostRow & { createdAt: Date; id: string } {
  return Object.assign(row, { createdAt: toDate(row.created_at) });
}

/**
 * The page answering `paging` from the rows a feed query returned: numbered (with `totalItems()`, asked only
 * then) or keyset (rows hold one extra row that only says there is more).
 */
export async function micropostPage<P extends Paging>(
  ctx: DomainContext,
  scope: string,
  paging: P,
  rows: MicropostRow[],
  totalItems: () => Promise<number>,
): Promise<Paged<P, MicropostView>> {
  const views = await toMicropostViews(ctx.em, rows);
  if (paging.kind === 'page') return numberedPage(views, paging, await totalItems()) as Paged<P, MicropostView>;
  const byId = new Map(views.map((v) => [v.id, v]));
  return cursorPage(ctx.keys, scope, rows.map(withPosition), paging.limit, (row) => byId.get(row.id)!) as Paged<P, MicropostView>;
}
