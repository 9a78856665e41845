import { Migration } from '@mikro-orm/migrations';

// The home timeline's candidate ids, as a PL/pgSQL function: PL/pgSQL keeps the plan of its query for the
// connection, so the hottest read is not planned again on every request (planning cost as much as running it).
// Each followed author's newest posts come from an index-only scan of microposts_author_created_idx; only the
// page's ids leave the function, and only their rows are read from the heap.
export class HomeTimelineFunction extends Migration {
  override name = 'Migration20261121100000_home_timeline_function';

  override up(): void {
    this.addSql(`create or replace function home_timeline_page(viewer bigint, before_at timestamptz, before_id bigint, page_size int, skip int)
returns table (id bigint) language plpgsql stable as $$
begin
  return query
    select c.id
    from (select f.followee_id as author_id from follows f where f.follower_id = viewer union all select viewer) a
    cross join lateral (
      select m.created_at, m.id from microposts m
      where m.author_id = a.author_id and m.deleted_at is null
        and (before_at is null or (m.created_at, m.id) < (before_at, before_id))
      order by m.created_at desc, m.id desc
      limit page_size + skip
    ) c
    order by c.created_at desc, c.id desc
    limit page_size offset skip;
end $$;`);
  }

  override down(): void {
    this.addSql('drop function if exists home_timeline_page(bigint, timestamptz, bigint, int, int);');
  }
}
