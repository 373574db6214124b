import { Migration } from '@mikro-orm/migrations';

/** The call log: one row per call of a site, source and the source's id of it (PostgreSQL). */
export class Calls0011Postgresql extends Migration {
  override name = '0011-calls';

  override up(): void {
    this.addSql('create table "call_record" ("id" uuid not null, "site_id" uuid not null, "source" varchar(64) not null, "external_id" varchar(512) not null, "direction" varchar(16) not null, "status" varchar(16) not null, "started_at" timestamptz not null, "answered_at" timestamptz null, "ended_at" timestamptz null, "duration_seconds" int null, "local_number" varchar(64) null, "local_extension" varchar(64) null, "local_user_id" varchar(200) null, "remote_number" varchar(64) null, "remote_e164" varchar(20) null, "remote_digits" varchar(64) null, "remote_name" varchar(200) null, "user_id" uuid null, "contact_id" uuid null, "raw_payload" jsonb null, "merge_state" jsonb not null, "search_text" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, primary key ("id"));');
    this.addSql('create index "call_record_site_started_index" on "call_record" ("site_id", "started_at", "id");');
    this.addSql('create index "call_record_contact_started_index" on "call_record" ("contact_id", "started_at");');
    this.addSql('create index "call_record_site_contact_index" on "call_record" ("site_id", "contact_id");');
    this.addSql('create index "call_record_remote_e164_index" on "call_record" ("remote_e164");');
    this.addSql('create index "call_record_remote_digits_index" on "call_record" ("remote_digits");');
    this.addSql('alter table "call_record" add constraint "call_record_site_source_external_unique" unique ("site_id", "source", "external_id");');
    this.addSql('alter table "call_record" add constraint "call_record_site_id_foreign" foreign key ("site_id") references "site" ("id") on delete cascade;');
  }
}
