import { Migration } from '@mikro-orm/migrations';

/** Routing → call log: each routed call's outcome, converted flag, DID and call-log record, for the seller reports (SQLite). */
export class Routing0018Sqlite extends Migration {
  override name = '0018-routing-call-log';

  override up(): void {
    this.addSql('alter table `routing_call` add column `did_id` text null;');
    this.addSql('alter table `routing_call` add column `outcome` text null;');
    this.addSql('alter table `routing_call` add column `converted` integer null;');
    this.addSql('alter table `routing_call` add column `call_record_id` text null;');
    this.addSql('create index `routing_call_decided_index` on `routing_call` (`decided_at`, `call_id`);');
  }
}
