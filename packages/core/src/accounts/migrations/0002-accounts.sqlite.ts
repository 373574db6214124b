import { Migration } from '@mikro-orm/migrations';

/** Users, site assignments, sign-up/reset links, sessions, API tokens, machine credentials, audit (SQLite). */
export class Accounts0002Sqlite extends Migration {
  override name = '0002-accounts';

  override up(): void {
    this.addSql('create table `api_token` (`id` text not null primary key, `user_id` text not null, `name` text not null, `token_hash` text not null, `prefix` text not null, `created_at` datetime not null, `last_used_at` datetime null, `expires_at` datetime null, `revoked_at` datetime null);');
    this.addSql('create unique index `api_token_token_hash_unique` on `api_token` (`token_hash`);');
    this.addSql('create index `api_token_user_id_index` on `api_token` (`user_id`);');
    this.addSql('create table `audit_event` (`id` integer not null primary key autoincrement, `at` datetime not null, `actor` text not null, `actor_name` text null, `action` text not null, `method` text null, `path` text null, `status` integer null, `site_id` text null, `target_id` text null, `ip` text null, `detail` json null);');
    this.addSql('create index `audit_event_at_index` on `audit_event` (`at`);');
    this.addSql('create index `audit_event_actor_index` on `audit_event` (`actor`);');
    this.addSql('create table `auth_link` (`id` text not null primary key, `user_id` text not null, `purpose` text not null, `token_hash` text not null, `expires_at` datetime not null, `used_at` datetime null, `created_at` datetime not null);');
    this.addSql('create unique index `auth_link_token_hash_unique` on `auth_link` (`token_hash`);');
    this.addSql('create index `auth_link_user_id_index` on `auth_link` (`user_id`);');
    this.addSql('create table `machine_credential` (`id` text not null primary key, `kind` text not null, `name` text not null, `site_id` text null, `phonebook_id` text null, `service` text null, `username` text null, `secret_hash` text not null, `prefix` text not null, `created_by` text not null, `created_at` datetime not null, `last_used_at` datetime null, `revoked_at` datetime null);');
    this.addSql('create unique index `machine_credential_secret_hash_unique` on `machine_credential` (`secret_hash`);');
    this.addSql('create index `machine_credential_phonebook_id_index` on `machine_credential` (`phonebook_id`);');
    this.addSql('create index `machine_credential_kind_username_index` on `machine_credential` (`kind`, `username`);');
    this.addSql('create table `user_session` (`id` text not null primary key, `user_id` text not null, `token_hash` text not null, `csrf_token` text not null, `created_at` datetime not null, `last_seen_at` datetime not null, `expires_at` datetime not null, `ip` text null, `user_agent` text null);');
    this.addSql('create unique index `user_session_token_hash_unique` on `user_session` (`token_hash`);');
    this.addSql('create index `user_session_user_id_index` on `user_session` (`user_id`);');
    this.addSql('create table `app_user` (`id` text not null primary key, `email` text not null, `first_name` text null, `last_name` text null, `role` text not null, `status` text not null, `password_hash` text null, `failed_signins` integer not null default 0, `locked_until` datetime null, `last_signin_at` datetime null, `created_at` datetime not null, `updated_at` datetime not null);');
    this.addSql('create unique index `app_user_email_unique` on `app_user` (`email`);');
    this.addSql('create table `user_site` (`user_id` text not null, `site_id` text not null, primary key (`user_id`, `site_id`), constraint `user_site_user_id_foreign` foreign key (`user_id`) references `app_user` (`id`) on delete cascade, constraint `user_site_site_id_foreign` foreign key (`site_id`) references `site` (`id`) on delete cascade);');
    this.addSql('create index `user_site_site_id_index` on `user_site` (`site_id`);');
  }
}
