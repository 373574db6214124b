import { Migration } from '@mikro-orm/migrations';

/** Routing → call log: each routed call's outcome, converted flag, DID and call-log record, for the seller reports (PostgreSQL). */
export class Routing0018Postgresql extends Migration {
  override name = '0018-routing-call-log';

  override up(): void {
    this.addSql('alter table "routing_call" add column "did_id" uuid null, add column "outcome" varchar(16) null, add column "converted" boolean null, add column "call_record_id" uuid null;');
    this.addSql('create index "routing_call_decided_index" on "routing_call" ("decided_at", "call_id");');
  }
}
