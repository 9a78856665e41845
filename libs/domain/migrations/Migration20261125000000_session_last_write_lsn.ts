import { Migration } from '@mikro-orm/migrations';

// Read-your-writes with read replicas: the primary's WAL position after the user's last write, per session.
export class SessionLastWriteLsn extends Migration {
  override name = 'Migration20261125000000_session_last_write_lsn';

  override up(): void {
    this.addSql(`alter table "sessions" add column "last_write_lsn" pg_lsn null;`);
  }

  override down(): void {
    this.addSql(`alter table "sessions" drop column "last_write_lsn";`);
  }
}
