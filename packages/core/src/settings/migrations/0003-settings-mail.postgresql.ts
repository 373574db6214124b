import { Migration } from '@mikro-orm/migrations';

/** Runtime settings (secrets encrypted) and the mail outbox (PostgreSQL). */
export class SettingsMail0003Postgresql extends Migration {
  override name = '0003-settings-mail';

  override up(): void {
    this.addSql('create table "setting" ("category" varchar(64) not null, "scope" varchar(64) not null, "values" jsonb not null, "secrets" text null, "updated_at" timestamptz not null, "updated_by" varchar(200) not null, primary key ("category", "scope"));');

    this.addSql('create table "mail_outbox" ("id" uuid not null, "to" varchar(320) not null, "subject" varchar(400) not null, "text" text not null, "html" text null, "template" varchar(64) null, "status" varchar(16) not null, "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "last_error" text null, "locked_until" timestamptz null, "created_at" timestamptz not null, "sent_at" timestamptz null, primary key ("id"));');
    this.addSql('create index "mail_outbox_status_next_attempt_at_index" on "mail_outbox" ("status", "next_attempt_at");');
    this.addSql('create index "mail_outbox_created_at_index" on "mail_outbox" ("created_at");');
  }
}
