import { Migration } from '@mikro-orm/migrations';

/** Secret contact attributes (encrypted values) and the contacts enrichers still have to do (SQLite). */
export class ContactSecretsEnrichment0010Sqlite extends Migration {
  override name = '0010-contact-secrets-enrichment';

  override up(): void {
    this.addSql('create table `contact_secret` (`contact_id` text not null, `key` text not null, `site_id` text not null, `value` text not null, `updated_at` datetime not null, constraint `contact_secret_contact_id_foreign` foreign key (`contact_id`) references `contact` (`id`) on delete cascade, primary key (`contact_id`, `key`));');
    this.addSql('create table `contact_enrichment` (`contact_id` text not null, `enricher` text not null, `site_id` text not null, `attempts` integer not null, `reason` text not null, `since` datetime not null, `next_at` datetime not null, constraint `contact_enrichment_contact_id_foreign` foreign key (`contact_id`) references `contact` (`id`) on delete cascade, primary key (`contact_id`, `enricher`));');
    this.addSql('create index `contact_enrichment_enricher_next_at_index` on `contact_enrichment` (`enricher`, `next_at`);');
  }
}
