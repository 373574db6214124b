import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, testDatabaseKind, type TestCore } from '@dialbook/core/testing';
import { observeStatements } from '../src/db/drivers.js';

/**
 * Issue 10, defect 1: values reach the database as bound parameters, never as SQL text. (MikroORM
 * formats every value into the statement's text; `node:sqlite` cut such a statement at a NUL, and
 * inlined values are one bug away from injection.) Every statement the ORM sends is observed while
 * a user's values go through the API's writes, searches and filters: the values must appear among
 * the bound parameters and never in the text.
 */
const MARK = 'zqxmark';
let core: TestCore;
const statements: { sql: string; params: readonly unknown[] }[] = [];

beforeAll(async () => {
  core = await createTestCore();
  observeStatements(core.dialbook.orm.em.getConnection(), (sql, params) => statements.push({ sql, params }));
});
afterAll(() => core?.close());

const json = async (res: Response, status: number) => {
  expect(res.status, await res.clone().text()).toBe(status);
  return res.json() as Promise<Record<string, unknown>>;
};

describe('bound parameters', () => {
  test("a user's values travel as parameters through writes, searches and filters", async () => {
    const created = await json(
      await core.request('/api/v1/contacts', {
        method: 'POST',
        json: {
          siteId: core.site.id,
          firstName: `${MARK}first`,
          lastName: `O'${MARK}`,
          organization: `${MARK} "org"`,
          department: `${MARK}dept`,
          notes: `'); drop table contact; -- ${MARK}`,
          tags: [`${MARK}tag`],
          emails: [`${MARK}@example.com`],
          phones: [{ type: 'work', number: '030 555123' }],
        },
      }),
      201,
    );
    const id = created.id as string;
    await json(await core.request(`/api/v1/contacts/${id}`, { method: 'PATCH', json: { title: `${MARK}title` } }), 200);
    for (const query of [`q=${MARK}`, `department=${MARK}dept`, `tag=${MARK}tag`, `q=O'${MARK}`, `source=${MARK}`]) {
      await json(await core.request(`/api/v1/contacts?siteId=${core.site.id}&${query}`), 200);
    }
    await json(await core.request(`/api/v1/audit?action=${MARK}&actor=${MARK}`), 200);
    await json(await core.request('/api/v1/sites', { method: 'POST', json: { name: `${MARK} site`, slug: `${MARK}-site`, defaultCountry: 'DE' } }), 201);
    await json(await core.request('/api/v1/users', { method: 'POST', json: { email: `${MARK}-user@example.com`, role: 'user', siteIds: [core.site.id] } }), 201);
    await json(await core.request('/api/v1/auth/signin', { method: 'POST', anonymous: true, json: { email: `${MARK}@example.com`, password: `${MARK}-password` } }), 401);

    const inText = statements.filter((s) => s.sql.toLowerCase().includes(MARK));
    const inParams = statements.filter((s) => s.params.some((p) => typeof p === 'string' && p.toLowerCase().includes(MARK)));
    expect(inText.map((s) => s.sql)).toEqual([]);
    // The check above is only worth something if the values did reach the database.
    expect(inParams.length).toBeGreaterThan(10);
    // Still the same contact: quotes and SQL in values are just text.
    const read = await json(await core.request(`/api/v1/contacts/${id}`), 200);
    expect(read.notes).toBe(`'); drop table contact; -- ${MARK}`);
    expect(read.lastName).toBe(`O'${MARK}`);
  });

  test('a NUL inside a bound value: SQLite keeps it whole, PostgreSQL refuses it (so the API refuses it first)', async () => {
    const conn = core.dialbook.orm.em.fork().getConnection();
    if (testDatabaseKind() === 'sqlite') {
      const [row] = await conn.execute<{ v: string; n: number }[]>('select ? as v, length(?) as n', ['a\u0000b', 'a\u0000b']);
      expect(row).toEqual({ v: 'a\u0000b', n: 1 }); // length() stops at the NUL; the value itself is whole, the statement not cut
    } else {
      await expect(conn.execute('select ?::text as v', ['a\u0000b'])).rejects.toThrow(/0x00/);
    }
  });

  test('arrays expand to one parameter each, raw fragments keep theirs', async () => {
    const conn = core.dialbook.orm.em.fork().getConnection();
    statements.length = 0;
    const rows = await conn.execute<{ id: string }[]>('select id from site where slug in (?) and name <> ?', [['test', `${MARK}-x`], `${MARK}-y`]);
    expect(rows.map((r: { id: string }) => r.id)).toEqual([core.site.id]);
    expect(statements.at(-1)!.params).toEqual(['test', `${MARK}-x`, `${MARK}-y`]);
    expect(statements.at(-1)!.sql).not.toContain(MARK);
  });
});
