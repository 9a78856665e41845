import { Migration } from '@mikro-orm/migrations';

// The per-user follow quota window (src/follow-quota.ts).
export class FollowQuotas extends Migration {
  override name = 'Migration20261125130822_follow_quotas';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "follow_quotas" ("user_id" bigint not null, "window_started_at" timestamptz(3) not null, "used" int not null, primary key ("user_id"));`,
    );

    this.addSql(
      `alter table "follow_quotas" add constraint "follow_quotas_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "follow_quotas" cascade;`);
  }
}
