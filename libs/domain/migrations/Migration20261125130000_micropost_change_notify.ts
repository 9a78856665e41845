import { Migration } from '@mikro-orm/migrations';

// Every committed write to a micropost (new, edited, deleted) tells listeners whose timeline may have changed:
// NOTIFY micropost_changes with the author's id, delivered at commit to every bff-web instance that LISTENs.
export class MicropostChangeNotify extends Migration {
  override name = 'Migration20261125130000_micropost_change_notify';

  override up(): void {
    this.addSql(
      `create or replace function "microposts_microposts_notify_change_fn"() returns trigger as $$ begin perform pg_notify('micropost_changes', NEW.author_id::text); RETURN NULL; end; $$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "microposts_notify_change" AFTER INSERT OR UPDATE on "microposts" for each ROW execute function "microposts_microposts_notify_change_fn"();`,
    );
  }

  override down(): void {
    this.addSql(`drop trigger if exists "microposts_notify_change" on "microposts";`);
    this.addSql(`drop function if exists "microposts_microposts_notify_change_fn"();`);
  }
}
