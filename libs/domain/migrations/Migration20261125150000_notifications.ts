import { Migration } from '@mikro-orm/migrations';

// The notifications inbox and each user's read marker (src/notifications.ts).
export class Notifications extends Migration {
  override name = 'Migration20261125150000_notifications';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "notification_markers" ("user_id" bigint not null, "last_read_id" bigint not null, "updated_at" timestamptz(3) not null default now(), primary key ("user_id"));`,
    );

    this.addSql(
      `create table "notifications" ("id" bigserial primary key, "recipient_id" bigint not null, "kind" varchar(16) not null, "actor_id" bigint not null, "micropost_id" bigint null, "follow_day" date null, "created_at" timestamptz(3) not null default now());`,
    );
    this.addSql(`create index "notifications_recipient_id_idx" on "notifications" ("recipient_id", "id" desc);`);
    this.addSql(
      `create index "notifications_micropost_idx" on "notifications" ("micropost_id") where "micropost_id" is not null;`,
    );
    this.addSql(`create index "notifications_actor_idx" on "notifications" ("actor_id");`);
    this.addSql(
      `create unique index "notifications_follow_day_unique" on "notifications" ("recipient_id", "actor_id", "follow_day") where "kind" = 'follow';`,
    );
    this.addSql(
      `create unique index "notifications_mention_unique" on "notifications" ("recipient_id", "micropost_id") where "kind" = 'mention';`,
    );

    this.addSql(
      `alter table "notification_markers" add constraint "notification_markers_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "notifications" add constraint "notifications_recipient_id_foreign" foreign key ("recipient_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "notifications" add constraint "notifications_actor_id_foreign" foreign key ("actor_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "notifications" add constraint "notifications_micropost_id_foreign" foreign key ("micropost_id") references "microposts" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "notifications" add constraint "notifications_kind_check" check (kind in ('mention', 'follow'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "notification_markers" cascade;`);
    this.addSql(`drop table if exists "notifications" cascade;`);
  }
}
