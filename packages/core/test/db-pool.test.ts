import { describe, expect, test } from 'vitest';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { createDialbook, loadConfig, type Dialbook } from '@dialbook/core';
import { createTestCore, testDatabaseKind } from '@dialbook/core/testing';

/**
 * `database.pool` (env `DIALBOOK_DB_POOL`): the most PostgreSQL connections an instance opens,
 * default 10 (pg's). Bad values are refused at load with the field named; on PostgreSQL the
 * instance's `pg` pool is made with it.
 */
describe('database.pool', () => {
  test('default 10; the env and the file set it; bad values are refused naming the field', async () => {
    expect((await loadConfig({ env: {}, config: {} })).database.pool).toBe(10);
    expect((await loadConfig({ env: { DIALBOOK_DB_POOL: '25' }, config: {} })).database.pool).toBe(25);
    expect((await loadConfig({ env: {}, config: { database: { pool: 40 } } })).database.pool).toBe(40);
    for (const bad of ['0', 'many', '2.5']) {
      const err = await loadConfig({ env: { DIALBOOK_DB_POOL: bad }, config: {} }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'DIALBOOK_CONFIG_INVALID' });
      expect(String((err as Error).message)).toContain('database.pool');
    }
  });

  const onPostgres = testDatabaseKind() === 'postgresql';
  test.runIf(onPostgres)('on PostgreSQL the instance pool takes at most database.pool connections', async () => {
    const core = await createTestCore();
    let b: Dialbook | undefined;
    try {
      b = await createDialbook(await loadConfig({ env: { DIALBOOK_DB_POOL: '17' }, config: { logLevel: 'silent', database: { url: core.dialbook.config.database.url! } } }), { migrate: false });
      const pool = (await (b.orm.em.getConnection() as PostgreSqlConnection).getNativeClient()) as unknown as { options: { max: number } };
      expect(pool.options.max).toBe(17);
    } finally {
      await b?.stop();
      await core.close();
    }
  });
});
