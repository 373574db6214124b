import { Migration } from '@mikro-orm/migrations';

/** Users, site assignments, sign-up/reset links, sessions, API tokens, machine credentials, audit (PostgreSQL). */
export class Accounts0002Postgresql extends Migration {
  override name = '0002-accounts';

  override up(): void {
    this.addSql('create table "api_token" ("id" uuid not null, "user_id" uuid not null, "name" varchar(200) not null, "token_hash" varchar(64) not null, "prefix" varchar(16) not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "expires_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));');
    this.addSql('alter table "api_token" add constraint "api_token_token_hash_unique" unique ("token_hash");');
    this.addSql('create index "api_token_user_id_index" on "api_token" ("user_id");');
    this.addSql('create table "audit_event" ("id" serial primary key, "at" timestamptz not null, "actor" varchar(200) not null, "actor_name" varchar(320) null, "action" varchar(100) not null, "method" varchar(10) null, "path" varchar(500) null, "status" int null, "site_id" uuid null, "target_id" varchar(100) null, "ip" varchar(64) null, "detail" jsonb null);');
    this.addSql('create index "audit_event_at_index" on "audit_event" ("at");');
    this.addSql('create index "audit_event_actor_index" on "audit_event" ("actor");');
    this.addSql('create table "auth_link" ("id" uuid not null, "user_id" uuid not null, "purpose" varchar(16) not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));');
    this.addSql('alter table "auth_link" add constraint "auth_link_token_hash_unique" unique ("token_hash");');
    this.addSql('create index "auth_link_user_id_index" on "auth_link" ("user_id");');
    this.addSql('create table "machine_credential" ("id" uuid not null, "kind" varchar(16) not null, "name" varchar(200) not null, "site_id" uuid null, "phonebook_id" uuid null, "service" varchar(64) null, "username" varchar(64) null, "secret_hash" varchar(64) not null, "prefix" varchar(16) not null, "created_by" varchar(200) not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));');
    this.addSql('alter table "machine_credential" add constraint "machine_credential_secret_hash_unique" unique ("secret_hash");');
    this.addSql('create index "machine_credential_phonebook_id_index" on "machine_credential" ("phonebook_id");');
    this.addSql('create index "machine_credential_kind_username_index" on "machine_credential" ("kind", "username");');
    this.addSql('create table "user_session" ("id" uuid not null, "user_id" uuid not null, "token_hash" varchar(64) not null, "csrf_token" varchar(64) not null, "created_at" timestamptz not null, "last_seen_at" timestamptz not null, "expires_at" timestamptz not null, "ip" varchar(64) null, "user_agent" varchar(300) null, primary key ("id"));');
    this.addSql('alter table "user_session" add constraint "user_session_token_hash_unique" unique ("token_hash");');
    this.addSql('create index "user_session_user_id_index" on "user_session" ("user_id");');
    this.addSql('create table "app_user" ("id" uuid not null, "email" varchar(320) not null, "first_name" varchar(200) null, "last_name" varchar(200) null, "role" varchar(16) not null, "status" varchar(16) not null, "password_hash" varchar(300) null, "failed_signins" int not null default 0, "locked_until" timestamptz null, "last_signin_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));');
    this.addSql('alter table "app_user" add constraint "app_user_email_unique" unique ("email");');
    this.addSql('create table "user_site" ("user_id" uuid not null constraint "user_site_user_id_foreign" references "app_user" ("id") on delete cascade, "site_id" uuid not null constraint "user_site_site_id_foreign" references "site" ("id") on delete cascade, primary key ("user_id", "site_id"));');
    this.addSql('create index "user_site_site_id_index" on "user_site" ("site_id");');
  }
}
