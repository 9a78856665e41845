import type { DomainContext } from './database.ts';
import { cursorPage, numberedPage, type Paged, type Paging } from './pagination.ts';
import { toDate, toDateOrNull } from './sql.ts';
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
  /** Usernames of the users the post mentions, in order of appearance. */
  mentions: string[];
};

/**
 * Column list matching MicropostRow for a query aliasing microposts `p` and users `u`. The mentions come in
 * the same round trip, looked up only for the rows the page returns.
 */
export const MICROPOST_COLUMNS = `p.id, p.author_id, p.text, p.created_at, p.edited_at, u.username, u.display_name,
  array(select mu.username from mentions mn join users mu on mu.id = mn.user_id where mn.micropost_id = p.id order by mn.id) as mentions`;

/** Turns feed rows into views. */
export function toMicropostViews(rows: MicropostRow[]): MicropostView[] {
  return rows.map((row) => ({
    id: row.id,
    author: { id: row.author_id, username: row.username, displayName: row.display_name },
    text: row.text,
    createdAt: toDate(row.created_at),
    editedAt: toDateOrNull(row.edited_at),
    mentions: row.mentions,
  }));
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
  const views = toMicropostViews(rows);
  if (paging.kind === 'page') return numberedPage(views, paging, await totalItems()) as Paged<P, MicropostView>;
  // A view holds its own keyset position (createdAt, id): it is its own page item.
  return cursorPage(ctx.keys, scope, views, paging.limit, (view) => view) as Paged<P, MicropostView>;
}
