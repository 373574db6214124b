import type { AnyEntity, Configuration, Dictionary, EntityData, LoggingOptions, Platform, RawQueryFragment } from '@mikro-orm/core';
import { PostgreSqlConnection, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { BaseSqliteConnection, isRaw, NativeQueryBuilder, raw, SqliteDriver, type AbstractSqlConnection, type Transaction } from '@mikro-orm/sql';
import { CompiledQuery, type Kysely } from 'kysely';
import { bindStatement, type PlaceholderStyle } from './bind.js';

/** Sees every statement as it goes to the database (SQL text and its bound values); for tests. */
export type StatementObserver = (sql: string, params: readonly unknown[]) => void;

type Query = string | NativeQueryBuilder | RawQueryFragment;
type Params = readonly unknown[] | Dictionary<unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern needs an any-args constructor
type ConnectionClass = abstract new (...args: any[]) => AbstractSqlConnection;

/** MikroORM's `prepareQuery` without its eager `formatQuery` (which writes every value into the text). */
function prepare(config: Configuration, query: Query, params: Params): { sql: string; params: unknown[] } {
  let q: unknown = query instanceof NativeQueryBuilder ? query.toRaw() : query;
  let p: unknown = params;
  if (typeof q === 'string' && p && !Array.isArray(p)) q = raw(q, p as Dictionary<unknown>);
  if (isRaw(q)) {
    p = q.params;
    q = q.sql;
  }
  const list = [...((p ?? []) as unknown[])];
  return { sql: config.get('onQuery')(q as string, list), params: list };
}

/**
 * A MikroORM connection whose statements carry their values as **bound parameters**
 * ({@link bindStatement}) instead of formatted into the SQL text, as MikroORM's own `execute`
 * and `stream` do. The text with values written in is built only for the query log, and only
 * when parameters are logged (`debug` with `query-params`).
 */
function bound<B extends ConnectionClass>(Base: B, style: PlaceholderStyle) {
  abstract class Bound extends Base {
    observer: StatementObserver | undefined;

    private bind(query: Query, params: Params) {
      const prepared = prepare(this.config, query, params);
      const statement = bindStatement(this.getPlatform() as Platform, prepared.sql, prepared.params, style);
      this.observer?.(statement.sql, statement.params);
      const logger = this.config.getLogger();
      const formatted = logger.isEnabled('query-params') ? (this.getPlatform() as Platform).formatQuery(prepared.sql, prepared.params) : prepared.sql;
      return { prepared, statement, formatted };
    }

    override async execute<T extends EntityData<AnyEntity> | EntityData<AnyEntity>[] = EntityData<AnyEntity>[]>(
      query: Query,
      params: Params = [],
      method: 'all' | 'get' | 'run' = 'all',
      ctx?: Transaction,
      loggerContext?: LoggingOptions,
    ): Promise<T> {
      await this.ensureConnection();
      const { prepared, statement, formatted } = this.bind(query, params);
      const { signal, inflightQueryAbortStrategy, ...context } = (loggerContext ?? {}) as LoggingOptions & { signal?: AbortSignal; inflightQueryAbortStrategy?: unknown };
      const abort = signal == null && inflightQueryAbortStrategy == null ? undefined : { signal, inflightQueryAbortStrategy };
      return this.executeQuery(
        this.getSql(prepared.sql, formatted, context),
        async () => {
          const client = (ctx ?? this.getClient()) as unknown as { executeQuery(q: CompiledQuery, abort?: unknown): Promise<unknown> };
          return this.transformRawResult<T>(await client.executeQuery(CompiledQuery.raw(statement.sql, statement.params), abort), method);
        },
        { query: prepared.sql, params: prepared.params, ...context },
      );
    }

    override async *stream<T extends EntityData<AnyEntity>>(
      query: Query,
      params: Params = [],
      ctx?: Transaction<Kysely<unknown>>,
      _loggerContext?: LoggingOptions,
      chunkSize?: number,
    ): AsyncIterableIterator<T> {
      await this.ensureConnection();
      const { statement } = this.bind(query, params);
      // `kind: 'SelectQueryNode'`, as MikroORM builds it, so Kysely's SQLite driver accepts to stream it.
      const compiled = { query: { kind: 'SelectQueryNode' }, sql: statement.sql, parameters: statement.params, queryId: { queryId: '' } };
      const executor = (ctx ?? this.getClient()).getExecutor() as unknown as { stream(q: unknown, chunk: number): AsyncIterable<unknown> };
      for await (const items of executor.stream(compiled, chunkSize ?? 100)) {
        for (const row of this.transformRawResult<T[]>(items, 'all')) yield row;
      }
    }
  }
  return Bound;
}

class BoundSqliteConnection extends bound(BaseSqliteConnection, 'question') {}
class BoundPostgreSqlConnection extends bound(PostgreSqlConnection, 'dollar') {}

/** MikroORM's SQLite driver, with {@link BoundSqliteConnection}. */
export class DialbookSqliteDriver extends SqliteDriver {
  constructor(config: Configuration) {
    super(config);
    replaceConnection(this, new BoundSqliteConnection(this.config));
  }
}

/** MikroORM's PostgreSQL driver, with {@link BoundPostgreSqlConnection}. */
export class DialbookPostgreSqlDriver extends PostgreSqlDriver {
  constructor(config: Configuration) {
    super(config);
    replaceConnection(this, new BoundPostgreSqlConnection(this.config));
  }
}

/** The drivers build their connection in the constructor from a fixed class; put ours in its place. */
function replaceConnection(driver: object, connection: AbstractSqlConnection): void {
  Object.defineProperty(driver, 'connection', { value: connection, writable: true, configurable: true });
  Object.defineProperty(driver, 'replicas', { value: [], writable: true, configurable: true });
}

/** Calls `observer` with every statement the ORM sends from now on (its SQL text and bound values). */
export function observeStatements(connection: unknown, observer: StatementObserver | undefined): void {
  (connection as { observer: StatementObserver | undefined }).observer = observer;
}
