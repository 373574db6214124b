import { Migration } from '@mikro-orm/migrations';

/** Initial schema: sites, phonebooks, contacts with numbers, history, notifications (PostgreSQL). */
export class Initial0001Postgresql extends Migration {
  override name = '0001-initial';

  override up(): void {
    // Trigram index for substring search over 100k+ contacts; pg_trgm is a trusted extension since PostgreSQL 13.
    this.addSql('create extension if not exists pg_trgm;');

    this.addSql('create table "site" ("id" uuid not null, "slug" varchar(64) not null, "name" varchar(200) not null, "default_country" varchar(2) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));');
    this.addSql('alter table "site" add constraint "site_slug_unique" unique ("slug");');

    this.addSql('create table "phonebook" ("id" uuid not null, "site_id" uuid not null constraint "phonebook_site_id_foreign" references "site" ("id") on delete cascade, "slug" varchar(64) not null, "name" varchar(200) not null, "description" text null, "filter" jsonb null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));');
    this.addSql('alter table "phonebook" add constraint "phonebook_site_id_slug_unique" unique ("site_id", "slug");');

    this.addSql('create table "contact" ("id" uuid not null, "site_id" uuid not null constraint "contact_site_id_foreign" references "site" ("id") on delete cascade, "first_name" varchar(200) null, "last_name" varchar(200) null, "display_name" varchar(400) not null, "sort_name" varchar(600) not null, "organization" varchar(200) null, "department" varchar(200) null, "department_key" varchar(200) null, "title" varchar(200) null, "emails" jsonb not null, "tags" jsonb not null, "tag_index" text not null, "notes" text null, "source" varchar(64) not null, "external_id" varchar(512) null, "attributes" jsonb not null, "search_text" text not null, "deleted_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, primary key ("id"));');
    this.addSql('create index "contact_site_id_deleted_at_sort_name_index" on "contact" ("site_id", "deleted_at", "sort_name");');
    this.addSql('create index "contact_site_id_department_key_index" on "contact" ("site_id", "department_key");');
    // Active contacts in name order: serves the default list order and deep pages without a sort (is null is no equality for the planner).
    this.addSql('create index "contact_active_sort_index" on "contact" ("site_id", "sort_name", "id") where "deleted_at" is null;');
    this.addSql('alter table "contact" add constraint "contact_site_source_external_unique" unique ("site_id", "source", "external_id");');
    this.addSql('create index "contact_search_text_trgm" on "contact" using gin ("search_text" gin_trgm_ops);');

    this.addSql('create table "contact_phone" ("id" serial primary key, "contact_id" uuid not null constraint "contact_phone_contact_id_foreign" references "contact" ("id") on delete cascade, "position" int not null, "type" varchar(16) not null, "number" varchar(64) not null, "label" varchar(64) null, "e164" varchar(20) null, "digits" varchar(64) not null);');
    this.addSql('create index "contact_phone_contact_id_index" on "contact_phone" ("contact_id");');
    this.addSql('create index "contact_phone_e164_index" on "contact_phone" ("e164");');
    this.addSql('create index "contact_phone_digits_index" on "contact_phone" ("digits");');

    this.addSql('create table "phonebook_member" ("phonebook_id" uuid not null constraint "phonebook_member_phonebook_id_foreign" references "phonebook" ("id") on delete cascade, "contact_id" uuid not null constraint "phonebook_member_contact_id_foreign" references "contact" ("id") on delete cascade, "added_at" timestamptz not null, primary key ("phonebook_id", "contact_id"));');
    this.addSql('create index "phonebook_member_contact_id_index" on "phonebook_member" ("contact_id");');

    this.addSql('create table "history" ("id" serial primary key, "contact_id" uuid not null, "site_id" uuid not null, "field" varchar(64) not null, "old_value" jsonb null, "new_value" jsonb null, "actor" varchar(200) not null, "actor_name" varchar(320) null, "at" timestamptz not null);');
    this.addSql('create index "history_contact_id_at_index" on "history" ("contact_id", "at");');

    this.addSql('create table "notification" ("id" uuid not null, "site_id" uuid null, "level" varchar(16) not null, "title" varchar(300) not null, "body" text null, "read_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));');
    this.addSql('create index "notification_read_at_index" on "notification" ("read_at");');
    this.addSql('create index "notification_created_at_index" on "notification" ("created_at");');
  }
}
