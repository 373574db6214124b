import { Migration } from '@mikro-orm/migrations';

/** Remote vendor services: configuration per (vendor, phonebook) (PostgreSQL). */
export class VendorServices0006Postgresql extends Migration {
  override name = '0006-vendor-services';

  override up(): void {
    this.addSql('create table "vendor_service_pair" ("vendor" varchar(64) not null, "phonebook_id" uuid not null, "site_id" uuid not null, "values" jsonb not null, "secrets" text null, "enabled" boolean not null, "credential_id" uuid null, "updated_at" timestamptz not null, "updated_by" varchar(200) not null, primary key ("vendor", "phonebook_id"));');
  }
}
