import { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import type { WorkerReply } from './sqlite-worker.js';

/** The worker's file beside this one: `.js` in `dist/`, `.ts` when running from the sources. */
const workerUrl = new URL(`./sqlite-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * A Kysely dialect for `node:sqlite` whose statements run on a worker thread (`sqlite-worker.ts`):
 * the event loop only posts a statement and later takes its rows, so a burst of writes no longer
 * holds up new connections, `/healthz` and cached directory fetches (issue 10, defect 6). One
 * connection, as SQLite wants; Kysely serialises its use (the SQLite adapter has no parallel
 * connections), so transactions keep their meaning. Values arrive as bound parameters.
 */
export class WorkerSqliteDialect implements Dialect {
  constructor(private readonly file: string) {}
  createDriver(): Driver {
    return new WorkerSqliteDriver(this.file);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

class WorkerSqliteDriver implements Driver {
  private connection: WorkerConnection | undefined;
  constructor(private readonly file: string) {}

  async init(): Promise<void> {
    this.connection = new WorkerConnection(new Worker(workerUrl, { workerData: { file: this.file } }));
    await this.connection.executeQuery(CompiledQuery.raw('select 1'));
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection!;
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteName(name)}`));
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoteName(name)}`));
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoteName(name)}`));
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    await this.connection?.close();
    this.connection = undefined;
  }
}

const quoteName = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The error `node:sqlite` raised in the worker, with the fields MikroORM's exception converter reads. */
class SqliteError extends Error {
  code: string | undefined;
  errcode: number | undefined;
  errstr: string | undefined;
  constructor(e: { message: string; code?: string; errcode?: number; errstr?: string }) {
    super(e.message);
    this.name = 'SqliteError';
    this.code = e.code;
    this.errcode = e.errcode;
    this.errstr = e.errstr;
  }
}

/** Objects again from the worker's flat values (a later column of the same name wins, as in `node:sqlite`'s own rows). */
function rowsOf<R>(columns: string[], values: unknown[]): R[] {
  const n = columns.length;
  const rows = new Array<R>(values.length / n);
  for (let i = 0, k = 0; k < values.length; i++) {
    const row: Record<string, unknown> = {};
    for (let j = 0; j < n; j++) row[columns[j]!] = values[k++];
    rows[i] = row as R;
  }
  return rows;
}

class WorkerConnection implements DatabaseConnection {
  private next = 1;
  private readonly waiting = new Map<number, { ok(r: WorkerReply): void; fail(e: Error): void }>();
  private closed: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(private readonly worker: Worker) {
    // Like the synchronous driver it replaces, an idle database does not keep the process alive:
    // the worker holds the event loop only while a statement is on its way.
    worker.unref();
    worker.on('message', (msg: WorkerReply | { closed: true }) => {
      if ('closed' in msg) return;
      const w = this.waiting.get(msg.id);
      this.waiting.delete(msg.id);
      if (this.waiting.size === 0) worker.unref();
      w?.ok(msg);
    });
    const failAll = (err: Error) => {
      this.failure = err;
      for (const w of this.waiting.values()) w.fail(err);
      this.waiting.clear();
    };
    worker.on('error', (err) => failAll(new Error(`the SQLite worker failed: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => failAll(new Error(`the SQLite worker stopped (exit code ${code})`)));
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise<WorkerReply>((ok, fail) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { ok, fail });
      this.worker.postMessage({ id, sql: compiled.sql, params: compiled.parameters });
    }).then((reply) => {
      if ('error' in reply) throw new SqliteError(reply.error);
      if ('columns' in reply) return { rows: rowsOf<R>(reply.columns, reply.values) };
      return { rows: [], numAffectedRows: BigInt(reply.changes), insertId: BigInt(reply.lastInsertRowid) };
    });
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiled);
    for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) };
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      if (this.failure) return resolve();
      this.worker.ref();
      this.worker.once('exit', () => resolve());
      this.worker.once('message', (msg: { closed?: true }) => {
        if (msg.closed) void this.worker.terminate();
      });
      this.worker.postMessage({ close: true });
    });
    return this.closed;
  }
}
