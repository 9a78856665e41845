import { Migration } from '@mikro-orm/migrations';

// A post in one round trip (src/sql/microposts.ts): post_micropost does in one call what postMicropost and
// runIdempotent did in about eight statements. claim_idempotency_key decides the race on an Idempotency-Key with the
// unique constraint on (user_id, key) instead of an advisory lock: a duplicate waits for the first request's
// outcome (at most p_wait_ms, then SQLSTATE 55P03: still in flight), then replays it or is told the key was reused.
// The record of a post now holds the post's view (MicropostView as JSON), which each BFF presents on a replay as it
// presented the first answer; records written before hold bff-mobile's body and are rewritten into that form.

const CLAIM_IDEMPOTENCY_KEY = `
create function "claim_idempotency_key"(
  p_user_id bigint, p_key text, p_fingerprint text, p_ttl_ms double precision, p_wait_ms integer,
  out claimed_id bigint, out stored_fingerprint text, out stored_status integer, out stored_body jsonb
) language plpgsql as $$
declare
  v_lock_timeout text := current_setting('lock_timeout');
begin
  -- A request with this key still running holds its uncommitted row: wait at most p_wait_ms for it to end.
  perform set_config('lock_timeout', p_wait_ms::text, true);
  for attempt in 1..3 loop
    insert into idempotency_records (user_id, key, fingerprint, response_status, response_body, created_at, expires_at)
    values (p_user_id, p_key, p_fingerprint, 0, 'null'::jsonb, now(), now() + p_ttl_ms * interval '1 millisecond')
    on conflict on constraint idempotency_records_user_key_unique do nothing
    returning id into claimed_id;
    if claimed_id is not null then
      perform set_config('lock_timeout', v_lock_timeout, true);
      return;
    end if;
    select r.fingerprint, r.response_status, r.response_body into stored_fingerprint, stored_status, stored_body
    from idempotency_records r where r.user_id = p_user_id and r.key = p_key and r.expires_at > now();
    if found then
      perform set_config('lock_timeout', v_lock_timeout, true);
      return;
    end if;
    -- Older than its time to live: replaced.
    delete from idempotency_records r where r.user_id = p_user_id and r.key = p_key and r.expires_at <= now();
  end loop;
  raise exception 'could not claim idempotency key' using errcode = 'lock_not_available';
end $$;`;

const POST_MICROPOST = `
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

export class PostMicropostFunction extends Migration {
  override name = 'Migration20261126120000_post_micropost_function';

  override up(): void {
    this.addSql(CLAIM_IDEMPOTENCY_KEY);
    this.addSql(POST_MICROPOST);
    // Records of posts made before: bff-mobile's body { id, authorId, text, createdAt, editedAt } becomes the view.
    this.addSql(`update "idempotency_records" r set "response_body" = jsonb_build_object(
        'id', r.response_body->'id',
        'author', jsonb_build_object('id', r.response_body->'authorId', 'username', u.username, 'displayName', u.display_name),
        'text', r.response_body->'text',
        'createdAt', r.response_body->'createdAt',
        'editedAt', r.response_body->'editedAt',
        'mentions', coalesce(
          (select jsonb_agg(mu.username order by mn.id) from mentions mn join users mu on mu.id = mn.user_id
           where mn.micropost_id = (r.response_body->>'id')::bigint),
          '[]'::jsonb))
      from "users" u
      where u.id = r.user_id and r.response_status = 201 and jsonb_typeof(r.response_body) = 'object'
        and jsonb_typeof(r.response_body->'authorId') = 'string' and r.response_body->'author' is null
        and r.response_body->>'id' ~ '^[1-9][0-9]{0,18}$';`);
  }

  override down(): void {
    this.addSql(`update "idempotency_records" set "response_body" = jsonb_build_object(
        'id', response_body->'id',
        'authorId', response_body->'author'->'id',
        'text', response_body->'text',
        'createdAt', response_body->'createdAt',
        'editedAt', response_body->'editedAt')
      where response_status = 201 and jsonb_typeof(response_body) = 'object'
        and jsonb_typeof(response_body->'author') = 'object' and response_body->'mentions' is not null;`);
    this.addSql(
      `drop function if exists "post_micropost"(bigint, text, text[], text, text, double precision, integer);`,
    );
    this.addSql(`drop function if exists "claim_idempotency_key"(bigint, text, text, double precision, integer);`);
  }
}
