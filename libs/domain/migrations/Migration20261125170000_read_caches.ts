import { Migration } from '@mikro-orm/migrations';

// What the read caches (src/answer-cache.ts) and the one-round-trip reads rest on:
// - home_feed_sizes: each owner's number of home_feed lines, kept by statement triggers on home_feed, so the web's
//   page total is one primary-key read;
// - the same triggers NOTIFY home_feed_changed with the owners whose timeline changed, at commit;
// - users rows NOTIFY users_changed with their id on every update or delete (profile, counters, display name);
// - microblog_change_horizon(): the delta-sync horizon (was three statements from Node), and
//   home_timeline_first_page(): that horizon, then the first page in a snapshot taken after it, in one call.
export class ReadCaches extends Migration {
  override name = 'Migration20261125170000_read_caches';

  override up(): void {
    this.addSql(
      `create table "home_feed_sizes" ("owner_id" bigint not null, "items" int not null, primary key ("owner_id"));`,
    );
    this.addSql(
      `insert into "home_feed_sizes" ("owner_id", "items") select "owner_id", count(*) from "home_feed" group by "owner_id";`,
    );
    // One function for both triggers: the transition table is called `changed` in each, the sign comes from TG_OP.
    // Counters are upserted in owner order, so two fan-outs sharing followers lock the same rows in the same order.
    // Owner ids go out in batches of 300 (a notification payload holds at most 8,000 bytes).
    this.addSql(`create or replace function "home_feed_changed_fn"() returns trigger as $$
declare
  sign int := case when TG_OP = 'INSERT' then 1 else -1 end;
  batch text;
begin
  insert into home_feed_sizes as s (owner_id, items)
  select owner_id, sign * count(*) from changed group by owner_id order by owner_id
  on conflict (owner_id) do update set items = s.items + excluded.items;
  for batch in
    select string_agg(owner_id::text, ',') from (
      select owner_id, (row_number() over (order by owner_id) - 1) / 300 as chunk from (select distinct owner_id from changed) o
    ) numbered group by chunk
  loop
    perform pg_notify('home_feed_changed', batch);
  end loop;
  return null;
end $$ language plpgsql;`);
    this.addSql(
      `create trigger "home_feed_added" after insert on "home_feed" referencing new table as changed for each statement execute function "home_feed_changed_fn"();`,
    );
    this.addSql(
      `create trigger "home_feed_removed" after delete on "home_feed" referencing old table as changed for each statement execute function "home_feed_changed_fn"();`,
    );
    this.addSql(
      `create or replace function "users_users_notify_change_fn"() returns trigger as $$ begin perform pg_notify('users_changed', coalesce(NEW.id, OLD.id)::text); RETURN NULL; end; $$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "users_notify_change" AFTER UPDATE OR DELETE on "users" for each ROW execute function "users_users_notify_change_fn"();`,
    );
    // The argument is in src/change-order.ts; advisory keys 1937337955 (gate) and 1937337956 (numbers) as its trigger.
    this.addSql(`create or replace function "microblog_change_horizon"() returns bigint as $$
declare
  issued bigint;
  latest bigint;
  numbers bigint[];
  pending boolean;
  horizon bigint;
begin
  for attempt in 1..200 loop
    select case when is_called then last_value else 0 end into issued from micropost_change_seq;
    with locks as materialized (
      select pid, classid, objid from pg_locks
      where locktype = 'advisory' and objsubid = 2 and classid in (1937337955, 1937337956)
        and database = (select oid from pg_database where datname = current_database())
    )
    select coalesce(bool_or(g.classid = 1937337955
                            and not exists (select 1 from locks n where n.classid = 1937337956 and n.pid = g.pid)), false),
           array_agg(g.objid::bigint) filter (where g.classid = 1937337956)
      into pending, numbers
      from locks g;
    if pending then
      perform pg_sleep(case when attempt <= 20 then 0.001 else 0.01 end);
      continue;
    end if;
    select case when is_called then last_value else 0 end into latest from micropost_change_seq;
    select least(issued, min(latest - (((latest - n) % 4294967296) + 4294967296) % 4294967296 - 1))
      into horizon from unnest(numbers) n;
    return horizon;
  end loop;
  raise exception 'timeline changes cannot be ordered right now; retry shortly' using errcode = 'MB503';
end $$ language plpgsql volatile;`);
    // VOLATILE: in READ COMMITTED each statement inside takes a new snapshot, so the page is read after the horizon
    // is known and holds every write numbered at or below it.
    this.addSql(`create or replace function "home_timeline_first_page"(viewer bigint, page_size int)
returns table (horizon bigint, id bigint, author_id bigint, text text, created_at timestamptz, edited_at timestamptz,
               username text, display_name text, mentions text[]) as $$
#variable_conflict use_column
declare
  known bigint := microblog_change_horizon();
begin
  return query
    select known, p.id, p.author_id, p.text::text, p.created_at, p.edited_at, u.username::text, u.display_name::text,
           array(select mu.username::text from mentions mn join users mu on mu.id = mn.user_id
                 where mn.micropost_id = p.id order by mn.id)
    from (select h.micropost_id from home_feed h where h.owner_id = viewer
          order by h.created_at desc, h.micropost_id desc limit page_size) page
    join microposts p on p.id = page.micropost_id
    join users u on u.id = p.author_id
    order by p.created_at desc, p.id desc;
  if not found then
    return query select known, null::bigint, null::bigint, null::text, null::timestamptz, null::timestamptz,
                        null::text, null::text, null::text[];
  end if;
end $$ language plpgsql volatile;`);
  }

  override down(): void {
    this.addSql(`drop function if exists "home_timeline_first_page"(bigint, int);`);
    this.addSql(`drop function if exists "microblog_change_horizon"();`);
    this.addSql(`drop trigger if exists "users_notify_change" on "users";`);
    this.addSql(`drop function if exists "users_users_notify_change_fn"();`);
    this.addSql(`drop trigger if exists "home_feed_added" on "home_feed";`);
    this.addSql(`drop trigger if exists "home_feed_removed" on "home_feed";`);
    this.addSql(`drop function if exists "home_feed_changed_fn"();`);
    this.addSql(`drop table if exists "home_feed_sizes";`);
  }
}
