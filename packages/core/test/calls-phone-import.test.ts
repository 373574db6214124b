import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore, type TestUser } from '@dialbook/core/testing';
import { systemActor, type CallDto, type CallPage } from '@dialbook/core';
import { CallsToken } from '../src/calls/module.js';
import type { CallService } from '../src/calls/service.js';
import { readDateTime, zonedToInstant } from '../src/calls/phone-import-entries.js';
import { phoneCallId } from '../src/calls/phone-import.js';

/**
 * `POST /api/v1/calls/imports`: a phone's call history as PBAP exports it (vCard 2.1 with
 * quoted-printable names and soft line breaks, vCard 3.0 with `TYPE=` parameters and folded lines,
 * modelled on Android's `telecom/cch.vcf`) and a `;`-separated CSV, into the call log as source
 * `phone_import`: counts, directions and statuses, time zones, idempotent and overlapping
 * re-imports, bad entries with their line, 413/415/422, site scoping, contact resolution, the
 * audit row. On SQLite and PostgreSQL.
 */
let core: TestCore;
let calls: CallService;
let userA: TestUser;
let userB: TestUser;
let siteB: string;
let anna: string;

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url));
const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
type Result = { created: number; duplicates: number; failed: { entry: number; line: number; message: string }[]; total: number };

const upload = (body: NonNullable<RequestInit['body']>, type: string | null, query: string, who: { request: TestCore['request'] } = core) =>
  who.request(`/api/v1/calls/imports?${query}`, { method: 'POST', body, ...(type ? { headers: { 'content-type': type } } : {}) });
const imported = async (siteId = core.site.id) => {
  const page = await json<CallPage>(await core.request(`/api/v1/calls?siteId=${siteId}&source=phone_import&limit=500&linked=all`));
  return page.items;
};
const byNumber = (items: CallDto[], digits: string) => items.filter((c) => (c.remote.number ?? '').replace(/\D/g, '') === digits);
const countCalls = async () => Number(((await core.dialbook.orm.em.fork().getConnection().execute('select count(*) as n from call_record')) as { n: number | string }[])[0]!.n);

beforeAll(async () => {
  core = await createTestCore();
  calls = core.dialbook.resolve(CallsToken);
  calls.resolution.debounceMs = 20;
  siteB = (await core.dialbook.sites.create({ name: 'Other site', slug: 'other', defaultCountry: 'DE' })).id;
  userA = await core.createUser({ role: 'user', siteIds: [core.site.id] });
  userB = await core.createUser({ role: 'user', siteIds: [siteB] });
  anna = (await core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'Anna', lastName: 'Berg', phones: [{ number: '030 1234567' }] }, systemActor)).id;
});
afterAll(() => core?.close());

describe('vCard call history (PBAP)', () => {
  test('vCard 2.1 by a user: calls of source phone_import, theirs, QP names decoded, kinds mapped, local times in the time zone, bad entries with their line', async () => {
    const res = await upload(await fixture('pbap-cch-21.vcf'), 'text/x-vcard', `siteId=${core.site.id}&timeZone=Europe/Berlin`, userA);
    expect(res.status, await res.clone().text()).toBe(201);
    const result = await json<Result>(res);
    expect(result).toMatchObject({ created: 6, duplicates: 0, total: 8 });
    expect(result.failed.map((f) => [f.entry, f.line])).toEqual([
      [5, 30],
      [6, 37],
    ]);
    expect(result.failed[0]!.message).toMatch(/2026113T1015/);
    expect(result.failed[1]!.message).toMatch(/X-IRMC-CALL-DATETIME/);

    const items = await imported();
    expect(items).toHaveLength(6);
    expect(items.every((c) => c.source === 'phone_import' && c.userId === userA.user.id)).toBe(true);
    // RECEIVED → inbound answered; 10:15 in Berlin in November is 09:15Z.
    expect(byNumber(items, '49301234567')[0]).toMatchObject({ direction: 'inbound', status: 'answered', startedAt: '2026-11-03T09:15:00.000Z', remote: { name: 'Jürgen Müller', e164: '+49301234567' } });
    // DIALED → outbound answered; the name had a soft line break inside a UTF-8 sequence.
    expect(byNumber(items, '0301234500')[0]).toMatchObject({ direction: 'outbound', status: 'answered', startedAt: '2026-11-03T10:30:00.000Z', remote: { name: 'Gisela Schäfer-Großmann Hausverwaltung' } });
    // MISSED → inbound missed; `Z` taken as UTC whatever the time zone.
    expect(byNumber(items, '01511234567')[0]).toMatchObject({ direction: 'inbound', status: 'missed', startedAt: '2026-11-04T08:00:00.000Z', remote: { name: null } });
    // A withheld number (empty TEL) is a call without a number.
    expect(items.find((c) => c.remote.number === null)).toMatchObject({ status: 'missed', startedAt: '2026-11-04T08:00:00.000Z' });
    // 02:30 on the night clocks go back happens twice in Berlin: the first (summer time) is taken.
    expect(byNumber(items, '0305554433')[0]!.startedAt).toBe('2026-10-25T00:30:00.000Z');
    // An explicit offset wins over the time zone.
    expect(byNumber(items, '0305554434')[0]!.startedAt).toBe('2026-11-05T09:00:00.000Z');
  });

  test('the contact with the number is matched (by the usual resolution, in the background)', async () => {
    await calls.resolution.settled();
    const call = byNumber(await imported(), '49301234567')[0]!;
    expect(call.contactId).toBe(anna);
    expect(call.displayName).toBe('Anna Berg');
  });

  test('the same file again creates nothing: every call is a duplicate, the bad entries fail again (200)', async () => {
    const before = await countCalls();
    const res = await upload(await fixture('pbap-cch-21.vcf'), 'text/vcard', `siteId=${core.site.id}&timeZone=Europe/Berlin`, userA);
    expect(res.status).toBe(200);
    expect(await json<Result>(res)).toMatchObject({ created: 0, duplicates: 6, total: 8, failed: [{ entry: 5 }, { entry: 6 }] });
    expect(await countCalls()).toBe(before);
  });

  test('vCard 3.0, a later export overlapping the first (numbers and offsets written otherwise): only the new calls are created; TYPE= kinds, escapes and folded lines read', async () => {
    const form = new FormData();
    form.append('file', new File([await fixture('pbap-cch-30.vcf')], 'cch.vcf', { type: 'application/octet-stream' }));
    const res = await upload(form, null, `siteId=${core.site.id}&timeZone=Europe/Berlin`, userA);
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await json<Result>(res)).toEqual({ created: 2, duplicates: 2, failed: [], total: 4 });
    const items = await imported();
    expect(items).toHaveLength(8);
    expect(byNumber(items, '0304445566')[0]).toMatchObject({ direction: 'outbound', status: 'answered', startedAt: '2026-11-05T13:00:00.000Z', remote: { name: 'Bäckerei Schmidt, Filiale Mitte' } });
    expect(byNumber(items, '491519998877')[0]).toMatchObject({ status: 'missed', remote: { name: 'Sehr langer Name der über mehrere Zeilen gefaltet wurde' } });
  });

  test('without timeZone, local times are in the site\'s time zone (UTC unless set); the id is a hash of kind, instant and number digits', async () => {
    const card = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ohne Zone\r\nTEL:0307000001\r\nX-IRMC-CALL-DATETIME;TYPE=RECEIVED:20260701T120000\r\nEND:VCARD\r\n';
    const res = await upload(card, 'text/directory', `siteId=${core.site.id}`);
    expect(await json<Result>(res)).toEqual({ created: 1, duplicates: 0, failed: [], total: 1 });
    const call = byNumber(await imported(), '0307000001')[0]!;
    expect(call.startedAt).toBe('2026-07-01T12:00:00.000Z');
    expect(call.externalId).toBe(phoneCallId('received', new Date('2026-07-01T12:00:00Z'), '030 7000001'));
    expect(call.userId).toBe(core.admin.user.id);
  });

  test('without timeZone, local times are in the site\'s time zone', async () => {
    const patched = await core.request(`/api/v1/sites/${siteB}`, { method: 'PATCH', json: { timeZone: 'Europe/Berlin' } });
    expect(patched.status, await patched.clone().text()).toBe(200);
    const card = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Berlin Zone\r\nTEL:0307000002\r\nX-IRMC-CALL-DATETIME;TYPE=DIALED:20260701T120000\r\nEND:VCARD\r\n';
    expect((await upload(card, 'text/directory', `siteId=${siteB}`, userB)).status).toBe(201);
    expect(byNumber(await imported(siteB), '0307000002')[0]!.startedAt).toBe('2026-07-01T10:00:00.000Z');
    expect((await core.request(`/api/v1/sites/${siteB}`, { method: 'PATCH', json: { timeZone: 'UTC' } })).status).toBe(200);
  });
});

describe('CSV of calls', () => {
  test('`;`-separated with a BOM: columns by header, kinds by alias, durations, dates in three forms; bad rows fail with their line; re-import creates nothing', async () => {
    const body = await fixture('calls-semicolon.csv');
    const res = await upload(body, 'text/csv; charset=utf-8', `siteId=${siteB}&timeZone=Europe/Berlin`, userB);
    expect(res.status, await res.clone().text()).toBe(201);
    const result = await json<Result>(res);
    expect(result).toMatchObject({ created: 3, duplicates: 0, total: 5 });
    expect(result.failed.map((f) => [f.entry, f.line])).toEqual([
      [4, 5],
      [5, 6],
    ]);
    expect(result.failed[0]!.message).toMatch(/sideways/);
    const items = await imported(siteB);
    expect(byNumber(items, '49301234567')[0]).toMatchObject({ direction: 'inbound', status: 'answered', durationSeconds: 125, startedAt: '2026-11-06T08:00:00.000Z', userId: userB.user.id, remote: { name: 'Anna Berg' } });
    expect(byNumber(items, '0309999999')[0]).toMatchObject({ direction: 'outbound', status: 'answered', durationSeconds: 45, startedAt: '2026-11-06T09:30:00.000Z' });
    expect(byNumber(items, '01517654321')[0]).toMatchObject({ direction: 'inbound', status: 'missed', durationSeconds: 0, startedAt: '2026-11-06T10:00:00.000Z', remote: { name: 'Meier; Klaus' } });
    // Site B's calls are not matched to site A's contact with the same number.
    await calls.resolution.settled();
    expect(byNumber(await imported(siteB), '49301234567')[0]!.contactId).toBeNull();

    const again = await upload(body, 'text/csv', `siteId=${siteB}&timeZone=Europe/Berlin`, userB);
    expect(again.status).toBe(200);
    expect(await json<Result>(again)).toMatchObject({ created: 0, duplicates: 3, total: 5 });
  });

  test('a `,`-separated CSV with other header names; a missing required column is 422 naming it', async () => {
    const ok = await upload('Started,Phone,Direction,Duration\n2026-12-01T08:00:00Z,030 7000002,Inbound,1:00:00\n', 'text/csv', `siteId=${core.site.id}`);
    expect(await json<Result>(ok)).toEqual({ created: 1, duplicates: 0, failed: [], total: 1 });
    expect(byNumber(await imported(), '0307000002')[0]).toMatchObject({ direction: 'inbound', status: 'answered', durationSeconds: 3600 });

    const before = await countCalls();
    const res = await upload('Date;Name;Type\n2026-12-01 08:00;X;missed\n', 'text/csv', `siteId=${core.site.id}`);
    expect(res.status).toBe(422);
    const problem = await json(res);
    expect(problem).toMatchObject({ code: 'DIALBOOK_CALL_IMPORT_UNREADABLE', field: 'file', details: { column: 'number' } });
    expect(problem.detail).toMatch(/"number" column/);
    expect(await countCalls()).toBe(before);
  });

  test('a CSV with an unclosed quote is 422 naming the line', async () => {
    const res = await upload('date;number;type\n2026-12-01 08:00;"030 1;missed\n', 'text/csv', `siteId=${core.site.id}`);
    expect(res.status).toBe(422);
    expect(await json(res)).toMatchObject({ code: 'DIALBOOK_CALL_IMPORT_UNREADABLE', field: 'file' });
  });
});

test('a long history (2,500 entries, more than one batch) in one file, and again', async () => {
  const siteC = (await core.dialbook.sites.create({ name: 'Third site', slug: 'third', defaultCountry: 'DE' })).id;
  let text = '';
  for (let i = 0; i < 2500; i++) {
    const kind = ['RECEIVED', 'DIALED', 'MISSED'][i % 3];
    text += `BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Caller ${i}\r\nTEL;CELL:+49151${String(i).padStart(7, '0')}\r\nX-IRMC-CALL-DATETIME;${kind}:202610${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}${String(i % 60).padStart(2, '0')}00\r\nEND:VCARD\r\n`;
  }
  const res = await upload(text, 'text/vcard', `siteId=${siteC}`);
  expect(res.status, (await res.clone().text()).slice(0, 300)).toBe(201);
  expect(await json<Result>(res)).toEqual({ created: 2500, duplicates: 0, failed: [], total: 2500 });
  expect(await json<Result>(await upload(text, 'text/vcard', `siteId=${siteC}`))).toEqual({ created: 0, duplicates: 2500, failed: [], total: 2500 });
  expect(await calls.countInSite(siteC)).toBe(2500);
}, 120_000);

describe('refusals: nothing changes', () => {
  let before: number;
  beforeAll(async () => {
    before = await countCalls();
  });

  test('a file over 10 MiB is 413, by Content-Length and when streamed', async () => {
    const big = `date;number;type\n${'2026-12-01 08:00;0301;missed\n'.repeat(Math.ceil((10 * 1024 * 1024) / 28) + 10)}`;
    const res = await upload(big, 'text/csv', `siteId=${core.site.id}`);
    expect(res.status).toBe(413);
    expect(await json(res)).toMatchObject({ code: 'DIALBOOK_HTTP_PAYLOAD_TOO_LARGE' });
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 1024 * 1024) c.enqueue(bytes.subarray(i, i + 1024 * 1024));
        c.close();
      },
    });
    const streamed = await core.app.request(`/api/v1/calls/imports?siteId=${core.site.id}`, { method: 'POST', body: stream, headers: { 'content-type': 'text/csv', authorization: `Bearer ${core.admin.token}` }, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await countCalls()).toBe(before);
  });

  test('another media type is 415: JSON, text/plain, no Content-Type, a multipart part that is neither', async () => {
    for (const [body, type] of [
      ['{"a":1}', 'application/json'],
      ['date;number;type', 'text/plain'],
      ['BEGIN:VCARD', null],
    ] as const) {
      const res = await upload(body, type, `siteId=${core.site.id}`);
      expect(res.status, `${type}`).toBe(415);
      expect((await json(res)).code).toBe('DIALBOOK_CALL_IMPORT_MEDIA_TYPE');
    }
    const form = new FormData();
    form.append('file', new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'photo.png', { type: 'image/png' }));
    expect((await upload(form, null, `siteId=${core.site.id}`)).status).toBe(415);
    expect(await countCalls()).toBe(before);
  });

  test('unparseable files are 422 naming the entry and line; a form without `file`, a bad time zone are 422 naming the field', async () => {
    const cases: [string, RegExp, Record<string, unknown>][] = [
      ['hello world\n', /line 1/, { line: 1 }],
      ['', /no vCard/, { line: 1 }],
      ['BEGIN:VCARD\nVERSION:3.0\nX-IRMC-CALL-DATETIME;TYPE=MISSED:20261101T100000\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nTEL:0301\n', /entry 2 \(line 5\).*cut short/, { entry: 2, line: 5 }],
      ['BEGIN:VCARD\nVERSION:3.0\nBEGIN:VCARD\nEND:VCARD\n', /entry 1 \(line 1\)/, { entry: 1, line: 1 }],
    ];
    for (const [text, message, details] of cases) {
      const res = await upload(text, 'text/vcard', `siteId=${core.site.id}`);
      expect(res.status, text).toBe(422);
      const problem = await json<{ code: string; field: string; detail: string; details: Record<string, unknown> }>(res);
      expect(problem).toMatchObject({ code: 'DIALBOOK_CALL_IMPORT_UNREADABLE', field: 'file', details });
      expect(problem.detail).toMatch(message);
    }
    const form = new FormData();
    form.append('other', 'x');
    const noFile = await upload(form, null, `siteId=${core.site.id}`);
    expect(noFile.status).toBe(422);
    expect((await json(noFile)).field).toBe('file');
    const zone = await upload('date;number;type\n', 'text/csv', `siteId=${core.site.id}&timeZone=Mars/Olympus`);
    expect(zone.status).toBe(422);
    expect((await json(zone)).field).toBe('query.timeZone');
    const broken = await core.request(`/api/v1/calls/imports?siteId=${core.site.id}`, { method: 'POST', body: '--x\r\nnot a part', headers: { 'content-type': 'multipart/form-data; boundary=x' } });
    expect(broken.status).toBe(400);
    expect(await countCalls()).toBe(before);
  });

  test("a user cannot import into another site (404), nor into an unknown one; anonymous is 401", async () => {
    const file = await fixture('pbap-cch-30.vcf');
    const foreign = await upload(file, 'text/vcard', `siteId=${siteB}`, userA);
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).not.toMatch(/Other site/);
    expect((await upload(file, 'text/vcard', `siteId=00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await core.request(`/api/v1/calls/imports?siteId=${core.site.id}`, { method: 'POST', body: file, headers: { 'content-type': 'text/vcard' }, anonymous: true })).status).toBe(401);
    expect(await countCalls()).toBe(before);
  });
});

test('one audit row per import, with counts and no contents', async () => {
  const rows = (await core.dialbook.orm.em.fork().getConnection().execute("select actor, site_id, detail from audit_event where action = 'calls.imported' order by id")) as { actor: string; site_id: string; detail: unknown }[];
  // Ten imports succeeded above: 2.1 twice, 3.0, the two without a zone, the `;` CSV twice in site B, the `,` CSV, the long one twice.
  expect(rows).toHaveLength(10);
  const first = rows[0]!;
  const detail = (typeof first.detail === 'string' ? JSON.parse(first.detail) : first.detail) as Record<string, unknown>;
  expect(detail).toEqual({ format: 'vcard', timeZone: 'Europe/Berlin', total: 8, created: 6, duplicates: 0, failed: 2 });
  expect(first.site_id).toBe(core.site.id);
  expect(JSON.stringify(rows)).not.toMatch(/Müller|1234567|Kaputt/);
});

test('date-times and time zones: offsets, the spring gap, the autumn overlap', () => {
  const berlin = (s: string) => readDateTime(s, 'Europe/Berlin').toISOString();
  expect(berlin('20260329T023000')).toBe('2026-03-29T01:30:00.000Z'); // never happens: lands after the gap (03:30 CEST)
  expect(berlin('20261025T023000')).toBe('2026-10-25T00:30:00.000Z'); // twice: the first
  expect(berlin('2026-07-01T12:00:00-04:00')).toBe('2026-07-01T16:00:00.000Z');
  expect(berlin('01.07.2026 12:00')).toBe('2026-07-01T10:00:00.000Z');
  expect(readDateTime('20260101T000000', 'America/New_York').toISOString()).toBe('2026-01-01T05:00:00.000Z');
  expect(zonedToInstant(Date.UTC(2026, 0, 1), 'UTC')).toBe(Date.UTC(2026, 0, 1));
  expect(() => berlin('20260230T100000')).toThrow(/not a real date/);
});
