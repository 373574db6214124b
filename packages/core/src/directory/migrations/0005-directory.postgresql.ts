import { Migration } from '@mikro-orm/migrations';

/** Per-phonebook, per-vendor directory options (PostgreSQL). */
export class Directory0005Postgresql extends Migration {
  override name = '0005-directory';

  override up(): void {
    this.addSql('alter table "phonebook" add column "directory_options" jsonb null;');
  }
}
