import { Migration } from '@mikro-orm/migrations';

// Revocations tell the session caches by trigger, not by each use case: a session row revoked (revoked_at set) or
// deleted, by any statement (a use case, an account deletion's cascade, an operator's hand-written SQL), notifies
// sessions_revoked with its user id, delivered at commit (PostgreSQL sends one notification per user and
// transaction, however many rows). Before, each revoking use case called pg_notify itself, and a revocation written
// any other way stayed unseen by the other instances' caches until their entries' lifetime ran out.
const NOTIFY = `create or replace function "sessions_notify_revoked_fn"() returns trigger as $$
begin
  perform pg_notify('sessions_revoked', coalesce(NEW.user_id, OLD.user_id)::text);
  return null;
end $$ language plpgsql;`;

export class SessionsNotifyRevoked extends Migration {
  override name = 'Migration20261206210000_sessions_notify_revoked';

  override up(): void {
    this.addSql(NOTIFY);
    this.addSql(
      `create trigger "sessions_revoked" after update on "sessions" for each row when (OLD.revoked_at is null and NEW.revoked_at is not null) execute function "sessions_notify_revoked_fn"();`,
    );
    this.addSql(
      `create trigger "sessions_deleted" after delete on "sessions" for each row execute function "sessions_notify_revoked_fn"();`,
    );
  }

  override down(): void {
    this.addSql(`drop trigger if exists "sessions_deleted" on "sessions";`);
    this.addSql(`drop trigger if exists "sessions_revoked" on "sessions";`);
    this.addSql(`drop function if exists "sessions_notify_revoked_fn"();`);
  }
}
