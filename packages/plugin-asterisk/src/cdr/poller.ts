/**
 * Reads new rows of cdr_pgsql's table incrementally and upserts them into the call log: keyset
 * order on (end time, uniqueid, sequence) after the stored cursor, only rows that ended at least
 * `settleSeconds` ago (so a row committed a little late is not jumped over), in batches. The end
 * time is the `end` column, else `calldate`/`start` plus `duration` (a long call's row comes late
 * but ends late, so it still sorts after the cursor). Upserts are idempotent by uniqueid, so a
 * batch read twice (a crash between upsert and cursor) changes nothing.
 */
import pg from 'pg';
import type { CallsApi, Logger } from '@dialbook/core';
import { cdrToCall, type CdrRow } from './mapping.js';
import type { CdrPosition, CursorStore } from './store.js';

export interface CdrPollerOptions {
  databaseUrl: string;
  table: string;
  batchSize: number;
  /** Rows that ended within this many seconds of the database's clock wait for the next poll. */
  settleSeconds: number;
  calls: Pick<CallsApi, 'upsertMany'>;
  source: string;
  /** The site the calls go to. */
  siteId: () => Promise<string>;
  cursor: CursorStore;
  logger: Logger;
}

export interface CdrStats {
  polls: number;
  rowsRead: number;
  recorded: number;
  refused: number;
  lastError: string | null;
  position: CdrPosition | null;
}

const quote = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

export class CdrPoller {
  private readonly pool: pg.Pool;
  private query: { sql: string; hasSequence: boolean } | null = null;
  readonly stats: CdrStats = { polls: 0, rowsRead: 0, recorded: 0, refused: 0, lastError: null, position: null };

  constructor(private readonly o: CdrPollerOptions) {
    this.pool = new pg.Pool({ connectionString: o.databaseUrl, max: 1 });
    this.pool.on('error', (err) => o.logger.warn({ err }, 'CDR database connection error'));
  }

  /** One poll: every batch up to the settled end; the number of rows read. Errors are kept in stats and thrown. */
  async poll(): Promise<number> {
    this.stats.polls++;
    try {
      const q = this.query ?? (this.query = await this.buildQuery());
      let position = await this.o.cursor.get();
      this.stats.position = position;
      let total = 0;
      for (;;) {
        const after = position ?? { at: '1970-01-01T00:00:00', uniqueid: '', sequence: -1 };
        const { rows } = await this.pool.query<CdrRow & { __end: string; __seq: number }>(q.sql, [after.at, after.uniqueid, after.sequence, this.o.settleSeconds, this.o.batchSize]);
        if (!rows.length) break;
        const records = rows.flatMap((r) => {
          const { __end: _e, __seq: _s, ...row } = r;
          const rec = cdrToCall(row);
          return rec ? [rec] : [];
        });
        const results = records.length ? await this.o.calls.upsertMany(await this.o.siteId(), this.o.source, records) : [];
        for (const [i, r] of results.entries()) {
          if ('error' in r) {
            this.stats.refused++;
            this.o.logger.warn({ uniqueid: records[i]?.externalId, err: r.error }, 'a CDR row was refused by the call log (skipped)');
          } else if (r.created) this.stats.recorded++;
        }
        const last = rows.at(-1)!;
        position = { at: last.__end, uniqueid: String(last.uniqueid ?? ''), sequence: Number(last.__seq) };
        await this.o.cursor.set(position);
        this.stats.position = position;
        total += rows.length;
        this.stats.rowsRead += rows.length;
        if (rows.length < this.o.batchSize) break;
      }
      this.stats.lastError = null;
      return total;
    } catch (err) {
      this.stats.lastError = err instanceof Error ? err.message : String(err);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** The keyset query for the table as it is (which time columns it has, whether it has `sequence`). */
  private async buildQuery(): Promise<{ sql: string; hasSequence: boolean }> {
    const { rows } = await this.pool.query<{ column_name: string }>('select column_name from information_schema.columns where table_name = $1 and table_schema = current_schema()', [this.o.table]);
    const cols = new Set(rows.map((r) => r.column_name));
    if (!cols.size) throw new Error(`the CDR table "${this.o.table}" does not exist in the CDR database (cdr_pgsql.conf names it; option cdr.table)`);
    if (!cols.has('uniqueid')) throw new Error(`the CDR table "${this.o.table}" has no uniqueid column (cdr_pgsql writes one when the column exists: add it)`);
    const startCol = cols.has('start') ? 'start' : cols.has('calldate') ? 'calldate' : null;
    if (!cols.has('end') && !startCol) throw new Error(`the CDR table "${this.o.table}" has neither "end" nor calldate/start`);
    const end = cols.has('end') ? `"end"` : `(${quote(startCol!)} + coalesce(duration, 0) * interval '1 second')`;
    const seq = cols.has('sequence') ? 'coalesce(sequence, 0)' : '0';
    // The end time goes into the cursor as the database wrote it (timestamp text, no zone), so no time-zone conversion can shift it.
    const sql = `select *, to_char(${end}, 'YYYY-MM-DD"T"HH24:MI:SS.US') as __end, ${seq} as __seq from ${quote(this.o.table)}
      where (${end}, uniqueid, ${seq}) > ($1::timestamp, $2, $3::int) and ${end} <= localtimestamp - $4 * interval '1 second' and uniqueid is not null
      order by ${end}, uniqueid, ${seq} limit $5`;
    return { sql, hasSequence: cols.has('sequence') };
  }
}
