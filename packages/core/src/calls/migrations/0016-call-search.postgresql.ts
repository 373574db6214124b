import { Migration } from '@mikro-orm/migrations';

/**
 * Calls: a trigram index on `search_text` (the remote name and number), so `GET /calls?q=` finds a
 * name part in a log of millions without reading every row (PostgreSQL). pg_trgm is created by
 * the contacts' first migration (a trusted extension since PostgreSQL 13).
 */
export class CallSearch0016Postgresql extends Migration {
  override name = '0016-call-search';

  override up(): void {
    this.addSql('create extension if not exists pg_trgm;');
    this.addSql('create index "call_record_search_text_trgm" on "call_record" using gin ("search_text" gin_trgm_ops);');
  }
}
