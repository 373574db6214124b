import { Migration } from '@mikro-orm/migrations';

/** Routing: clients, campaigns, DIDs, links, decided calls, concurrency slots and counters (SQLite). */
export class Routing0017Sqlite extends Migration {
  override name = '0017-routing';

  override up(): void {
    this.addSql('create table `routing_call` (`call_id` text not null primary key, `campaign_id` text not null, `did` text not null, `caller` text null, `decided_at` datetime not null, `client_id` text null, `link_id` text null, `answered_at` datetime null, `ended_at` datetime null, `status` text null, `talk_seconds` integer null);');
    this.addSql('create index `routing_call_campaign_caller_index` on `routing_call` (`campaign_id`, `caller`, `decided_at`);');
    this.addSql('create table `routing_campaign` (`id` text not null primary key, `owner_id` text not null, `name` text not null, `enabled` integer not null, `strategy` text not null, `ring_timeout_seconds` integer not null, `attempts` integer not null, `duplicate_window_hours` integer not null, `duplicate_action` text not null, `block_anonymous` integer not null, `cursor` bigint not null default \'0\', `created_at` datetime not null, `updated_at` datetime not null);');
    this.addSql('create index `routing_campaign_owner_id_index` on `routing_campaign` (`owner_id`);');
    this.addSql('create table `routing_client` (`id` text not null primary key, `name` text not null, `time_zone` text not null, `enabled` integer not null, `sip` json not null, `sip_password` text null, `concurrency_cap` integer null, `caps` json not null, `hours` json null, `created_at` datetime not null, `updated_at` datetime not null);');
    this.addSql('create table `routing_counted` (`call_id` text not null, `link_id` text not null, `kind` text not null, `at` bigint not null, primary key (`call_id`, `link_id`, `kind`));');
    this.addSql('create table `routing_counter` (`scope` text not null, `owner_id` text not null, `kind` text not null, `period` text not null, `count` integer not null, primary key (`scope`, `owner_id`, `kind`, `period`));');
    this.addSql('create table `routing_did` (`id` text not null primary key, `number` text not null, `owner_id` text not null, `campaign_id` text null, `label` text null, `created_at` datetime not null);');
    this.addSql('create unique index `routing_did_number_unique` on `routing_did` (`number`);');
    this.addSql('create index `routing_did_owner_id_index` on `routing_did` (`owner_id`);');
    this.addSql('create index `routing_did_campaign_id_index` on `routing_did` (`campaign_id`);');
    this.addSql('create table `routing_link` (`id` text not null primary key, `campaign_id` text not null, `client_id` text not null, `priority` integer not null, `weight` integer not null, `concurrency_cap` integer null, `caps` json not null, `hours` json null, `min_talk_seconds` integer not null, `enabled` integer not null, `created_at` datetime not null, `updated_at` datetime not null);');
    this.addSql('create index `routing_link_client_id_index` on `routing_link` (`client_id`);');
    this.addSql('create unique index `routing_link_campaign_client_unique` on `routing_link` (`campaign_id`, `client_id`);');
    this.addSql('create table `routing_slot` (`call_id` text not null, `link_id` text not null, `client_id` text not null, `answered` integer not null, `lease_until` bigint not null, primary key (`call_id`, `link_id`));');
    this.addSql('create index `routing_slot_link_id_lease_until_index` on `routing_slot` (`link_id`, `lease_until`);');
    this.addSql('create index `routing_slot_client_id_lease_until_index` on `routing_slot` (`client_id`, `lease_until`);');
  }
}
