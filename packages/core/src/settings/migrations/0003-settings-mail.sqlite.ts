import { Migration } from '@mikro-orm/migrations';

/** Runtime settings (secrets encrypted) and the mail outbox (SQLite). */
export class SettingsMail0003Sqlite extends Migration {
  override name = '0003-settings-mail';

  override up(): void {
    this.addSql('create table `setting` (`category` text not null, `scope` text not null, `values` json not null, `secrets` text null, `updated_at` datetime not null, `updated_by` text not null, primary key (`category`, `scope`));');

    this.addSql("create table `mail_outbox` (`id` text not null primary key, `to` text not null, `subject` text not null, `text` text not null, `html` text null, `template` text null, `status` text not null, `attempts` integer not null default 0, `next_attempt_at` datetime not null, `last_error` text null, `locked_until` datetime null, `created_at` datetime not null, `sent_at` datetime null);");
    this.addSql('create index `mail_outbox_status_next_attempt_at_index` on `mail_outbox` (`status`, `next_attempt_at`);');
    this.addSql('create index `mail_outbox_created_at_index` on `mail_outbox` (`created_at`);');
  }
}
