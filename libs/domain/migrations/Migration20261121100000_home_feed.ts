import { Migration } from '@mikro-orm/migrations';

// The materialized home timeline (fan-out on write). The primary key is the read order, so a page is one
// backward index range scan whatever the size of the history.
export class HomeFeed extends Migration {
  override name = 'Migration20261121100000_home_feed';

  override up(): void {
    this.addSql(
      `create table "home_feed" ("owner_id" bigint not null, "created_at" timestamptz(3) not null, "micropost_id" bigint not null, "author_id" bigint not null, primary key ("owner_id", "created_at", "micropost_id"));`,
    );
    // Timelines that existed before: every live post goes to its author and to each of the author's followers.
    this.addSql(`insert into "home_feed" ("owner_id", "created_at", "micropost_id", "author_id")
      select p.author_id, p.created_at, p.id, p.author_id from microposts p where p.deleted_at is null
      union all
      select f.follower_id, p.created_at, p.id, p.author_id
      from microposts p join follows f on f.followee_id = p.author_id where p.deleted_at is null;`);
  }

  override down(): void {
    this.addSql(`drop table if exists "home_feed" cascade;`);
  }
}
