import { Migration } from '@mikro-orm/migrations';
import { refoldContacts } from './0008-refold-contacts.sqlite.js';

/** Search folds ø, ł, æ, đ, œ, þ, ð, ħ, ı and dashes too: existing contacts are re-folded (PostgreSQL; the same statements as on SQLite). */
export class RefoldContacts0008Postgresql extends Migration {
  override name = '0008-refold-contacts';

  override async up(): Promise<void> {
    await refoldContacts(this);
  }
}
