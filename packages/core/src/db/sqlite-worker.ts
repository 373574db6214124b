/**
 * The embedded database's own thread: it owns the `node:sqlite` connection and runs each statement
 * it is sent, so that SQLite's synchronous work never runs on the event loop that accepts
 * connections and answers phones and health probes. Started by `sqlite-dialect.ts`.
 *
 * Self-contained on purpose (Node built-ins only, erasable TypeScript): it runs as it is, from
 * `dist/` as JavaScript and from `src/` through Node's type stripping.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type * as sqlite from 'node:sqlite';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

interface Query {
  id: number;
  sql: string;
  params: unknown[];
}

export type WorkerReply =
  /** Rows as one flat list of values, `columns.length` per row: cheaper to send between threads than objects. */
  | { id: number; columns: string[]; values: unknown[] }
  | { id: number; changes: number; lastInsertRowid: number }
  | { id: number; error: { message: string; code?: string; errcode?: number; errstr?: string } };

const { DatabaseSync: Database } = process.getBuiltinModule('node:sqlite') as typeof sqlite;
const db: DatabaseSync = new Database((workerData as { file: string }).file);
// Another connection to the same file (a second instance, the CLI while the server runs) may hold the
// write lock for a moment: wait for it, here on the database's own thread, instead of failing at once.
db.exec('pragma busy_timeout = 10000');

/** Prepared statements by SQL text, least recently used dropped first. */
const cache = new Map<string, { stmt: StatementSync; columns: string[] | null }>();
const CACHE_SIZE = 500;

function prepare(sql: string): { stmt: StatementSync; columns: string[] | null } {
  let entry = cache.get(sql);
  if (entry) {
    cache.delete(sql);
    cache.set(sql, entry);
    return entry;
  }
  const stmt = db.prepare(sql);
  const columns = stmt.columns().map((c) => c.name);
  if (columns.length) stmt.setReturnArrays(true);
  entry = { stmt, columns: columns.length ? columns : null };
  cache.set(sql, entry);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return entry;
}

function run(q: Query): WorkerReply {
  try {
    const { stmt, columns } = prepare(q.sql);
    const params = q.params as Parameters<StatementSync['all']>;
    if (columns) {
      const values: unknown[] = [];
      for (const row of stmt.all(...params) as unknown as unknown[][]) for (const v of row) values.push(v);
      return { id: q.id, columns, values };
    }
    const r = stmt.run(...params);
    return { id: q.id, changes: Number(r.changes), lastInsertRowid: Number(r.lastInsertRowid) };
  } catch (e) {
    const err = e as Error & { code?: string; errcode?: number; errstr?: string };
    return { id: q.id, error: { message: err.message, code: err.code, errcode: err.errcode, errstr: err.errstr } };
  }
}

parentPort!.on('message', (msg: Query | { close: true }) => {
  if ('close' in msg) {
    cache.clear();
    db.close();
    parentPort!.postMessage({ closed: true });
    return;
  }
  parentPort!.postMessage(run(msg));
});
