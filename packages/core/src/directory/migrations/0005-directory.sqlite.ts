import { Migration } from '@mikro-orm/migrations';

/** Per-phonebook, per-vendor directory options (SQLite). */
export class Directory0005Sqlite extends Migration {
  override name = '0005-directory';

  override up(): void {
    this.addSql('alter table `phonebook` add column `directory_options` json null;');
  }
}
