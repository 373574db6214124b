import { Migration } from '@mikro-orm/migrations';

/** Mails holding a secret: a flag, and their subject and body encrypted until sent (PostgreSQL). */
export class MailSealed0012Postgresql extends Migration {
  override name = '0012-mail-sealed';

  override up(): void {
    this.addSql('alter table "mail_outbox" add column "sensitive" boolean not null default false, add column "sealed" text null;');
  }
}
