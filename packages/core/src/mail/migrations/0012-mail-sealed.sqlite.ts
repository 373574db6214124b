import { Migration } from '@mikro-orm/migrations';

/** Mails holding a secret: a flag, and their subject and body encrypted until sent (SQLite). */
export class MailSealed0012Sqlite extends Migration {
  override name = '0012-mail-sealed';

  override up(): void {
    this.addSql('alter table `mail_outbox` add column `sensitive` integer not null default false;');
    this.addSql('alter table `mail_outbox` add column `sealed` text null;');
  }
}
