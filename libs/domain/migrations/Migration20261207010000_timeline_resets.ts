import { Migration } from '@mikro-orm/migrations';

// Delta sync learns of posts that leave no row behind. A deleted account's posts are deleted outright, with its
// follows, so timelineChanges (which reads the changed posts of the accounts the viewer follows) never reported them
// and apps kept showing them. Now deleteAccount numbers a timeline_resets row for each follower in the same change
// order as post writes (the microposts change_seq trigger body, src/change-order.ts), and a sync token older than
// its owner's row is refused: the app reloads its first page, as after any expired token. One row per user at most,
// naming no one else, so nothing about the deleted account is kept.
export class TimelineResets extends Migration {
  override name = 'Migration20261207010000_timeline_resets';

  override up(): void {
    this.addSql(
      `create table "timeline_resets" ("owner_id" bigint not null, "change_seq" bigint null, primary key ("owner_id"));`,
    );
    this.addSql(
      `create or replace function "timeline_resets_timeline_resets_change_seq_fn"() returns trigger as $$ begin IF coalesce(current_setting('microblog.change_seq_locked', true), '') = '' THEN PERFORM pg_advisory_xact_lock_shared(1937337955, 0); NEW.change_seq := nextval('micropost_change_seq'); PERFORM pg_advisory_xact_lock(1937337956, NEW.change_seq::bit(32)::int); PERFORM set_config('microblog.change_seq_locked', 'yes', true); ELSE NEW.change_seq := nextval('micropost_change_seq'); END IF; RETURN NEW; end; $$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "timeline_resets_change_seq" BEFORE INSERT OR UPDATE on "timeline_resets" for each ROW execute function "timeline_resets_timeline_resets_change_seq_fn"();`,
    );
  }

  override down(): void {
    this.addSql(`drop table if exists "timeline_resets" cascade;`);
    this.addSql(`drop function if exists "timeline_resets_timeline_resets_change_seq_fn"();`);
  }
}
