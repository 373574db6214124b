import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { createTestCore, type TestCore, type TestUser } from '@dialbook/core/testing';
import { definePlugin, type CallPage, type PluginContext } from '@dialbook/core';

/**
 * `GET /calls/export` over HTTP on SQLite and PostgreSQL: CSV (BOM, header, quoting, the formula guard)
 * and XLSX read back, the list's filters and site scope, batches past the first thousand, no raw
 * payload or recording reference, one audit row.
 */
let core: TestCore;
let ctx: PluginContext;
let berlin: string;
let siteB: string;
let userA: TestUser;

const pbx = definePlugin({
  name: 'pbx',
  setup(c) {
    c.calls.registerSource({ id: 'pbx', label: 'Test PBX' });
    ctx = c as unknown as PluginContext;
  },
});

const HEADER = ['id', 'started', 'answered', 'ended', 'duration seconds', 'direction', 'status', 'source', 'local number', 'local extension', 'user', 'remote number', 'remote E.164', 'remote name', 'contact id', 'contact name', 'site', 'sources of the conversation'];
const col = (name: string) => HEADER.indexOf(name);

const download = async (query: string, who: { request: TestCore['request'] } = core) => {
  const res = await who.request(`/api/v1/calls/export?${query}`);
  expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
};
const csv = async (query: string, who: { request: TestCore['request'] } = core) => {
  const { res, bytes } = await download(`format=csv&${query}`, who);
  const rows = parse(bytes.subarray(3).toString('utf8'), { relaxQuotes: false }) as string[][];
  return { res, bytes, header: rows[0]!, rows: rows.slice(1) };
};
const listIds = async (query: string, who: { request: TestCore['request'] } = core) => {
  const res = await who.request(`/api/v1/calls?limit=500&${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as CallPage).items.map((c) => c.id);
};

beforeAll(async () => {
  core = await createTestCore({ plugins: { pbx } });
  berlin = (await core.dialbook.sites.create({ name: 'Berlin, Mitte', slug: 'berlin', defaultCountry: 'DE', timeZone: 'Europe/Berlin' })).id;
  siteB = (await core.dialbook.sites.create({ name: 'Other', slug: 'other', defaultCountry: 'DE' })).id;
  userA = await core.createUser({ role: 'user', siteIds: [berlin] });
  const add = (externalId: string, startedAt: string, extra: Record<string, unknown> = {}) => ctx.calls.upsert(berlin, 'pbx', { externalId, direction: 'inbound', startedAt, ...extra });
  await add('e1', '2026-03-29T01:30:00Z', { status: 'answered', answeredAt: '2026-03-29T01:30:05Z', endedAt: '2026-03-29T01:32:05Z', remote: { number: '+49 30 1234567', name: 'Smith, John' }, local: { number: '+49 30 999', extension: '12' }, userId: core.admin.user.id });
  await add('e2', '2026-03-28T22:00:00Z', { status: 'missed', endedAt: '2026-03-28T22:00:20Z', remote: { number: '030 7654321', name: 'Say "hi"\nsecond line' } });
  await add('e3', '2026-03-27T10:00:00Z', { status: 'missed', remote: { number: '-1+1', name: '=HYPERLINK("https://evil.example","x")' }, rawPayload: { secret: 'raw-payload-secret' }, recording: { kind: 'recording', ref: 'https://vendor.example/rec?signature=signed-secret' } });
  await add('e4', '2026-03-26T10:00:00Z', { status: 'busy', remote: { name: '@SUM(A1)' } });
  await add('e5', '2026-03-25T10:00:00Z', { status: 'busy', remote: { name: '+SUM(A1)' } });
  await add('e6', '2026-03-24T10:00:00Z', { status: 'busy', remote: { name: '-2+3*cmd' } });
  await ctx.calls.upsert(siteB, 'pbx', { externalId: 'foreign', direction: 'inbound', startedAt: '2026-03-29T10:00:00Z', remote: { name: 'Foreign caller' } });
});
afterAll(() => core?.close());

describe('CSV', () => {
  test('UTF-8 with a BOM, a header row, an attachment; the rows are the list\'s, in its order', async () => {
    const { res, bytes, header, rows } = await csv(`siteId=${berlin}`);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="calls-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(header).toEqual(HEADER);
    expect(rows.map((r) => r[0])).toEqual(await listIds(`siteId=${berlin}`));
    const e1 = rows[0]!;
    // Times in the site's zone with their offset: 01:30Z is 03:30 summer time.
    expect(e1[col('started')]).toBe('2026-03-29T03:30:00+02:00');
    expect(e1[col('ended')]).toBe('2026-03-29T03:32:05+02:00');
    expect(e1[col('duration seconds')]).toBe('120');
    expect(e1.slice(col('direction'), col('user'))).toEqual(['inbound', 'answered', 'pbx', '+49 30 999', '12']);
    expect(e1[col('user')]).toMatch(/\S/);
    expect(e1[col('site')]).toBe('Berlin, Mitte');
    expect(e1[col('sources of the conversation')]).toBe('pbx');
    expect(rows[1]![col('started')]).toBe('2026-03-28T23:00:00+01:00');
  });

  test('commas, quotes and newlines are quoted; formula-like text is defused; phone numbers stay as written', async () => {
    const { bytes, rows } = await csv(`siteId=${berlin}`);
    const byExt = new Map(rows.map((r) => [r[0], r]));
    const ids = await listIds(`siteId=${berlin}`);
    const row = (i: number) => byExt.get(ids[i]!)!;
    expect(row(0)[col('remote name')]).toBe('Smith, John');
    expect(row(0)[col('remote number')]).toBe('+49 30 1234567');
    expect(row(0)[col('remote E.164')]).toBe('+49301234567');
    expect(row(1)[col('remote name')]).toBe('Say "hi"\nsecond line');
    expect(row(2)[col('remote name')]).toBe('\'=HYPERLINK("https://evil.example","x")');
    expect(row(2)[col('remote number')]).toBe("'-1+1");
    expect(row(3)[col('remote name')]).toBe("'@SUM(A1)");
    expect(row(4)[col('remote name')]).toBe("'+SUM(A1)");
    expect(row(5)[col('remote name')]).toBe("'-2+3*cmd");
    const text = bytes.toString('utf8');
    expect(text).toContain('"Smith, John"');
    expect(text).toContain('"Say ""hi""\nsecond line"');
    expect(text).not.toContain('raw-payload-secret');
    expect(text).not.toContain('signed-secret');
  });

  test("the list's filters hold: status, start inclusive and end exclusive, number, q", async () => {
    const f = async (query: string) => (await csv(`siteId=${berlin}&${query}`)).rows.map((r) => r[0]);
    for (const query of ['status=missed', `start=${encodeURIComponent('2026-03-28T23:00:00+01:00')}&end=2026-03-29T01:30:00Z`, 'number=030%201234567', 'q=smith', 'direction=outbound']) {
      expect(await f(query), query).toEqual(await listIds(`siteId=${berlin}&${query}`));
    }
    expect(await f('status=missed')).toHaveLength(2);
    expect(await f(`start=${encodeURIComponent('2026-03-28T23:00:00+01:00')}&end=2026-03-29T01:30:00Z`)).toHaveLength(1); // e2 at the start, not e1 at the end
  });

  test('a user of one site exports only its calls; another site is 404', async () => {
    const mine = await csv('', userA);
    expect(mine.rows.map((r) => r[0])).toEqual(await listIds(`siteId=${berlin}`));
    expect(mine.bytes.toString('utf8')).not.toContain('Foreign caller');
    expect((await userA.request(`/api/v1/calls/export?siteId=${siteB}`)).status).toBe(404);
    // An administrator without siteId gets both sites, in UTC (their zones differ).
    const all = await csv('');
    expect(all.rows).toHaveLength(7);
    expect(all.rows.find((r) => r[col('remote name')] === 'Foreign caller')![col('started')]).toBe('2026-03-29T10:00:00+00:00');
  });

  test('past one batch: every call once, in the list order', async () => {
    const bulk = (await core.dialbook.sites.create({ name: 'Bulk', slug: 'bulk' })).id;
    const base = Date.parse('2025-01-01T00:00:00Z');
    const n = 1205;
    const items = Array.from({ length: n }, (_, i) => ({ externalId: `bulk-${i}`, direction: 'outbound', startedAt: new Date(base + Math.floor(i / 3) * 60_000) })); // threes share a start
    await ctx.calls.upsertMany(bulk, 'pbx', items);
    const { rows } = await csv(`siteId=${bulk}`);
    expect(rows).toHaveLength(n);
    expect(new Set(rows.map((r) => r[0])).size).toBe(n);
    const starts = rows.map((r) => Date.parse(r[col('started')]!));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
  });
});

describe('XLSX', () => {
  test('read back with exceljs: the same header and cells as the CSV (text kept as text, never a formula)', async () => {
    const { res, bytes } = await download(`format=xlsx&siteId=${berlin}`);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="calls-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as Parameters<typeof book.xlsx.load>[0]);
    const sheet = book.worksheets[0]!;
    const values: string[][] = [];
    sheet.eachRow({ includeEmpty: false }, (row) => values.push(HEADER.map((_, i) => {
      const v = row.getCell(i + 1).value;
      return v === null || v === undefined ? '' : String(v);
    })));
    const fromCsv = await csv(`siteId=${berlin}`);
    expect(values[0]).toEqual(HEADER);
    expect(values).toHaveLength(fromCsv.rows.length + 1);
    values.slice(1).forEach((r, i) => {
      // The CSV defuses formula-like text with a leading '; the XLSX holds it as a plain text cell.
      expect(r).toEqual(fromCsv.rows[i]!.map((v, j) => (v.startsWith("'") && !r[j]!.startsWith("'") ? v.slice(1) : v)));
    });
    const formulaRow = sheet.getRow(4);
    expect(formulaRow.getCell(col('remote name') + 1).type).toBe(ExcelJS.ValueType.String);
    expect(bytes.toString('latin1')).not.toContain('raw-payload-secret');
  });

  test('filters hold in XLSX too', async () => {
    const { bytes } = await download(`format=xlsx&siteId=${berlin}&status=busy`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as Parameters<typeof book.xlsx.load>[0]);
    const ids: string[] = [];
    book.worksheets[0]!.eachRow((row, n) => void (n > 1 && ids.push(String(row.getCell(1).value))));
    expect(ids).toEqual(await listIds(`siteId=${berlin}&status=busy`));
  });
});

describe('audit and bad input', () => {
  test('each export writes one calls.exported row with format, filters and rows', async () => {
    const before = await core.request('/api/v1/audit?action=calls.exported&pageSize=200');
    const count = ((await before.json()) as { total: number }).total;
    await csv(`siteId=${berlin}&status=missed`, userA);
    const res = await core.request('/api/v1/audit?action=calls.exported&pageSize=200');
    const page = (await res.json()) as { total: number; items: { actor: string; actorName: string | null; siteId: string | null; detail: Record<string, unknown> }[] };
    expect(page.total).toBe(count + 1);
    expect(page.items[0]!.actor).toMatch(/^(user|apiKey):/); // the user's API token
    expect(page.items[0]).toMatchObject({ siteId: berlin, detail: { format: 'csv', rows: 2, timeZone: 'Europe/Berlin', filters: { siteId: berlin, status: 'missed' } } });
  });

  test('an unknown format or zone is 422 naming the field, and no audit row', async () => {
    const before = ((await (await core.request('/api/v1/audit?action=calls.exported')).json()) as { total: number }).total;
    for (const [query, field] of [
      ['format=pdf', 'query.format'],
      ['timeZone=Nowhere%2FLand', 'query.timeZone'],
      ['start=yesterday', 'query.start'],
    ] as const) {
      const res = await core.request(`/api/v1/calls/export?${query}`);
      expect(res.status, query).toBe(422);
      expect(((await res.json()) as { field: string }).field, query).toBe(field);
    }
    expect(((await (await core.request('/api/v1/audit?action=calls.exported')).json()) as { total: number }).total).toBe(before);
  });
});
