/**
 * PJSIP realtime (ARA) on real PostgreSQL: the tables the plugin creates compared column by column
 * with the documented schema (test/fixtures/asterisk-pjsip-columns.md, a copy of the research
 * notes on Asterisk's alembic head), a client's lifecycle through core's API leaving exactly the
 * right rows, and rows an admin added by hand left alone. The ARA database is a separate fresh
 * PostgreSQL database (as Asterisk's own would be). Runs in the PostgreSQL pass; on SQLite only
 * the "ARA needs PostgreSQL" health line is checked.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, createTestDatabase, testDatabaseKind, type TestCore } from '@dialbook/core/testing';
import { definePlugin, type RoutingApi } from '@dialbook/core';
import { AraSync, createAsteriskPlugin } from '../src/index.js';
import { recordingLogger } from './helpers.js';

const onPostgres = testDatabaseKind() === 'postgresql';
const json = async <T>(res: Response) => (await res.json()) as T;

async function pluginHealth(core: TestCore) {
  const { items } = await json<{ items: { id: string; health: { id: string; ok: boolean; message: string }[] }[] }>(await core.request('/api/v1/plugins'));
  return items.find((p) => p.id === 'asterisk')!.health;
}

describe.skipIf(onPostgres)('ARA on a SQLite deployment', () => {
  test('health says ARA needs PostgreSQL; the FastAGI server still runs', async () => {
    const core = await createTestCore({ plugins: { asterisk: { plugin: createAsteriskPlugin(), options: { agi: { port: 0 } } } } });
    try {
      const health = await pluginHealth(core);
      expect(health.find((h) => h.id.endsWith('ara'))).toMatchObject({ ok: true, message: expect.stringMatching(/^ARA needs PostgreSQL/) });
      expect(health.find((h) => h.id.endsWith('agi'))).toMatchObject({ ok: true, message: expect.stringMatching(/^listening on/) });
    } finally {
      await core.close();
    }
  });

  test('a databaseUrl that is not PostgreSQL stops start-up naming the key', async () => {
    await expect(createTestCore({ plugins: { asterisk: { plugin: createAsteriskPlugin(), options: { agi: { port: 0 }, ara: { databaseUrl: 'mysql://x@h/db' } } } } })).rejects.toThrow(/ara\.databaseUrl/);
  });
});

describe.skipIf(!onPostgres)('ARA on PostgreSQL', () => {
  let core: TestCore;
  let araDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: pg.Client;
  let routing: RoutingApi;
  const probe = definePlugin({ name: 'probe', setup: (ctx) => void (routing = ctx.routing) });

  beforeAll(async () => {
    araDb = await createTestDatabase();
    db = new pg.Client({ connectionString: araDb.url });
    await db.connect();
    core = await createTestCore({ plugins: { probe, asterisk: { plugin: createAsteriskPlugin(), options: { agi: { port: 0 }, ara: { databaseUrl: araDb.url } } } } });
  });
  afterAll(async () => {
    await core?.close();
    await db?.end();
    await araDb?.drop();
  });

  /** The documented `name type` lists per table, parsed from the fixture. */
  const documented = (table: string): [string, string][] => {
    const doc = readFileSync(new URL('./fixtures/asterisk-pjsip-columns.md', import.meta.url), 'utf8');
    const line = new RegExp(`\\*\\*${table}\\*\\* \\((\\d+) columns\\): (.*)`).exec(doc)!;
    const cols = [...line[2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(' NOT NULL', '').split(' ') as [string, string]);
    expect(cols).toHaveLength(Number(line[1]));
    return cols;
  };

  test.each(['ps_endpoints', 'ps_auths', 'ps_aors'])('%s has the documented columns and types (information_schema)', async (table) => {
    const { rows } = await db.query<{ column_name: string; data_type: string; udt_name: string; character_maximum_length: number | null; is_nullable: string }>(
      'select column_name, data_type, udt_name, character_maximum_length, is_nullable from information_schema.columns where table_name = $1 and table_schema = current_schema() order by ordinal_position',
      [table],
    );
    const actual = rows.map((r) => {
      const type = r.data_type === 'character varying' ? `varchar(${r.character_maximum_length})` : r.data_type === 'USER-DEFINED' ? r.udt_name : r.data_type === 'double precision' ? 'float8' : r.data_type;
      return [r.column_name, type];
    });
    expect(actual).toEqual(documented(table));
    expect(rows.filter((r) => r.is_nullable === 'NO').map((r) => r.column_name)).toEqual(['id']);
    const { rows: unique } = await db.query("select 1 from pg_indexes where tablename = $1 and indexdef like 'CREATE UNIQUE INDEX%(id)'", [table]);
    expect(unique.length).toBeGreaterThan(0);
  });

  test('ast_bool_values is a PostgreSQL enum with the documented values', async () => {
    const { rows } = await db.query<{ v: string }>("select unnest(enum_range(null::ast_bool_values))::text as v");
    expect(rows.map((r) => r.v)).toEqual(['0', '1', 'off', 'on', 'false', 'true', 'no', 'yes']);
  });

  const owned = async () => {
    const out: Record<string, Record<string, unknown>[]> = {};
    for (const t of ['ps_endpoints', 'ps_auths', 'ps_aors']) out[t] = (await db.query(`select * from ${t} order by id`)).rows;
    return out;
  };
  const pick = (rows: Record<string, unknown>[], cols: string[]) => rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c]])));

  test("a client's lifecycle — created, password rotated, disabled, re-enabled, deleted — leaves exactly the right rows; hand-made rows are untouched", async () => {
    await db.query("insert into ps_endpoints (id, transport, aors, context, allow) values ('carrier-in', 'transport-udp', 'carrier-in', 'from-carrier', 'ulaw')");
    await db.query("insert into ps_aors (id, contact) values ('carrier-in', 'sip:carrier.example:5060')");
    await db.query("insert into ps_auths (id, auth_type, username, password) values ('carrier-in', 'userpass', 'carrier', 'hand-secret')");
    const hand = (await owned());

    const made = await core.request('/api/v1/routing/clients', { method: 'POST', json: { name: 'Buyer A', sip: { host: 'sip.buyer-a.example', port: 5080, transport: 'tcp', username: 'buyera', password: 'first-pass', codecs: ['ulaw', 'g722'] } } });
    expect(made.status).toBe(201);
    const { id } = await json<{ id: string }>(made);
    const rid = `dialbook-${id}`;
    let rows = await owned();
    expect(pick(rows.ps_endpoints!, ['id', 'transport', 'aors', 'outbound_auth', 'context', 'disallow', 'allow', 'direct_media', 'accountcode'])).toEqual([
      { id: 'carrier-in', transport: 'transport-udp', aors: 'carrier-in', outbound_auth: null, context: 'from-carrier', disallow: null, allow: 'ulaw', direct_media: null, accountcode: null },
      { id: rid, transport: 'transport-tcp', aors: rid, outbound_auth: rid, context: 'dialbook-from-clients', disallow: 'all', allow: 'ulaw,g722', direct_media: 'no', accountcode: id },
    ]);
    expect(pick(rows.ps_auths!, ['id', 'auth_type', 'username', 'password'])).toEqual([
      { id: 'carrier-in', auth_type: 'userpass', username: 'carrier', password: 'hand-secret' },
      { id: rid, auth_type: 'userpass', username: 'buyera', password: 'first-pass' },
    ]);
    expect(pick(rows.ps_aors!, ['id', 'contact', 'qualify_frequency'])).toEqual([
      { id: 'carrier-in', contact: 'sip:carrier.example:5060', qualify_frequency: null },
      { id: rid, contact: 'sip:sip.buyer-a.example:5080;transport=tcp', qualify_frequency: 60 },
    ]);

    expect((await core.request(`/api/v1/routing/clients/${id}`, { method: 'PATCH', json: { sip: { password: 'rotated-pass' } } })).status).toBe(200);
    rows = await owned();
    expect(pick(rows.ps_auths!, ['id', 'password'])).toEqual([{ id: 'carrier-in', password: 'hand-secret' }, { id: rid, password: 'rotated-pass' }]);

    expect((await core.request(`/api/v1/routing/clients/${id}`, { method: 'PATCH', json: { enabled: false } })).status).toBe(200);
    expect(await owned()).toEqual(hand);

    expect((await core.request(`/api/v1/routing/clients/${id}`, { method: 'PATCH', json: { enabled: true } })).status).toBe(200);
    expect((await owned()).ps_endpoints!.map((r) => r.id)).toEqual(['carrier-in', rid]);

    expect((await core.request(`/api/v1/routing/clients/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await owned()).toEqual(hand);
    const health = (await pluginHealth(core)).find((h) => h.id.endsWith('ara'))!;
    expect(health.ok).toBe(true);
    expect(health.message).not.toContain('@'); // no user or password of the URL
  });

  test('a start resyncs: owned rows of clients gone meanwhile are removed, missing ones written, hand-made ones kept', async () => {
    const made = await json<{ id: string }>(await core.request('/api/v1/routing/clients', { method: 'POST', json: { name: 'Buyer B', sip: { host: '192.0.2.7' } } }));
    const rid = `dialbook-${made.id}`;
    await db.query("insert into ps_endpoints (id) values ('dialbook-00000000-0000-4000-8000-000000000000')"); // a client that no longer exists
    await db.query('delete from ps_aors where id = $1', [rid]); // lost meanwhile
    await db.query("update ps_endpoints set allow = 'gsm' where id = $1", [rid]); // edited by hand
    const restarted = new AraSync({ databaseUrl: araDb.url, defaults: { context: 'dialbook-from-clients', transports: { udp: 'transport-udp', tcp: 'transport-tcp', tls: 'transport-tls' }, qualifyFrequency: 60 }, trunks: () => routing.trunks(), logger: recordingLogger() });
    try {
      await restarted.start();
      expect(restarted.health()).toEqual({ ok: true, message: '1 of 1 enabled clients provisioned' });
    } finally {
      await restarted.stop();
    }
    const rows = await owned();
    expect(rows.ps_endpoints!.map((r) => [r.id, r.allow])).toEqual([['carrier-in', 'ulaw'], [rid, 'ulaw,alaw']]);
    expect(rows.ps_aors!.map((r) => [r.id, r.contact])).toEqual([['carrier-in', 'sip:carrier.example:5060'], [rid, 'sip:192.0.2.7:5060']]);
    expect(rows.ps_auths!.map((r) => r.id)).toEqual(['carrier-in']); // no username or password: no auth, no outbound_auth
    expect(rows.ps_endpoints![1]).toMatchObject({ outbound_auth: null });
  });

  test('a client whose username does not fit ps_auths is not provisioned, and health says why', async () => {
    const made = await json<{ id: string }>(await core.request('/api/v1/routing/clients', { method: 'POST', json: { name: 'Buyer C', sip: { host: 'c.example', username: 'u'.repeat(60), password: 'pw' } } }));
    expect((await owned()).ps_endpoints!.map((r) => r.id)).not.toContain(`dialbook-${made.id}`);
    expect((await pluginHealth(core)).find((h) => h.id.endsWith('ara'))).toEqual(expect.objectContaining({ ok: false, message: expect.stringMatching(/not provisioned: ps_\w+\.\w+ holds at most 40 characters/) }));
    await core.request(`/api/v1/routing/clients/${made.id}`, { method: 'DELETE' });
  });
});
