// SQL of the microposts table family on read paths: named prepared statements with typed rows.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import { MICROPOST_COLUMNS, type MicropostRow } from '../micropost-reads.ts';
import { preparedReplicaRead } from '../replica-reads.ts';

type Reader = { readonly em: EntityManager; readonly pool: Pool };

/** A user's page as `userPostsPage` reads it: who the author is, their post count, and the page's posts. */
export type UserPostsPage = { authorId: string; postsCount: number; rows: MicropostRow[] } | null;

type UserPostsRow = { list_author_id: string; total: number } & (
  { [K in keyof MicropostRow]: MicropostRow[K] } | { id: null }
);

// The author's row and, joined laterally, their live posts of the page (either after a keyset position or from an
// offset): one statement however the author is named. Two statements rather than one with `$n is null or ...`, so
// that PostgreSQL's generic plan of each is the right range scan.
const page = (window: string) => `
select u.id as list_author_id, u.posts_count as total, page.*
from users u
left join lateral (
  select ${MICROPOST_COLUMNS}
  from microposts p
  where p.author_id = u.id and p.deleted_at is null ${window}
) page on true
where u.username_key = $1
order by page.created_at desc, page.id desc`;

/**
 * The user whose username key is `usernameKey` and `limit` of their live posts, newest first: after the keyset
 * position `after`, or from `offset`. Null when there is no such user. May go to a replica.
 */
export async function userPostsPage(
  reader: Reader,
  input: { usernameKey: string; after: { createdAt: Date; id: string } | null; limit: number; offset: number },
): Promise<UserPostsPage> {
  const rows = await preparedReplicaRead<UserPostsRow>(
    reader,
    input.after === null
      ? {
          name: 'microposts_user_page',
          text: page('order by p.created_at desc, p.id desc limit $2 offset $3'),
          values: [input.usernameKey, input.limit, input.offset],
        }
      : {
          name: 'microposts_user_page_after',
          text: page(
            'and (p.created_at, p.id) < ($2::timestamptz, $3::bigint) order by p.created_at desc, p.id desc limit $4',
          ),
          values: [input.usernameKey, input.after.createdAt, input.after.id, input.limit],
        },
  );
  const first = rows[0];
  if (first === undefined) return null;
  return {
    authorId: first.list_author_id,
    postsCount: first.total,
    rows: rows.filter((row): row is UserPostsRow & MicropostRow => row.id !== null),
  };
}
