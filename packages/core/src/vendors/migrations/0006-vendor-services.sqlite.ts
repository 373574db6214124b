import { Migration } from '@mikro-orm/migrations';

/** Remote vendor services: configuration per (vendor, phonebook) (SQLite). */
export class VendorServices0006Sqlite extends Migration {
  override name = '0006-vendor-services';

  override up(): void {
    this.addSql('create table `vendor_service_pair` (`vendor` text not null, `phonebook_id` text not null, `site_id` text not null, `values` json not null, `secrets` text null, `enabled` integer not null, `credential_id` text null, `updated_at` datetime not null, `updated_by` text not null, primary key (`vendor`, `phonebook_id`));');
  }
}
