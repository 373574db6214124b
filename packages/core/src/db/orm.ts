import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { MikroORM, type AnyEntity, type EntitySchema, type MigrationObject, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { DialbookPostgreSqlDriver, DialbookSqliteDriver } from './drivers.js';
import { WorkerSqliteDialect } from './sqlite-dialect.js';
import type { Logger } from 'pino';
import { DialbookError } from '../base/errors.js';
import type { Dialect } from './dialect.js';

export type { Dialect } from './dialect.js';

export interface DatabaseOptions {
  /** `postgres://…`: PostgreSQL. Absent: embedded SQLite under `dataDir`. `sqlite::memory:` or `sqlite:/path/file.db` pick SQLite explicitly. */
  url?: string | undefined;
  /** Where the embedded SQLite file lives (default `./data`). */
  dataDir?: string | undefined;
  /** PostgreSQL: connections in the pool at most (default 10, `pg`'s). SQLite: ignored (one connection in its worker). */
  pool?: number | undefined;
  /** Every entity: the areas' and the plugins'. */
  entities?: EntitySchema<AnyEntity>[];
  /** Every migration for each dialect, in the order they run (the areas' by number, then the plugins'). */
  migrations?: Record<Dialect, readonly MigrationObject[]>;
  logger?: Logger | undefined;
}

export interface DatabaseTarget {
  dialect: Dialect;
  /** What to show a person: the file path or the URL without its password. */
  display: string;
  dbName: string;
  clientUrl?: string;
}

export function resolveDatabaseTarget(options: Pick<DatabaseOptions, 'url' | 'dataDir'>): DatabaseTarget {
  const url = options.url?.trim();
  if (!url) {
    const dir = resolve(options.dataDir ?? './data');
    return { dialect: 'sqlite', dbName: resolve(dir, 'dialbook.sqlite'), display: resolve(dir, 'dialbook.sqlite') };
  }
  if (url === 'sqlite::memory:' || url === ':memory:') return { dialect: 'sqlite', dbName: ':memory:', display: 'in-memory SQLite' };
  if (url.startsWith('sqlite:')) {
    const file = resolve(url.slice('sqlite:'.length).replace(/^\/\//, ''));
    return { dialect: 'sqlite', dbName: file, display: file };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (cause) {
      throw new DialbookError('DIALBOOK_CONFIG_DATABASE_URL', 'DATABASE_URL is not a valid URL', { cause, field: 'DATABASE_URL' });
    }
    const dbName = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'dialbook';
    const shown = new URL(url);
    if (shown.password) shown.password = '***';
    return { dialect: 'postgresql', dbName, clientUrl: url, display: shown.toString() };
  }
  throw new DialbookError('DIALBOOK_CONFIG_DATABASE_URL', `DATABASE_URL must start with postgres://, postgresql:// or sqlite: (found "${url.split(':')[0]}:…")`, {
    field: 'DATABASE_URL',
  });
}

export function ormOptions(options: DatabaseOptions): Options {
  const target = resolveDatabaseTarget(options);
  const entities = [...(options.entities ?? [])];
  const common = {
    entities,
    extensions: [Migrator],
    // SQLite's FTS5 index of calls (a virtual table and its shadow tables, kept by triggers): no entity models it.
    schemaGenerator: { skipTables: [/^call_record_fts/] },
    migrations: { migrationsList: [...(options.migrations?.[target.dialect] ?? [])], tableName: 'dialbook_migrations', snapshot: false, silent: true },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: false,
    discovery: { warnWhenNoEntities: false },
  } satisfies Partial<Options>;
  if (target.dialect === 'postgresql') {
    return { ...common, driver: DialbookPostgreSqlDriver, clientUrl: target.clientUrl!, dbName: target.dbName, pool: { max: options.pool ?? 10 } } as unknown as Options;
  }
  if (target.dbName !== ':memory:') mkdirSync(resolve(target.dbName, '..'), { recursive: true });
  return { ...common, driver: DialbookSqliteDriver, dbName: target.dbName, driverOptions: new WorkerSqliteDialect(target.dbName) } as unknown as Options;
}

export async function openDatabase(options: DatabaseOptions): Promise<MikroORM> {
  const target = resolveDatabaseTarget(options);
  try {
    const orm = await MikroORM.init(ormOptions(options));
    if (target.dialect === 'sqlite') {
      const conn = orm.em.getConnection();
      await conn.execute('pragma foreign_keys = on');
      if (target.dbName !== ':memory:') {
        await conn.execute('pragma journal_mode = wal');
        await conn.execute('pragma synchronous = normal');
      }
    }
    return orm;
  } catch (cause) {
    throw new DialbookError('DIALBOOK_DB_CONNECT', `cannot open the database (${target.display}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export const dialectOf = (orm: Pick<MikroORM, 'config'>): Dialect => (orm.config.get('driver') === DialbookPostgreSqlDriver ? 'postgresql' : 'sqlite');
