import { Migration } from '@mikro-orm/migrations';

// A post's notifications (micropost_changes, users_changed, home_feed_changed) leave after its commit instead of with
// it. PostgreSQL serializes the commits of all transactions that NOTIFY, across the whole server, and holds that
// lock through each commit's WAL flush; with the notifications inside, concurrent posts committed one flush at a time
// instead of sharing flushes. Now:
// - the three triggers call microblog_notify, which sends at once as before, unless the transaction has set
//   microblog.notify_after_commit: then it keeps the notification in microblog.pending_notifications (one line
//   "channel payload" each, transaction-local);
// - post_micropost_committed, the procedure the post's one statement calls (src/sql/microposts.ts), runs
//   post_micropost in a transaction that collects, commits it (durably, as any commit), and sends what was collected
//   in a second transaction of its own that does not wait for its flush (the notifications are not data: nothing is
//   lost if that commit record is).
// The post stays one statement and one round trip. Between the two commits the post is visible and not yet heard
// of, as it always was between a commit and the delivery of its notifications. If the server dies in between,
// every listener lost its connection too and starts over (src/change-notifications.ts). Called inside a caller's
// transaction (em.transactional), post_micropost notifies with its commit, as before.
const NOTIFY = `create or replace function "microblog_notify"(p_channel text, p_payload text) returns void as $$
begin
  if current_setting('microblog.notify_after_commit', true) = 'on' then
    perform set_config('microblog.pending_notifications',
      coalesce(current_setting('microblog.pending_notifications', true), '') || p_channel || ' ' || p_payload || E'\\n',
      true);
  else
    perform pg_notify(p_channel, p_payload);
  end if;
end $$ language plpgsql;`;

const MICROPOSTS_NOTIFY = (send: string) =>
  `create or replace function "microposts_microposts_notify_change_fn"() returns trigger as $$ begin perform ${send}('micropost_changes', NEW.author_id::text); RETURN NULL; end; $$ language plpgsql;`;

const USERS_NOTIFY = (send: string) =>
  `create or replace function "users_users_notify_change_fn"() returns trigger as $$ begin perform ${send}('users_changed', coalesce(NEW.id, OLD.id)::text); RETURN NULL; end; $$ language plpgsql;`;

// As written by Migration20261125170000_read_caches, but for the call that sends.
const HOME_FEED_CHANGED = (send: string) => `create or replace function "home_feed_changed_fn"() returns trigger as $$
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
    perform ${send}('home_feed_changed', batch);
  end loop;
  return null;
end $$ language plpgsql;`;

// Same arguments and answer as post_micropost (INOUT, so CALL answers one row: outcome, post).
const POST_COMMITTED = `create or replace procedure "post_micropost_committed"(
  p_author_id bigint, p_text text, p_mention_keys text[], p_key text, p_fingerprint text, p_ttl_ms double precision,
  p_wait_ms integer, p_fan_out_max_followers integer, inout outcome text default null, inout post jsonb default null
) language plpgsql as $$
declare
  pending text;
  line text;
begin
  perform set_config('microblog.notify_after_commit', 'on', true);
  select p.outcome, p.post into outcome, post
  from post_micropost(p_author_id, p_text, p_mention_keys, p_key, p_fingerprint, p_ttl_ms, p_wait_ms,
                      p_fan_out_max_followers) p;
  pending := current_setting('microblog.pending_notifications', true);
  commit;
  if coalesce(pending, '') = '' then
    return;
  end if;
  perform set_config('synchronous_commit', 'off', true);
  foreach line in array string_to_array(rtrim(pending, E'\\n'), E'\\n') loop
    perform pg_notify(split_part(line, ' ', 1), substr(line, strpos(line, ' ') + 1));
  end loop;
end $$;`;

export class PostNotifiesAfterCommit extends Migration {
  override name = 'Migration20261207000000_post_notifies_after_commit';

  override up(): void {
    this.addSql(NOTIFY);
    this.addSql(MICROPOSTS_NOTIFY('microblog_notify'));
    this.addSql(USERS_NOTIFY('microblog_notify'));
    this.addSql(HOME_FEED_CHANGED('microblog_notify'));
    this.addSql(POST_COMMITTED);
  }

  override down(): void {
    this.addSql(`drop procedure if exists "post_micropost_committed";`);
    this.addSql(MICROPOSTS_NOTIFY('pg_notify'));
    this.addSql(USERS_NOTIFY('pg_notify'));
    this.addSql(HOME_FEED_CHANGED('pg_notify'));
    this.addSql(`drop function if exists "microblog_notify"(text, text);`);
  }
}
