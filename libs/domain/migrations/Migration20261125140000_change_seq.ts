import { Migration } from '@mikro-orm/migrations';

// Delta sync moves from transaction ids (whose horizon, pg_snapshot_xmin, is held back by any long transaction on the
// server) to this database's own change order (src/change-order.ts). Existing rows are numbered in their old order.
export class ChangeSeq extends Migration {
  override name = 'Migration20261125140000_change_seq';

  override up(): void {
    this.addSql(`create sequence "micropost_change_seq";`);
    this.addSql(`alter table "microposts" add column "change_seq" bigint null;`);
    this.addSql(`update "microposts" m set "change_seq" = o.seq
      from (select id, nextval('micropost_change_seq') as seq from (select id from microposts order by change_xid, id) ordered) o
      where m.id = o.id;`);
    this.addSql(`drop trigger if exists "microposts_change_xid" on "microposts";`);
    this.addSql(`drop function if exists "microposts_microposts_change_xid_fn"();`);
    this.addSql(`drop index if exists "microposts_author_change_idx";`);
    this.addSql(`alter table "microposts" drop column "change_xid";`);
    this.addSql(`create index "microposts_author_change_seq_idx" on "microposts" ("author_id", "change_seq");`);
    this.addSql(
      `create or replace function "microposts_microposts_change_seq_fn"() returns trigger as $$ begin IF coalesce(current_setting('microblog.change_seq_locked', true), '') = '' THEN PERFORM pg_advisory_xact_lock_shared(1937337955, 0); NEW.change_seq := nextval('micropost_change_seq'); PERFORM pg_advisory_xact_lock(1937337956, NEW.change_seq::bit(32)::int); PERFORM set_config('microblog.change_seq_locked', 'yes', true); ELSE NEW.change_seq := nextval('micropost_change_seq'); END IF; RETURN NEW; end; $$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "microposts_change_seq" BEFORE INSERT OR UPDATE on "microposts" for each ROW execute function "microposts_microposts_change_seq_fn"();`,
    );
  }

  override down(): void {
    this.addSql(`drop trigger if exists "microposts_change_seq" on "microposts";`);
    this.addSql(`drop function if exists "microposts_microposts_change_seq_fn"();`);
    this.addSql(`drop index if exists "microposts_author_change_seq_idx";`);
    this.addSql(`alter table "microposts" add column "change_xid" xid8 null default pg_current_xact_id();`);
    this.addSql(`alter table "microposts" drop column "change_seq";`);
    this.addSql(`drop sequence if exists "micropost_change_seq";`);
    this.addSql(`create index "microposts_author_change_idx" on "microposts" ("author_id", "change_xid", "id");`);
    this.addSql(
      `create or replace function "microposts_microposts_change_xid_fn"() returns trigger as $$ begin NEW.change_xid := pg_current_xact_id(); RETURN NEW; end; $$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "microposts_change_xid" BEFORE INSERT OR UPDATE on "microposts" for each ROW execute function "microposts_microposts_change_xid_fn"();`,
    );
  }
}
