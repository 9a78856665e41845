// SQL of the home-feed table family (home_feed, home_feed_sizes) on read paths: every page of a home timeline is
// one named prepared statement. The writes that keep home_feed exact are in ../home-feed.ts; home_feed_sizes and the
// change notifications are kept by triggers (migration 20261125170000).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import { MICROPOST_COLUMNS, type MicropostRow } from '../micropost-reads.ts';
import { preparedReplicaRead } from '../replica-reads.ts';

type Reader = { readonly em: EntityManager; readonly pool: Pool };

/** A row of `home_timeline_first_page`: the horizon on every row; on an empty page one row with only the horizon. */
type FirstPageRow = { horizon: string } & ({ [K in keyof MicropostRow]: MicropostRow[K] } | { id: null });

/**
 * The first `limit` lines of `viewerId`'s home timeline and the delta-sync horizon taken before they were read, in
 * one round trip (the database function reads them in that order: see change-order.ts). Always on the primary: the
 * horizon describes the primary's writes, and a replica's page could miss some of them.
 */
export async function homeFeedFirstPage(
  pool: Pool,
  input: { viewerId: string; limit: number },
): Promise<{ horizon: bigint; rows: MicropostRow[] }> {
  const result = await pool.query<FirstPageRow>({
    name: 'feed_first_page',
    text: 'select horizon::text as horizon, id, author_id, text, created_at, edited_at, username, display_name, mentions from home_timeline_first_page($1, $2)',
    values: [input.viewerId, input.limit],
  });
  const horizon = BigInt(result.rows[0]?.horizon ?? '0');
  return { horizon, rows: result.rows.filter((row): row is FirstPageRow & MicropostRow => row.id !== null) };
}

/** `limit` lines of the timeline strictly after the keyset position `after`, newest first (may go to a replica). */
export async function homeFeedPageAfter(
  reader: Reader,
  input: { viewerId: string; after: { createdAt: Date; id: string }; limit: number },
): Promise<MicropostRow[]> {
  return preparedReplicaRead<MicropostRow>(reader, {
    name: 'feed_page_after',
    text: `select ${MICROPOST_COLUMNS}
           from (select micropost_id from home_feed
                 where owner_id = $1 and (created_at, micropost_id) < ($2::timestamptz, $3::bigint)
                 order by created_at desc, micropost_id desc limit $4) page
           join microposts p on p.id = page.micropost_id
           join users u on u.id = p.author_id
           order by p.created_at desc, p.id desc`,
    values: [input.viewerId, input.after.createdAt, input.after.id, input.limit],
  });
}

/**
 * A numbered page (`limit` lines from `offset`) and the timeline's size from its counter, in one round trip (may go
 * to a replica). On a page past the end, rows is empty and the total still right.
 */
export async function homeFeedNumberedPage(
  reader: Reader,
  input: { viewerId: string; limit: number; offset: number },
): Promise<{ total: number; rows: MicropostRow[] }> {
  const rows = await preparedReplicaRead<
    { total: number } & ({ [K in keyof MicropostRow]: MicropostRow[K] } | { id: null })
  >(reader, {
    name: 'feed_numbered_page',
    text: `select coalesce((select items from home_feed_sizes where owner_id = $1), 0) as total, page.*
             from (select 1) one
             left join lateral (
               select ${MICROPOST_COLUMNS}
               from (select micropost_id from home_feed where owner_id = $1
                     order by created_at desc, micropost_id desc limit $2 offset $3) ids
               join microposts p on p.id = ids.micropost_id
               join users u on u.id = p.author_id
             ) page on true
             order by page.created_at desc, page.id desc`,
    values: [input.viewerId, input.limit, input.offset],
  });
  return {
    total: rows[0]?.total ?? 0,
    rows: rows.filter((row): row is { total: number } & MicropostRow => row.id !== null),
  };
}
