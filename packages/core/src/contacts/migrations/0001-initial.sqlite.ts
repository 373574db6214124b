import { Migration } from '@mikro-orm/migrations';

/** Initial schema: sites, phonebooks, contacts with numbers, history, notifications (SQLite). */
export class Initial0001Sqlite extends Migration {
  override name = '0001-initial';

  override up(): void {
    this.addSql("create table `site` (`id` text not null primary key, `slug` text not null, `name` text not null, `default_country` text null, `created_at` datetime not null, `updated_at` datetime not null);");
    this.addSql('create unique index `site_slug_unique` on `site` (`slug`);');

    this.addSql("create table `phonebook` (`id` text not null primary key, `site_id` text not null, `slug` text not null, `name` text not null, `description` text null, `filter` json null, `created_at` datetime not null, `updated_at` datetime not null, constraint `phonebook_site_id_foreign` foreign key (`site_id`) references `site` (`id`) on delete cascade);");
    this.addSql('create index `phonebook_site_id_index` on `phonebook` (`site_id`);');
    this.addSql('create unique index `phonebook_site_id_slug_unique` on `phonebook` (`site_id`, `slug`);');

    this.addSql("create table `contact` (`id` text not null primary key, `site_id` text not null, `first_name` text null, `last_name` text null, `display_name` text not null, `sort_name` text not null, `organization` text null, `department` text null, `department_key` text null, `title` text null, `emails` json not null, `tags` json not null, `tag_index` text not null, `notes` text null, `source` text not null, `external_id` text null, `attributes` json not null, `search_text` text not null, `deleted_at` datetime null, `created_at` datetime not null, `updated_at` datetime not null, `version` integer not null default 1, constraint `contact_site_id_foreign` foreign key (`site_id`) references `site` (`id`) on delete cascade);");
    this.addSql('create index `contact_site_id_index` on `contact` (`site_id`);');
    this.addSql('create index `contact_site_id_deleted_at_sort_name_index` on `contact` (`site_id`, `deleted_at`, `sort_name`);');
    this.addSql('create index `contact_site_id_department_key_index` on `contact` (`site_id`, `department_key`);');
    // Active contacts in name order: serves the default list order and deep pages without a sort.
    this.addSql('create index `contact_active_sort_index` on `contact` (`site_id`, `sort_name`, `id`) where `deleted_at` is null;');
    this.addSql('create unique index `contact_site_source_external_unique` on `contact` (`site_id`, `source`, `external_id`);');

    this.addSql("create table `contact_phone` (`id` integer not null primary key autoincrement, `contact_id` text not null, `position` integer not null, `type` text not null, `number` text not null, `label` text null, `e164` text null, `digits` text not null, constraint `contact_phone_contact_id_foreign` foreign key (`contact_id`) references `contact` (`id`) on delete cascade);");
    this.addSql('create index `contact_phone_contact_id_index` on `contact_phone` (`contact_id`);');
    this.addSql('create index `contact_phone_e164_index` on `contact_phone` (`e164`);');
    this.addSql('create index `contact_phone_digits_index` on `contact_phone` (`digits`);');

    this.addSql("create table `phonebook_member` (`phonebook_id` text not null, `contact_id` text not null, `added_at` datetime not null, primary key (`phonebook_id`, `contact_id`), constraint `phonebook_member_phonebook_id_foreign` foreign key (`phonebook_id`) references `phonebook` (`id`) on delete cascade, constraint `phonebook_member_contact_id_foreign` foreign key (`contact_id`) references `contact` (`id`) on delete cascade);");
    this.addSql('create index `phonebook_member_contact_id_index` on `phonebook_member` (`contact_id`);');

    this.addSql("create table `history` (`id` integer not null primary key autoincrement, `contact_id` text not null, `site_id` text not null, `field` text not null, `old_value` json null, `new_value` json null, `actor` text not null, `actor_name` text null, `at` datetime not null);");
    this.addSql('create index `history_contact_id_at_index` on `history` (`contact_id`, `at`);');

    this.addSql("create table `notification` (`id` text not null primary key, `site_id` text null, `level` text not null, `title` text not null, `body` text null, `read_at` datetime null, `created_at` datetime not null);");
    this.addSql('create index `notification_read_at_index` on `notification` (`read_at`);');
    this.addSql('create index `notification_created_at_index` on `notification` (`created_at`);');
  }
}
