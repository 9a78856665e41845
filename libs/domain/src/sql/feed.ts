// SQL of the home-feed table family (home_feed, home_feed_sizes, pending_fan_outs) on read paths: every page of a home
// timeline is one named prepared statement, with the posts still waiting for the fan-out worker merged in. The writes
// that keep home_feed exact are in ../home-feed.ts, post_micropost and deliver_pending_fan_out; home_feed_sizes and the
// change notifications are kept by triggers (migration 20261125170000).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import { MICROPOST_COLUMNS, type MicropostRow } from '../micropost-reads.ts';
import { preparedReplicaRead } from '../replica-reads.ts';

type Reader = { readonly em: EntityManager; readonly pool: Pool };

/**
 * A row of `home_timeline_first_page`: the horizon and the followed authors past the fan-out threshold on every row;
 * on an empty page one row with only those.
 */
type FirstPageRow = { horizon: string; deferred_authors: string[] } & (
  { [K in keyof MicropostRow]: MicropostRow[K] } | { id: null }
);

/** What a page depends on besides its posts' authors: followed authors whose posts reach the feed late. */
export type FeedPage = { rows: MicropostRow[]; deferredAuthors: string[] };

// The lines of the owner's feed and, merged in, the posts of followed authors the fan-out worker has not delivered yet
// (pending_fan_outs; usually none), newest first. `window` narrows both sides alike (keyset position, limit).
const feedLines = (window: { where: string; limit: string }) => `
  select e.micropost_id, e.created_at from (
    (select h.micropost_id, h.created_at from home_feed h where h.owner_id = $1 ${window.where.replaceAll('@', 'h')}
     order by h.created_at desc, h.micropost_id desc limit ${window.limit})
    union
    (select pf.micropost_id, pf.created_at from pending_fan_outs pf
     join follows f on f.followee_id = pf.author_id and f.follower_id = $1 ${window.where.replaceAll('@', 'pf')}
     order by pf.created_at desc, pf.micropost_id desc limit ${window.limit})
  ) e`;

// The followed authors past the fan-out threshold ($n), as text.
const deferredAuthors = (threshold: string) => `
  array(select f.followee_id::text from follows f join users a on a.id = f.followee_id
        where f.follower_id = $1 and a.followers_count > ${threshold}) as deferred_authors`;

/**
 * The first `limit` lines of `viewerId`'s home timeline and the delta-sync horizon taken before they were read, in
 * one round trip (the database function reads them in that order: see change-order.ts). Always on the primary: the
 * horizon describes the primary's writes, and a replica's page could miss some of them.
 */
export async function homeFeedFirstPage(
  pool: Pool,
  input: { viewerId: string; limit: number; fanOutMaxFollowers: number },
): Promise<FeedPage & { horizon: bigint }> {
  const result = await pool.query<FirstPageRow>({
    name: 'feed_first_page',
    text: `select horizon::text as horizon, deferred_authors::text[] as deferred_authors, id, author_id, text, created_at,
                  edited_at, username, display_name, mentions
           from home_timeline_first_page($1, $2, $3)`,
    values: [input.viewerId, input.limit, input.fanOutMaxFollowers],
  });
  const first = result.rows[0];
  return {
    horizon: BigInt(first?.horizon ?? '0'),
    deferredAuthors: first?.deferred_authors ?? [],
    rows: result.rows.filter((row): row is FirstPageRow & MicropostRow => row.id !== null),
  };
}

// Built once: pg compares a named statement's text with the one it prepared on every execution.
const FEED_PAGE_AFTER = `select ${MICROPOST_COLUMNS}
           from (${feedLines({
             where: 'and (@.created_at, @.micropost_id) < ($2::timestamptz, $3::bigint)',
             limit: '$4',
           })}
             order by e.created_at desc, e.micropost_id desc limit $4
           ) page
           join microposts p on p.id = page.micropost_id
           join users u on u.id = p.author_id
           order by p.created_at desc, p.id desc`;

/** `limit` lines of the timeline strictly after the keyset position `after`, newest first (may go to a replica). */
export async function homeFeedPageAfter(
  reader: Reader,
  input: { viewerId: string; after: { createdAt: Date; id: string }; limit: number },
): Promise<MicropostRow[]> {
  return preparedReplicaRead<MicropostRow>(reader, {
    name: 'feed_page_after',
    text: FEED_PAGE_AFTER,
    values: [input.viewerId, input.after.createdAt, input.after.id, input.limit],
  });
}

/**
 * A numbered page (`limit` lines from `offset`), the timeline's size (its counter plus the pending posts merged in)
 * and the followed authors past the fan-out threshold, in one round trip. On the primary: the answer cache keeps these
 * pages until a change is heard, and a lagging replica's page, read after that change, would be kept without it.
 * On a page past the end, rows is empty and the total still right.
 */
export async function homeFeedNumberedPage(
  pool: Pool,
  input: { viewerId: string; limit: number; offset: number; fanOutMaxFollowers: number },
): Promise<FeedPage & { total: number }> {
  const { rows } = await pool.query<
    { total: number; deferred_authors: string[] } & ({ [K in keyof MicropostRow]: MicropostRow[K] } | { id: null })
  >({
    name: 'feed_numbered_page',
    text: `select coalesce((select items from home_feed_sizes where owner_id = $1), 0)
                  + (select count(*)::int from pending_fan_outs pf
                     join follows f on f.followee_id = pf.author_id and f.follower_id = $1
                     where not exists (select 1 from home_feed h where h.owner_id = $1 and h.created_at = pf.created_at
                                                                    and h.micropost_id = pf.micropost_id)) as total,
                  ${deferredAuthors('$4')}, page.*
           from (select 1) one
           left join lateral (
             select ${MICROPOST_COLUMNS}
             from (${feedLines({ where: '', limit: '$2::int + $3::int' })}
                   order by e.created_at desc, e.micropost_id desc limit $2 offset $3) ids
             join microposts p on p.id = ids.micropost_id
             join users u on u.id = p.author_id
           ) page on true
           order by page.created_at desc, page.id desc`,
    values: [input.viewerId, input.limit, input.offset, input.fanOutMaxFollowers],
  });
  return {
    total: rows[0]?.total ?? 0,
    deferredAuthors: rows[0]?.deferred_authors ?? [],
    rows: rows.filter((row): row is { total: number; deferred_authors: string[] } & MicropostRow => row.id !== null),
  };
}

/** What one call of the fan-out worker delivered: a chunk of a pending post's followers, and whether that was all. */
export type FanOutDelivery = { micropostId: string; lines: number; done: boolean };

/**
 * Delivers the next chunk (at most `batch` followers) of the oldest pending fan-out nobody else is delivering, in one
 * statement and transaction (`deliver_pending_fan_out`); null when there is none.
 */
export async function deliverPendingFanOut(pool: Pool, batch: number): Promise<FanOutDelivery | null> {
  const result = await pool.query<{ micropost_id: string | null; lines: number | null; done: boolean | null }>({
    name: 'feed_deliver_pending_fan_out',
    text: 'select micropost_id, lines, done from deliver_pending_fan_out($1)',
    values: [batch],
  });
  const row = result.rows[0];
  if (row === undefined || row.micropost_id === null) return null;
  return { micropostId: row.micropost_id, lines: row.lines ?? 0, done: row.done ?? true };
}
