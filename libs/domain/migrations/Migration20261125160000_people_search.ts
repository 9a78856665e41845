import { Migration } from '@mikro-orm/migrations';

// People search (username and display-name prefixes), suggestions ranked by followers, and post search with
// English stemming (the generated column is rebuilt with its GIN index).
export class PeopleSearch extends Migration {
  override name = 'Migration20261125160000_people_search';

  override up(): void {
    this.addSql(`create index "users_username_key_prefix_idx" on "users" ("username_key" text_pattern_ops);`);
    this.addSql(`create index "users_display_name_prefix_idx" on "users" (lower("display_name") text_pattern_ops);`);
    this.addSql(`create index "users_followers_count_idx" on "users" ("followers_count" desc, "id");`);
    this.addSql(`alter table "microposts" drop column "search_vector";`);
    this.addSql(
      `alter table "microposts" add "search_vector" tsvector generated always as (to_tsvector('english', text)) stored null;`,
    );
    this.addSql(`create index "microposts_search_idx" on "microposts" using gin ("search_vector");`);
  }

  override down(): void {
    this.addSql(`alter table "microposts" drop column "search_vector";`);
    this.addSql(
      `alter table "microposts" add "search_vector" tsvector generated always as (to_tsvector('simple', text)) stored null;`,
    );
    this.addSql(`create index "microposts_search_idx" on "microposts" using gin ("search_vector");`);
    this.addSql(`drop index "users_username_key_prefix_idx";`);
    this.addSql(`drop index "users_display_name_prefix_idx";`);
    this.addSql(`drop index "users_followers_count_idx";`);
  }
}
