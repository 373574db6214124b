import { Migration } from '@mikro-orm/migrations';

/** Routing: clients, campaigns, DIDs, links, decided calls, concurrency slots and counters (PostgreSQL). */
export class Routing0017Postgresql extends Migration {
  override name = '0017-routing';

  override up(): void {
    this.addSql('create table "routing_call" ("call_id" varchar(200) not null, "campaign_id" uuid not null, "did" varchar(20) not null, "caller" varchar(64) null, "decided_at" timestamptz not null, "client_id" uuid null, "link_id" uuid null, "answered_at" timestamptz null, "ended_at" timestamptz null, "status" varchar(16) null, "talk_seconds" int null, primary key ("call_id"));');
    this.addSql('create index "routing_call_campaign_caller_index" on "routing_call" ("campaign_id", "caller", "decided_at");');
    this.addSql('create table "routing_campaign" ("id" uuid not null, "owner_id" uuid not null, "name" varchar(200) not null, "enabled" boolean not null, "strategy" varchar(16) not null, "ring_timeout_seconds" int not null, "attempts" int not null, "duplicate_window_hours" int not null, "duplicate_action" varchar(16) not null, "block_anonymous" boolean not null, "cursor" bigint not null default \'0\', "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));');
    this.addSql('create index "routing_campaign_owner_id_index" on "routing_campaign" ("owner_id");');
    this.addSql('create table "routing_client" ("id" uuid not null, "name" varchar(200) not null, "time_zone" varchar(64) not null, "enabled" boolean not null, "sip" jsonb not null, "sip_password" text null, "concurrency_cap" int null, "caps" jsonb not null, "hours" jsonb null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));');
    this.addSql('create table "routing_counted" ("call_id" varchar(200) not null, "link_id" uuid not null, "kind" varchar(16) not null, "at" bigint not null, primary key ("call_id", "link_id", "kind"));');
    this.addSql('create table "routing_counter" ("scope" varchar(8) not null, "owner_id" uuid not null, "kind" varchar(16) not null, "period" varchar(32) not null, "count" int not null, primary key ("scope", "owner_id", "kind", "period"));');
    this.addSql('create table "routing_did" ("id" uuid not null, "number" varchar(20) not null, "owner_id" uuid not null, "campaign_id" uuid null, "label" varchar(200) null, "created_at" timestamptz not null, primary key ("id"));');
    this.addSql('alter table "routing_did" add constraint "routing_did_number_unique" unique ("number");');
    this.addSql('create index "routing_did_owner_id_index" on "routing_did" ("owner_id");');
    this.addSql('create index "routing_did_campaign_id_index" on "routing_did" ("campaign_id");');
    this.addSql('create table "routing_link" ("id" uuid not null, "campaign_id" uuid not null, "client_id" uuid not null, "priority" int not null, "weight" int not null, "concurrency_cap" int null, "caps" jsonb not null, "hours" jsonb null, "min_talk_seconds" int not null, "enabled" boolean not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));');
    this.addSql('create index "routing_link_client_id_index" on "routing_link" ("client_id");');
    this.addSql('alter table "routing_link" add constraint "routing_link_campaign_client_unique" unique ("campaign_id", "client_id");');
    this.addSql('create table "routing_slot" ("call_id" varchar(200) not null, "link_id" uuid not null, "client_id" uuid not null, "answered" boolean not null, "lease_until" bigint not null, primary key ("call_id", "link_id"));');
    this.addSql('create index "routing_slot_link_id_lease_until_index" on "routing_slot" ("link_id", "lease_until");');
    this.addSql('create index "routing_slot_client_id_lease_until_index" on "routing_slot" ("client_id", "lease_until");');
  }
}
