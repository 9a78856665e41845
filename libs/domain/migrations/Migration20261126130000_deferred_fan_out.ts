import { Migration } from '@mikro-orm/migrations';

// Fan-out for authors with many followers (src/sql/feed.ts, src/fan-out-worker.ts). A post of an author with more than
// post_micropost's p_fan_out_max_followers goes into the author's own feed and into pending_fan_outs; the fan-out
// worker (deliver_pending_fan_out, one chunk of followers per call) writes the followers' lines later, and until it
// has, the followers' pages merge the pending post in when read (home_timeline_first_page and the page statements).
// home_timeline_first_page also answers which followed authors are past the threshold: a cached page depends on them.
const POST_MICROPOST = `
create function "post_micropost"(
  p_author_id bigint, p_text text, p_mention_keys text[], p_key text, p_fingerprint text, p_ttl_ms double precision,
  p_wait_ms integer, p_fan_out_max_followers integer, out outcome text, out post jsonb
) language plpgsql as $$
declare
  v_claimed_id bigint;
  v_stored_fingerprint text;
  v_username text;
  v_display_name text;
  v_followers integer;
  v_id bigint;
  v_created_at timestamptz;
  v_mentions jsonb := '[]'::jsonb;
begin
  if p_key is not null then
    select c.claimed_id, c.stored_fingerprint, c.stored_body into v_claimed_id, v_stored_fingerprint, post
    from claim_idempotency_key(p_author_id, p_key, p_fingerprint, p_ttl_ms, p_wait_ms) c;
    if v_claimed_id is null then
      if v_stored_fingerprint = p_fingerprint then
        outcome := 'replayed';
      else
        outcome := 'key_reused';
        post := null;
      end if;
      return;
    end if;
  end if;

  -- Counts the post, locks the author's row (posts and follows of one author serialize on it: home-feed.ts) and
  -- says who the author is.
  update users set posts_count = posts_count + 1 where id = p_author_id
  returning username, display_name, followers_count into v_username, v_display_name, v_followers;
  if not found then
    raise exception 'no user %', p_author_id using errcode = 'no_data_found';
  end if;

  -- The change_seq and micropost_changes triggers of microposts fire here.
  insert into microposts (author_id, text, created_at) values (p_author_id, p_text, clock_timestamp())
  returning id, created_at into v_id, v_created_at;

  -- Fan-out on write: the author's feed and every follower's; past p_fan_out_max_followers only the author's now, the
  -- followers' through the fan-out worker (deliver_pending_fan_out), merged into their pages until then.
  if v_followers > p_fan_out_max_followers then
    insert into home_feed (owner_id, created_at, micropost_id, author_id) values (p_author_id, v_created_at, v_id, p_author_id);
    insert into pending_fan_outs (micropost_id, author_id, created_at) values (v_id, p_author_id, v_created_at);
  else
    insert into home_feed (owner_id, created_at, micropost_id, author_id)
    select p_author_id, v_created_at, v_id, p_author_id
    union all
    select f.follower_id, v_created_at, v_id, p_author_id from follows f where f.followee_id = p_author_id;
  end if;

  -- Mentions of registered users (the author too), a notification for each other user, and its push in the outbox.
  if cardinality(p_mention_keys) > 0 then
    with mentioned as (
      select u.id, u.username, k.ord
      from unnest(p_mention_keys) with ordinality as k(username_key, ord)
      join users u on u.username_key = k.username_key
    ), mention_rows as (
      insert into mentions (micropost_id, user_id) select v_id, m.id from mentioned m order by m.ord
    ), notified as (
      insert into notifications (recipient_id, kind, actor_id, micropost_id, created_at)
      select m.id, 'mention', p_author_id, v_id, now() from mentioned m where m.id <> p_author_id order by m.ord
      on conflict (recipient_id, micropost_id) where kind = 'mention' do nothing
      returning id, recipient_id
    ), queued as (
      insert into outbox_events (type, payload)
      select 'user.mentioned', jsonb_build_object(
        'notificationId', n.id::text, 'micropostId', v_id::text, 'authorId', p_author_id::text,
        'authorUsername', v_username, 'mentionedUserId', n.recipient_id::text, 'excerpt', left(p_text, 120))
      from notified n order by n.id
    )
    select coalesce(jsonb_agg(m.username order by m.ord), '[]'::jsonb) into v_mentions from mentioned m;
  end if;

  post := jsonb_build_object(
    'id', v_id::text,
    'author', jsonb_build_object('id', p_author_id::text, 'username', v_username, 'displayName', v_display_name),
    'text', p_text,
    'createdAt', to_char(v_created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'editedAt', null,
    'mentions', v_mentions);
  if v_claimed_id is not null then
    update idempotency_records set response_status = 201, response_body = post where id = v_claimed_id;
  end if;
  outcome := 'created';
end $$;`;

// As migration 20261126120000 wrote it: what down() puts back.
const PREVIOUS_POST_MICROPOST = `
create function "post_micropost"(
  p_author_id bigint, p_text text, p_mention_keys text[], p_key text, p_fingerprint text, p_ttl_ms double precision,
  p_wait_ms integer, out outcome text, out post jsonb
) language plpgsql as $$
declare
  v_claimed_id bigint;
  v_stored_fingerprint text;
  v_username text;
  v_display_name text;
  v_id bigint;
  v_created_at timestamptz;
  v_mentions jsonb := '[]'::jsonb;
begin
  if p_key is not null then
    select c.claimed_id, c.stored_fingerprint, c.stored_body into v_claimed_id, v_stored_fingerprint, post
    from claim_idempotency_key(p_author_id, p_key, p_fingerprint, p_ttl_ms, p_wait_ms) c;
    if v_claimed_id is null then
      if v_stored_fingerprint = p_fingerprint then
        outcome := 'replayed';
      else
        outcome := 'key_reused';
        post := null;
      end if;
      return;
    end if;
  end if;

  -- Counts the post, locks the author's row (posts and follows of one author serialize on it: home-feed.ts) and
  -- says who the author is.
  update users set posts_count = posts_count + 1 where id = p_author_id
  returning username, display_name into v_username, v_display_name;
  if not found then
    raise exception 'no user %', p_author_id using errcode = 'no_data_found';
  end if;

  -- The change_seq and micropost_changes triggers of microposts fire here.
  insert into microposts (author_id, text, created_at) values (p_author_id, p_text, clock_timestamp())
  returning id, created_at into v_id, v_created_at;

  -- Fan-out on write: the author's feed and every follower's.
  insert into home_feed (owner_id, created_at, micropost_id, author_id)
  select p_author_id, v_created_at, v_id, p_author_id
  union all
  select f.follower_id, v_created_at, v_id, p_author_id from follows f where f.followee_id = p_author_id;

  -- Mentions of registered users (the author too), a notification for each other user, and its push in the outbox.
  if cardinality(p_mention_keys) > 0 then
    with mentioned as (
      select u.id, u.username, k.ord
      from unnest(p_mention_keys) with ordinality as k(username_key, ord)
      join users u on u.username_key = k.username_key
    ), mention_rows as (
      insert into mentions (micropost_id, user_id) select v_id, m.id from mentioned m order by m.ord
    ), notified as (
      insert into notifications (recipient_id, kind, actor_id, micropost_id, created_at)
      select m.id, 'mention', p_author_id, v_id, now() from mentioned m where m.id <> p_author_id order by m.ord
      on conflict (recipient_id, micropost_id) where kind = 'mention' do nothing
      returning id, recipient_id
    ), queued as (
      insert into outbox_events (type, payload)
      select 'user.mentioned', jsonb_build_object(
        'notificationId', n.id::text, 'micropostId', v_id::text, 'authorId', p_author_id::text,
        'authorUsername', v_username, 'mentionedUserId', n.recipient_id::text, 'excerpt', left(p_text, 120))
      from notified n order by n.id
    )
    select coalesce(jsonb_agg(m.username order by m.ord), '[]'::jsonb) into v_mentions from mentioned m;
  end if;

  post := jsonb_build_object(
    'id', v_id::text,
    'author', jsonb_build_object('id', p_author_id::text, 'username', v_username, 'displayName', v_display_name),
    'text', p_text,
    'createdAt', to_char(v_created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'editedAt', null,
    'mentions', v_mentions);
  if v_claimed_id is not null then
    update idempotency_records set response_status = 201, response_body = post where id = v_claimed_id;
  end if;
  outcome := 'created';
end $$;`;

const FIRST_PAGE = `create function "home_timeline_first_page"(viewer bigint, page_size int, fan_out_max_followers int)
returns table (horizon bigint, deferred_authors bigint[], id bigint, author_id bigint, text text, created_at timestamptz,
               edited_at timestamptz, username text, display_name text, mentions text[]) as $$
#variable_conflict use_column
declare
  known bigint := microblog_change_horizon();
  deferred bigint[];
begin
  -- Followed authors whose new posts reach this feed through the worker: a cached page depends on them too.
  select coalesce(array_agg(f.followee_id), '{}') into deferred
  from follows f join users a on a.id = f.followee_id
  where f.follower_id = viewer and a.followers_count > fan_out_max_followers;
  return query
    select known, deferred, p.id, p.author_id, p.text::text, p.created_at, p.edited_at, u.username::text,
           u.display_name::text,
           array(select mu.username::text from mentions mn join users mu on mu.id = mn.user_id
                 where mn.micropost_id = p.id order by mn.id)
    from (
      select e.micropost_id from (
        (select h.micropost_id, h.created_at from home_feed h where h.owner_id = viewer
         order by h.created_at desc, h.micropost_id desc limit page_size)
        union
        (select pf.micropost_id, pf.created_at from pending_fan_outs pf
         join follows f on f.followee_id = pf.author_id and f.follower_id = viewer
         order by pf.created_at desc, pf.micropost_id desc limit page_size)
      ) e order by e.created_at desc, e.micropost_id desc limit page_size
    ) page
    join microposts p on p.id = page.micropost_id
    join users u on u.id = p.author_id
    order by p.created_at desc, p.id desc;
  if not found then
    return query select known, deferred, null::bigint, null::bigint, null::text, null::timestamptz, null::timestamptz,
                        null::text, null::text, null::text[];
  end if;
end $$ language plpgsql volatile`;

const PREVIOUS_FIRST_PAGE = `create or replace function "home_timeline_first_page"(viewer bigint, page_size int)
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
end $$ language plpgsql volatile;`;

const DELIVER = `create function "deliver_pending_fan_out"(p_batch integer, out micropost_id bigint, out lines integer, out done boolean)
language plpgsql as $$
#variable_conflict use_column
declare
  r record;
  v_last_created_at timestamptz;
  v_last_follow_id bigint;
begin
  select pf.micropost_id, pf.author_id, pf.created_at, pf.delivered_to_created_at, pf.delivered_to_follow_id into r
  from pending_fan_outs pf order by pf.micropost_id limit 1 for update skip locked;
  if not found then
    return;
  end if;
  micropost_id := r.micropost_id;
  -- Follows and unfollows of the author lock its row: wait for those under way and hold new ones off until this
  -- commits, so the follower list read next is the one the feeds end up matching.
  perform 1 from users a where a.id = r.author_id for share;
  with chunk as (
    select f.follower_id, f.created_at, f.id from follows f
    where f.followee_id = r.author_id
      and (r.delivered_to_follow_id is null
           or (f.created_at, f.id) < (r.delivered_to_created_at, r.delivered_to_follow_id))
    order by f.created_at desc, f.id desc
    limit p_batch
  ), added as (
    insert into home_feed (owner_id, created_at, micropost_id, author_id)
    select c.follower_id, r.created_at, r.micropost_id, r.author_id from chunk c
    on conflict do nothing
  )
  select count(*)::int, (array_agg(c.created_at order by c.created_at, c.id))[1],
         (array_agg(c.id order by c.created_at, c.id))[1]
  into lines, v_last_created_at, v_last_follow_id
  from chunk c;
  done := lines < p_batch;
  if done then
    delete from pending_fan_outs pf where pf.micropost_id = r.micropost_id;
  else
    update pending_fan_outs pf set delivered_to_created_at = v_last_created_at, delivered_to_follow_id = v_last_follow_id
    where pf.micropost_id = r.micropost_id;
  end if;
end $$`;

export class DeferredFanOut extends Migration {
  override name = 'Migration20261126130000_deferred_fan_out';

  override up(): void {
    this.addSql(
      `create table "pending_fan_outs" ("micropost_id" bigint not null, "author_id" bigint not null, "created_at" timestamptz(3) not null, "delivered_to_created_at" timestamptz(3) null, "delivered_to_follow_id" bigint null, primary key ("micropost_id"));`,
    );
    this.addSql(
      `create index "pending_fan_outs_author_idx" on "pending_fan_outs" ("author_id", "created_at" desc, "micropost_id" desc);`,
    );
    this.addSql(
      `drop function if exists "post_micropost"(bigint, text, text[], text, text, double precision, integer);`,
    );
    this.addSql(POST_MICROPOST);
    this.addSql(`drop function if exists "home_timeline_first_page"(bigint, int);`);
    this.addSql(FIRST_PAGE);
    this.addSql(DELIVER);
  }

  override down(): void {
    this.addSql(`drop function if exists "deliver_pending_fan_out"(integer);`);
    this.addSql(`drop function if exists "home_timeline_first_page"(bigint, int, int);`);
    this.addSql(PREVIOUS_FIRST_PAGE);
    this.addSql(
      `drop function if exists "post_micropost"(bigint, text, text[], text, text, double precision, integer, integer);`,
    );
    this.addSql(PREVIOUS_POST_MICROPOST);
    // Posts still pending reach their followers' feeds as the inline fan-out would have put them.
    this.addSql(`insert into "home_feed" ("owner_id", "created_at", "micropost_id", "author_id")
      select f.follower_id, pf.created_at, pf.micropost_id, pf.author_id
      from "pending_fan_outs" pf join "follows" f on f.followee_id = pf.author_id
      on conflict do nothing;`);
    this.addSql(`drop table if exists "pending_fan_outs";`);
  }
}
