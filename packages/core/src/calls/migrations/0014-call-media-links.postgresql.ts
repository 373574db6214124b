import { Migration } from '@mikro-orm/migrations';

/** Calls: a recording or voicemail reference, and links between one call's records of several sources (PostgreSQL). */
export class CallMediaLinks0014Postgresql extends Migration {
  override name = '0014-call-media-links';

  override up(): void {
    this.addSql('alter table "call_record" add column "recording_kind" varchar(16) null, add column "recording_ref" text null, add column "conversation_id" uuid null, add column "link_primary" boolean not null default true;');
    this.addSql('create index "call_record_site_e164_started_index" on "call_record" ("site_id", "remote_e164", "started_at");');
    this.addSql('create index "call_record_conversation_index" on "call_record" ("conversation_id");');
    this.addSql('create table "call_link_exclusion" ("a" uuid not null constraint "call_link_exclusion_a_foreign" references "call_record" ("id") on delete cascade, "b" uuid not null constraint "call_link_exclusion_b_foreign" references "call_record" ("id") on delete cascade, "site_id" uuid not null, "created_at" timestamptz not null, "created_by" varchar(200) not null, constraint "call_link_exclusion_pkey" primary key ("a", "b"));');
  }
}
