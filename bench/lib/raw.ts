/**
 * The raw drivers the baselines use: `node:sqlite` (`DatabaseSync`, cached prepared statements)
 * and `pg` (one `Client`, named prepared statements). Nothing of the core's stack (ORM,
 * validation, hooks) is involved, so timings are the floor cost of the SQL itself.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import pg from 'pg';

export type Row = Record<string, unknown>;
export type Dialect = 'sqlite' | 'postgresql';

export interface RawDb {
  readonly dialect: Dialect;
  /** Run `sql` (`?` placeholders on both dialects) and return its rows. */
  all<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
  /** `column in (…ids)` as one condition with its parameters (`= any(?)` on PostgreSQL). */
  anyOf(column: string, ids: unknown[]): { sql: string; params: unknown[] };
  /** Insert `rows` (all with `columns`): one prepared statement per row on SQLite, multi-row INSERTs on PostgreSQL. */
  insertRows(table: string, columns: string[], rows: Row[]): Promise<void>;
  close(): Promise<void>;
}

/** A raw connection to the SQLite file `file`, with the core's pragmas (WAL, synchronous=normal, foreign keys). */
export function openSqlite(file: string): RawDb {
  const db = new DatabaseSync(file);
  db.exec('pragma journal_mode = wal; pragma synchronous = normal; pragma foreign_keys = on;');
  const statements = new Map<string, StatementSync>();
  const prepare = (sql: string) => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql)));
    return s;
  };
  return {
    dialect: 'sqlite',
    all: <T>(sql: string, params: unknown[] = []) => Promise.resolve(prepare(sql).all(...(params as never[])) as T[]),
    exec: (sql) => {
      db.exec(sql);
      return Promise.resolve();
    },
    anyOf: (column, ids) => ({ sql: `${column} in (${ids.map(() => '?').join(', ')})`, params: ids }),
    insertRows: (table, columns, rows) => {
      const stmt = prepare(`insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`);
      for (const r of rows) stmt.run(...(columns.map((c) => r[c] ?? null) as never[]));
      return Promise.resolve();
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

/**
 * A raw connection to PostgreSQL. `asText`: every value comes back as the server's text
 * (no JSON/date parsing), so rows read from one database can be written to another unchanged.
 */
export async function openPostgres(url: string, options: { asText?: boolean } = {}): Promise<RawDb> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    ...(options.asText ? { types: { getTypeParser: () => (value: string) => value } } : {}),
  });
  await client.connect();
  const names = new Map<string, string>();
  const toDollar = (sql: string) => {
    let i = 0;
    return sql.replace(/\?/g, () => `$${++i}`);
  };
  const run = async <T>(sql: string, params: unknown[]): Promise<T[]> => {
    const text = toDollar(sql);
    let name = names.get(text);
    if (!name) names.set(text, (name = `bench_${names.size + 1}`));
    const res = await client.query({ name, text, values: params });
    return res.rows as T[];
  };
  return {
    dialect: 'postgresql',
    all: (sql, params = []) => run(sql, params),
    exec: async (sql) => {
      await client.query(sql);
    },
    anyOf: (column, ids) => ({ sql: `${column} = any(?)`, params: [ids] }),
    insertRows: async (table, columns, rows) => {
      const perStatement = Math.max(1, Math.floor(65_535 / columns.length));
      for (let i = 0; i < rows.length; i += perStatement) {
        const chunk = rows.slice(i, i + perStatement);
        const values: unknown[] = [];
        const tuple = `(${columns.map(() => '?').join(', ')})`;
        for (const r of chunk) for (const c of columns) values.push(r[c] ?? null);
        await run(`insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${chunk.map(() => tuple).join(', ')}`, values);
      }
    },
    close: () => client.end(),
  };
}

/** Whether a PostgreSQL server answers at `url` (5 s timeout); the error message otherwise. */
export async function postgresReachable(url: string): Promise<true | string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (err) {
    return err instanceof Error ? err.message || err.constructor.name : String(err);
  } finally {
    await client.end().catch(() => {});
  }
}
