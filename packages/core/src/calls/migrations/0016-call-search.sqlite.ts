import { Migration } from '@mikro-orm/migrations';

/**
 * Calls: a full-text index of `search_text` with SQLite's trigram tokenizer (FTS5, SQLite 3.34+),
 * so `GET /calls?q=` finds a name part (3 characters or more) without reading every row. An
 * external-content table over `call_record`'s rowid, kept by triggers, filled from what is there.
 *
 * SQLite's VACUUM may renumber the rowids of a table without an INTEGER PRIMARY KEY; Dialbook
 * never runs it, and the query re-checks `search_text` on the row, so a stale index can miss a
 * call but never show a wrong one (`insert into call_record_fts(call_record_fts) values('rebuild')` mends it).
 */
export class CallSearch0016Sqlite extends Migration {
  override name = '0016-call-search';

  override up(): void {
    this.addSql("create virtual table `call_record_fts` using fts5(`search_text`, content='call_record', content_rowid='rowid', tokenize='trigram');");
    this.addSql('create trigger `call_record_fts_insert` after insert on `call_record` begin insert into `call_record_fts`(rowid, `search_text`) values (new.rowid, new.`search_text`); end;');
    this.addSql("create trigger `call_record_fts_delete` after delete on `call_record` begin insert into `call_record_fts`(`call_record_fts`, rowid, `search_text`) values ('delete', old.rowid, old.`search_text`); end;");
    this.addSql(
      "create trigger `call_record_fts_update` after update of `search_text` on `call_record` when old.`search_text` is not new.`search_text` begin insert into `call_record_fts`(`call_record_fts`, rowid, `search_text`) values ('delete', old.rowid, old.`search_text`); insert into `call_record_fts`(rowid, `search_text`) values (new.rowid, new.`search_text`); end;",
    );
    this.addSql("insert into `call_record_fts`(`call_record_fts`) values ('rebuild');");
  }
}
