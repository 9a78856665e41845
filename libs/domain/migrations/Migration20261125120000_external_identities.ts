import { Migration } from '@mikro-orm/migrations';

// Sign-in through OpenID Connect providers: an external identity (issuer, subject) belongs to one local user;
// a user who only ever signed in through a provider has no password; a session remembers the provider it
// came from (for RP-initiated logout).
export class ExternalIdentities extends Migration {
  override name = 'Migration20261125120000_external_identities';

  override up(): void {
    this.addSql(
      `create table "external_identities" ("id" bigserial primary key, "user_id" bigint not null, "provider_id" varchar(64) not null, "issuer" varchar(255) not null, "subject" varchar(255) not null, "created_at" timestamptz(3) not null default now(), "last_used_at" timestamptz(3) not null default now());`,
    );
    this.addSql(
      `alter table "external_identities" add constraint "external_identities_issuer_subject_unique" unique ("issuer", "subject");`,
    );
    this.addSql(
      `alter table "external_identities" add constraint "external_identities_user_issuer_unique" unique ("user_id", "issuer");`,
    );
    this.addSql(
      `alter table "external_identities" add constraint "external_identities_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(`alter table "users" alter column "password_hash" drop not null;`);
    this.addSql(`alter table "sessions" add column "identity_provider" varchar(64) null;`);
  }

  override down(): void {
    this.addSql(`alter table "sessions" drop column if exists "identity_provider";`);
    this.addSql(`drop table if exists "external_identities" cascade;`);
    this.addSql(`update "users" set "password_hash" = '!' where "password_hash" is null;`);
    this.addSql(`alter table "users" alter column "password_hash" set not null;`);
  }
}
