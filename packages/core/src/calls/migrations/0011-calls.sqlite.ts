import { Migration } from '@mikro-orm/migrations';

/** The call log: one row per call of a site, source and the source's id of it (SQLite). */
export class Calls0011Sqlite extends Migration {
  override name = '0011-calls';

  override up(): void {
    this.addSql('create table `call_record` (`id` text not null primary key, `site_id` text not null, `source` text not null, `external_id` text not null, `direction` text not null, `status` text not null, `started_at` datetime not null, `answered_at` datetime null, `ended_at` datetime null, `duration_seconds` integer null, `local_number` text null, `local_extension` text null, `local_user_id` text null, `remote_number` text null, `remote_e164` text null, `remote_digits` text null, `remote_name` text null, `user_id` text null, `contact_id` text null, `raw_payload` json null, `merge_state` json not null, `search_text` text not null, `created_at` datetime not null, `updated_at` datetime not null, `version` integer not null default 1, constraint `call_record_site_id_foreign` foreign key (`site_id`) references `site` (`id`) on delete cascade);');
    this.addSql('create index `call_record_site_id_index` on `call_record` (`site_id`);');
    this.addSql('create index `call_record_site_started_index` on `call_record` (`site_id`, `started_at`, `id`);');
    this.addSql('create index `call_record_contact_started_index` on `call_record` (`contact_id`, `started_at`);');
    this.addSql('create index `call_record_site_contact_index` on `call_record` (`site_id`, `contact_id`);');
    this.addSql('create index `call_record_remote_e164_index` on `call_record` (`remote_e164`);');
    this.addSql('create index `call_record_remote_digits_index` on `call_record` (`remote_digits`);');
    this.addSql('create unique index `call_record_site_source_external_unique` on `call_record` (`site_id`, `source`, `external_id`);');
  }
}
