import { Migration } from '@mikro-orm/migrations';

/** Calls: a recording or voicemail reference, and links between one call's records of several sources (SQLite). */
export class CallMediaLinks0014Sqlite extends Migration {
  override name = '0014-call-media-links';

  override up(): void {
    this.addSql('alter table `call_record` add column `recording_kind` text null;');
    this.addSql('alter table `call_record` add column `recording_ref` text null;');
    this.addSql('alter table `call_record` add column `conversation_id` text null;');
    this.addSql('alter table `call_record` add column `link_primary` integer not null default true;');
    this.addSql('create index `call_record_site_e164_started_index` on `call_record` (`site_id`, `remote_e164`, `started_at`);');
    this.addSql('create index `call_record_conversation_index` on `call_record` (`conversation_id`);');
    this.addSql('create table `call_link_exclusion` (`a` text not null, `b` text not null, `site_id` text not null, `created_at` datetime not null, `created_by` text not null, constraint `call_link_exclusion_a_foreign` foreign key (`a`) references `call_record` (`id`) on delete cascade, constraint `call_link_exclusion_b_foreign` foreign key (`b`) references `call_record` (`id`) on delete cascade, primary key (`a`, `b`));');
  }
}
