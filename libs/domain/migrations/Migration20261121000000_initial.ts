import { Migration } from '@mikro-orm/migrations';

export class InitialSchema extends Migration {
  override name = 'Migration20261121000000_initial';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "outbox_events" ("id" bigserial primary key, "type" varchar(64) not null, "payload" jsonb not null, "created_at" timestamptz(3) not null default now(), "available_at" timestamptz(3) not null default now(), "attempts" int not null default 0, "last_error" text null, "processed_at" timestamptz(3) null);`,
    );
    this.addSql(
      `create index "outbox_events_pending_idx" on "outbox_events" ("available_at", "id") where "processed_at" is null;`,
    );

    this.addSql(
      `create table "users" ("id" bigserial primary key, "username" varchar(30) not null, "username_key" varchar(30) not null, "display_name" varchar(50) not null default '', "bio" varchar(160) not null default '', "password_hash" text not null, "posts_count" int not null default 0, "followers_count" int not null default 0, "following_count" int not null default 0, "created_at" timestamptz(3) not null default now(), "password_changed_at" timestamptz(3) not null default now());`,
    );
    this.addSql(`alter table "users" add constraint "users_username_key_unique" unique ("username_key");`);

    this.addSql(
      `create table "timeline_markers" ("user_id" bigint not null, "last_read_id" bigint null, "version" int not null default 0, "updated_at" timestamptz(3) not null default now(), primary key ("user_id"));`,
    );

    this.addSql(
      `create table "sessions" ("id" bigserial primary key, "user_id" bigint not null, "kind" text not null, "device_id" varchar(128) null, "device_name" varchar(100) null, "platform" varchar(16) null, "refresh_token_hash" varchar(64) null, "rotation" int not null default 0, "rotated_at" timestamptz(3) null, "created_at" timestamptz(3) not null default now(), "last_used_at" timestamptz(3) not null default now(), "expires_at" timestamptz(3) not null, "revoked_at" timestamptz(3) null, "revoked_reason" varchar(32) null);`,
    );
    this.addSql(`create index "sessions_user_idx" on "sessions" ("user_id");`);

    this.addSql(
      `create table "push_tokens" ("id" bigserial primary key, "user_id" bigint not null, "session_id" bigint not null, "token" varchar(255) not null, "platform" varchar(16) not null, "created_at" timestamptz(3) not null default now());`,
    );
    this.addSql(`create index "push_tokens_user_idx" on "push_tokens" ("user_id");`);
    this.addSql(`create index "push_tokens_session_idx" on "push_tokens" ("session_id");`);
    this.addSql(`alter table "push_tokens" add constraint "push_tokens_token_unique" unique ("token");`);

    this.addSql(
      `create table "microposts" ("id" bigserial primary key, "author_id" bigint not null, "text" text not null, "created_at" timestamptz(3) not null default now(), "edited_at" timestamptz(3) null, "deleted_at" timestamptz(3) null, "search_vector" tsvector generated always as (to_tsvector('simple', text)) stored null, "change_xid" xid8 null default pg_current_xact_id());`,
    );
    this.addSql(
      `create index "microposts_author_created_idx" on "microposts" ("author_id", "created_at" desc, "id" desc) where "deleted_at" is null;`,
    );
    this.addSql(
      `create index "microposts_created_idx" on "microposts" ("created_at" desc, "id" desc) where "deleted_at" is null;`,
    );
    this.addSql(`create index "microposts_author_change_idx" on "microposts" ("author_id", "change_xid", "id");`);
    this.addSql(`create index "microposts_search_idx" on "microposts" using gin ("search_vector");`);

    this.addSql(
      `create table "mentions" ("id" bigserial primary key, "micropost_id" bigint not null, "user_id" bigint not null);`,
    );
    this.addSql(`create index "mentions_user_idx" on "mentions" ("user_id");`);
    this.addSql(
      `alter table "mentions" add constraint "mentions_post_user_unique" unique ("micropost_id", "user_id");`,
    );

    this.addSql(
      `create table "idempotency_records" ("id" bigserial primary key, "user_id" bigint not null, "key" varchar(255) not null, "fingerprint" varchar(64) not null, "response_status" int not null, "response_body" jsonb not null, "created_at" timestamptz(3) not null default now(), "expires_at" timestamptz(3) not null);`,
    );
    this.addSql(`create index "idempotency_records_expires_idx" on "idempotency_records" ("expires_at");`);
    this.addSql(
      `alter table "idempotency_records" add constraint "idempotency_records_user_key_unique" unique ("user_id", "key");`,
    );

    this.addSql(
      `create table "follows" ("id" bigserial primary key, "follower_id" bigint not null, "followee_id" bigint not null, "created_at" timestamptz(3) not null default now());`,
    );
    this.addSql(
      `create index "follows_followee_created_idx" on "follows" ("followee_id", "created_at" desc, "id" desc);`,
    );
    this.addSql(
      `create index "follows_follower_created_idx" on "follows" ("follower_id", "created_at" desc, "id" desc);`,
    );
    this.addSql(`alter table "follows" add constraint "follows_pair_unique" unique ("follower_id", "followee_id");`);

    this.addSql(
      `alter table "timeline_markers" add constraint "timeline_markers_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id");`,
    );
    this.addSql(`alter table "sessions" add constraint "sessions_kind_check" check ("kind" in ('web', 'mobile'));`);

    this.addSql(
      `alter table "push_tokens" add constraint "push_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id");`,
    );
    this.addSql(
      `alter table "push_tokens" add constraint "push_tokens_session_id_foreign" foreign key ("session_id") references "sessions" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "microposts" add constraint "microposts_author_id_foreign" foreign key ("author_id") references "users" ("id");`,
    );
    this.addSql(
      `create or replace function "microposts_microposts_change_xid_fn"() returns trigger as $$ begin NEW.change_xid := pg_current_xact_id(); RETURN NEW; end; $$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "microposts_change_xid" BEFORE INSERT OR UPDATE on "microposts" for each ROW execute function "microposts_microposts_change_xid_fn"();`,
    );

    this.addSql(
      `alter table "mentions" add constraint "mentions_micropost_id_foreign" foreign key ("micropost_id") references "microposts" ("id");`,
    );
    this.addSql(
      `alter table "mentions" add constraint "mentions_user_id_foreign" foreign key ("user_id") references "users" ("id");`,
    );

    this.addSql(
      `alter table "idempotency_records" add constraint "idempotency_records_user_id_foreign" foreign key ("user_id") references "users" ("id");`,
    );

    this.addSql(
      `alter table "follows" add constraint "follows_follower_id_foreign" foreign key ("follower_id") references "users" ("id");`,
    );
    this.addSql(
      `alter table "follows" add constraint "follows_followee_id_foreign" foreign key ("followee_id") references "users" ("id");`,
    );
    this.addSql(`alter table "follows" add constraint "follows_not_self" check (follower_id <> followee_id);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "timeline_markers" drop constraint "timeline_markers_user_id_foreign";`);
    this.addSql(`alter table "sessions" drop constraint "sessions_user_id_foreign";`);
    this.addSql(`alter table "push_tokens" drop constraint "push_tokens_user_id_foreign";`);
    this.addSql(`alter table "microposts" drop constraint "microposts_author_id_foreign";`);
    this.addSql(`alter table "mentions" drop constraint "mentions_user_id_foreign";`);
    this.addSql(`alter table "idempotency_records" drop constraint "idempotency_records_user_id_foreign";`);
    this.addSql(`alter table "follows" drop constraint "follows_follower_id_foreign";`);
    this.addSql(`alter table "follows" drop constraint "follows_followee_id_foreign";`);
    this.addSql(`alter table "push_tokens" drop constraint "push_tokens_session_id_foreign";`);
    this.addSql(`alter table "mentions" drop constraint "mentions_micropost_id_foreign";`);

    this.addSql(`drop table if exists "outbox_events" cascade;`);
    this.addSql(`drop table if exists "users" cascade;`);
    this.addSql(`drop table if exists "timeline_markers" cascade;`);
    this.addSql(`drop table if exists "sessions" cascade;`);
    this.addSql(`drop table if exists "push_tokens" cascade;`);
    this.addSql(`drop trigger if exists "microposts_change_xid" on "microposts";`);
    this.addSql(`drop function if exists "microposts_microposts_change_xid_fn"();`);
    this.addSql(`drop table if exists "microposts" cascade;`);
    this.addSql(`drop table if exists "mentions" cascade;`);
    this.addSql(`drop table if exists "idempotency_records" cascade;`);
    this.addSql(`drop table if exists "follows" cascade;`);
  }
}
