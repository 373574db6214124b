import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, spyEvents, type EventSpy, type TestCore, type TestUser } from '@dialbook/core/testing';
import { definePlugin, systemActor, type CallDto, type CallPage, type PluginContext } from '@dialbook/core';

/**
 * The call log over HTTP and through `ctx.calls`: manual calls (201, then 409), the filters at their
 * boundaries, keyset pages under inserts, site isolation, the events. On SQLite and PostgreSQL.
 */
let core: TestCore;
let ctx: PluginContext;
let events: EventSpy<'call.recorded' | 'call.updated'>;
let siteB: string;
let userA: TestUser;

const pbx = definePlugin({
  name: 'pbx',
  setup(c) {
    c.calls.registerSource({ id: 'pbx', label: 'Test PBX' });
    ctx = c as unknown as PluginContext;
  },
});

beforeAll(async () => {
  core = await createTestCore({ plugins: { pbx } });
  events = spyEvents(core, ['call.recorded', 'call.updated']);
  siteB = (await core.dialbook.sites.create({ name: 'Other site', slug: 'other', defaultCountry: 'DE' })).id;
  userA = await core.createUser({ role: 'user', siteIds: [core.site.id] });
});
afterAll(() => core?.close());

const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
const post = async (body: Record<string, unknown>, who: { request: TestCore['request'] } = core) => who.request('/api/v1/calls', { method: 'POST', json: { siteId: core.site.id, direction: 'inbound', ...body } });
const list = async (query: string, who: { request: TestCore['request'] } = core) => {
  const res = await who.request(`/api/v1/calls?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<CallPage>(res);
};

describe('manual calls', () => {
  test('POST is 201 with Location; the same source and externalId again is 409 naming the existing call', async () => {
    const res = await post({ externalId: 'm-1', startedAt: '2026-01-05T10:00:00+01:00', answeredAt: '2026-01-05T10:00:05+01:00', endedAt: '2026-01-05T10:02:05+01:00', remote: { number: '030 9876543', name: 'Erika' } });
    expect(res.status, await res.clone().text()).toBe(201);
    const call = await json<CallDto>(res);
    expect(res.headers.get('location')).toBe(`/api/v1/calls/${call.id}`);
    expect(call).toMatchObject({ source: 'manual', externalId: 'm-1', direction: 'inbound', status: 'answered', durationSeconds: 120, startedAt: '2026-01-05T09:00:00.000Z', remote: { number: '030 9876543', e164: '+49309876543', name: 'Erika' }, displayName: 'Erika', version: 1 });
    expect(events.of('call.recorded').map((e) => e.call.id)).toContain(call.id);

    const again = await post({ externalId: 'm-1', startedAt: '2026-01-05T11:00:00+01:00' });
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ code: 'DIALBOOK_CALL_EXTERNAL_ID_TAKEN', field: 'externalId', details: { id: call.id } });
    expect(await json(await core.request(`/api/v1/calls/${call.id}`))).toEqual(call);
  });

  test('without a status a manual call is answered when it has answeredAt, else missed (inbound) or canceled', async () => {
    expect((await json<CallDto>(await post({ startedAt: '2026-01-05T12:00:00Z' }))).status).toBe('missed');
    expect((await json<CallDto>(await post({ direction: 'outbound', startedAt: '2026-01-05T12:00:00Z' }))).status).toBe('canceled');
  });

  test('bad input is 422 naming the field: an unknown source, times out of order, a date without an offset', async () => {
    const r1 = await post({ source: 'nope', startedAt: '2026-01-05T12:00:00Z' });
    expect(r1.status).toBe(422);
    expect(await json(r1)).toMatchObject({ code: 'DIALBOOK_CALL_SOURCE_UNKNOWN', field: 'source' });
    const r2 = await post({ startedAt: '2026-01-05T12:00:00Z', endedAt: '2026-01-05T11:00:00Z' });
    expect(r2.status).toBe(422);
    expect((await json(r2)).field).toBe('endedAt');
    const r3 = await post({ startedAt: '2026-01-05T12:00:00' });
    expect(r3.status).toBe(422);
    expect((await json(r3)).field).toBe('startedAt');
    const r4 = await core.request('/api/v1/calls?start=2026-01-05');
    expect(r4.status).toBe(422);
    expect((await json(r4)).field).toBe('query.start');
  });

  test('PATCH and DELETE work on manual calls only; other calls are 409', async () => {
    const call = await json<CallDto>(await post({ startedAt: '2026-01-06T08:00:00Z', remote: { name: 'Typo' } }));
    const patched = await core.request(`/api/v1/calls/${call.id}`, { method: 'PATCH', json: { status: 'answered', answeredAt: '2026-01-06T08:00:03Z', endedAt: '2026-01-06T08:01:03Z', remote: { name: 'Fixed' } } });
    expect(patched.status, await patched.clone().text()).toBe(200);
    expect(await json(patched)).toMatchObject({ status: 'answered', durationSeconds: 60, remote: { name: 'Fixed' }, displayName: 'Fixed', version: 2 });
    expect(events.of('call.updated').find((e) => e.call.id === call.id)?.changes).toEqual(expect.arrayContaining(['status', 'answeredAt', 'endedAt', 'remoteName']));

    const sourced = (await ctx.calls.upsert(core.site.id, 'pbx', { externalId: 'p-edit', direction: 'outbound', startedAt: new Date('2026-01-06T09:00:00Z') })).call;
    const r1 = await core.request(`/api/v1/calls/${sourced.id}`, { method: 'PATCH', json: { status: 'answered' } });
    expect(r1.status).toBe(409);
    expect((await json(r1)).code).toBe('DIALBOOK_CALL_NOT_MANUAL');
    expect((await core.request(`/api/v1/calls/${sourced.id}`, { method: 'DELETE' })).status).toBe(409);

    expect((await core.request(`/api/v1/calls/${call.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await core.request(`/api/v1/calls/${call.id}`)).status).toBe(404);
    expect((await core.request('/api/v1/calls/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('ctx.calls', () => {
  test('events of a call in any order and repeated: one record, call.recorded once, call.updated only when it moved on', async () => {
    const ext = 'p-1';
    const ringing = { externalId: ext, direction: 'INCOMING', startedAt: '2026-02-01T10:00:00+01:00', remote: { number: '+49 40 555666' } };
    const accepted = { externalId: ext, direction: 'inbound', status: 'in_progress', answeredAt: '2026-02-01T10:00:04+01:00', local: { userId: 'peer-7' } };
    const hungUp = { externalId: ext, direction: 'inbound', status: 'answered', endedAt: '2026-02-01T10:03:04+01:00' };
    const first = await ctx.calls.upsert(core.site.id, 'pbx', hungUp);
    expect(first).toMatchObject({ created: true, changed: true, call: { status: 'answered' } });
    const again = await ctx.calls.upsert(core.site.id, 'pbx', hungUp);
    expect(again).toMatchObject({ created: false, changed: false });
    await ctx.calls.upsert(core.site.id, 'pbx', ringing);
    const last = await ctx.calls.upsert(core.site.id, 'pbx', accepted);
    expect(last.call).toMatchObject({ status: 'answered', startedAt: '2026-02-01T09:00:00.000Z', answeredAt: '2026-02-01T09:00:04.000Z', endedAt: '2026-02-01T09:03:04.000Z', durationSeconds: 180, local: { userId: 'peer-7' }, remote: { e164: '+4940555666' } });
    expect(events.of('call.recorded').filter((e) => e.call.externalId === ext)).toHaveLength(1);
    const updates = events.of('call.updated').filter((e) => e.call.externalId === ext);
    expect(updates).toHaveLength(2);
    expect(updates[0]!.changes).toEqual(expect.arrayContaining(['startedAt', 'remoteNumber']));
    expect(await ctx.calls.get(last.call.id)).toEqual(last.call);
  });

  test('concurrent deliveries of one call end in one record in the same state as one after the other', async () => {
    const ext = 'race-1';
    const deliveries = [
      { externalId: ext, direction: 'inbound', startedAt: '2026-02-03T10:00:00Z', remote: { number: '040 1010101' } },
      { externalId: ext, direction: 'inbound', status: 'in_progress', answeredAt: '2026-02-03T10:00:02Z' },
      { externalId: ext, direction: 'inbound', status: 'answered', endedAt: '2026-02-03T10:00:32Z' },
    ];
    const settled = await Promise.all([...deliveries, ...deliveries].map((d) => ctx.calls.upsert(core.site.id, 'pbx', d)));
    expect(new Set(settled.map((r) => r.call.id)).size).toBe(1);
    expect(settled.filter((r) => r.created)).toHaveLength(1);
    const page = await list('q=401010101');
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ status: 'answered', startedAt: '2026-02-03T10:00:00.000Z', durationSeconds: 30 });
    expect(events.of('call.recorded').filter((e) => e.call.externalId === ext)).toHaveLength(1);
  });

  test('upsertMany: per-item results in order, a refused item does not stop the others, items of one call are merged', async () => {
    const results = await ctx.calls.upsertMany(core.site.id, 'pbx', [
      { externalId: 'b-1', direction: 'outbound', startedAt: '2026-02-02T08:00:00Z' },
      { externalId: 'b-2', direction: 'sideways', startedAt: '2026-02-02T08:00:00Z' },
      { externalId: 'b-1', direction: 'outbound', status: 'busy', endedAt: '2026-02-02T08:00:09Z' },
      { externalId: 'b-3', direction: 'internal', startedAt: '2026-02-02T08:01:00Z', local: { extension: '23' }, remote: { number: '24' } },
    ]);
    expect(results.map((r) => ('error' in r ? r.error.code : r.call.externalId))).toEqual(['b-1', 'DIALBOOK_VALIDATION', 'b-1', 'b-3']);
    expect(results[0]).toMatchObject({ created: true, call: { status: 'busy', durationSeconds: 0 } });
    expect(results[2]).toMatchObject({ created: false, changed: true });
    expect(results[3]).toMatchObject({ call: { direction: 'internal', remote: { number: '24', e164: null } } });
    await expect(ctx.calls.upsertMany(core.site.id, 'nope', [])).rejects.toMatchObject({ code: 'DIALBOOK_CALL_SOURCE_UNKNOWN' });
  });

  test('the same raw payload again is no change, whatever order the database keeps its keys in (jsonb sorts them)', async () => {
    const record = { externalId: 'payload-order', direction: 'inbound', startedAt: '2026-02-04T08:00:00Z', rawPayload: { zeta: 1, a: { yy: 2, b: [1, { dd: 1, c: 2 }] }, mid: 'x' } };
    expect(await ctx.calls.upsert(core.site.id, 'pbx', record)).toMatchObject({ created: true });
    const again = await ctx.calls.upsert(core.site.id, 'pbx', { ...record, rawPayload: { mid: 'x', a: { b: [1, { c: 2, dd: 1 }], yy: 2 }, zeta: 1 } });
    expect(again).toMatchObject({ created: false, changed: false });
  });

  test('upsertMany: a batch of 3,000 new calls is written whole (more rows than SQLite binds in one statement)', async () => {
    const site = await core.dialbook.sites.create({ name: 'Bulk calls', slug: 'bulk-calls' });
    const base = Date.parse('2026-01-05T08:00:00Z');
    const batch = Array.from({ length: 3000 }, (_, i) => ({ externalId: `bulk-${i}`, direction: 'inbound', startedAt: new Date(base + i * 1000).toISOString(), remote: { number: `+4930${String(1_000_000 + i)}` } }));
    const results = await ctx.calls.upsertMany(site.id, 'pbx', batch);
    expect(results.filter((r) => 'call' in r && r.created)).toHaveLength(3000);
    expect(await core.dialbook.calls.countInSite(site.id)).toBe(3000);
    const again = await ctx.calls.upsertMany(site.id, 'pbx', batch);
    expect(again.filter((r) => 'call' in r && r.created)).toHaveLength(0);
    expect(await core.dialbook.calls.countInSite(site.id)).toBe(3000);
  });
});

describe('filters', () => {
  const at = (iso: string, extra: Record<string, unknown> = {}) => ctx.calls.upsert(core.site.id, 'pbx', { externalId: `f-${iso}`, direction: 'inbound', startedAt: iso, ...extra });
  const ids = (page: CallPage) => page.items.map((c) => c.externalId);

  beforeAll(async () => {
    // Around Europe/Berlin's switch to summer time on 2026-03-29 (02:00 CET → 03:00 CEST): that day has 23 hours.
    await at('2026-03-28T22:59:59Z'); // 23:59:59+01:00 on the 28th
    await at('2026-03-28T23:00:00Z'); // 00:00+01:00 on the 29th
    await at('2026-03-29T00:59:59Z'); // 01:59:59+01:00
    await at('2026-03-29T01:00:00Z'); // 03:00+02:00
    await at('2026-03-29T21:59:59Z'); // 23:59:59+02:00
    await at('2026-03-29T22:00:00Z'); // 00:00+02:00 on the 30th
  });

  test('start is inclusive and end exclusive; offsets name the same instants; a DST day in Europe/Berlin has its 23 hours', async () => {
    const day = await list(`start=${encodeURIComponent('2026-03-29T00:00:00+01:00')}&end=${encodeURIComponent('2026-03-30T00:00:00+02:00')}&source=pbx`);
    expect(ids(day)).toEqual(['f-2026-03-29T21:59:59Z', 'f-2026-03-29T01:00:00Z', 'f-2026-03-29T00:59:59Z', 'f-2026-03-28T23:00:00Z']);
    const sameInZ = await list('start=2026-03-28T23:00:00Z&end=2026-03-29T22:00:00Z&source=pbx');
    expect(ids(sameInZ)).toEqual(ids(day));
    const other = await list(`start=${encodeURIComponent('2026-03-29T04:00:00+05:00')}&end=${encodeURIComponent('2026-03-29T03:00:00+02:00')}&source=pbx`);
    expect(ids(other)).toEqual(['f-2026-03-29T00:59:59Z', 'f-2026-03-28T23:00:00Z']);
    expect(ids(await list('start=2026-03-29T22:00:00Z&end=2026-03-29T22:00:00.001Z'))).toEqual(['f-2026-03-29T22:00:00Z']);
    expect(ids(await list('start=2026-03-29T22:00:00Z&end=2026-03-29T22:00:00Z'))).toEqual([]);
  });

  test('direction, status, source, number in any written form, q, userId and contactId', async () => {
    const user = core.admin.user.id;
    await at('2026-04-01T08:00:00Z', { externalId: 'num-1', remote: { number: '030 4445556', name: 'Jörg Wählt' }, userId: user });
    await at('2026-04-01T09:00:00Z', { externalId: 'num-2', direction: 'OUTGOING', status: 'busy', remote: { number: '+49 171 2223334' } });
    const one = (q: string) => list(`${q}&start=2026-04-01T00:00:00Z&end=2026-04-02T00:00:00Z`).then(ids);
    expect(await one('number=%2B49304445556')).toEqual(['num-1']);
    expect(await one('number=0049%2030%20444%205556')).toEqual(['num-1']);
    expect(await one('number=030-4445556')).toEqual(['num-1']);
    expect(await one('direction=outbound')).toEqual(['num-2']);
    expect(await one('status=busy')).toEqual(['num-2']);
    expect(await one('status=ringing')).toEqual(['num-1']);
    expect(await one('source=manual')).toEqual([]);
    expect(await one('q=jorg')).toEqual(['num-1']);
    expect(await one('q=2223334')).toEqual(['num-2']);
    expect(await one(`userId=${user}`)).toEqual(['num-1']);
    expect(await one('contactId=00000000-0000-4000-8000-000000000000')).toEqual([]);
  });
  test("q finds a part of the remote name or number through the search index, and follows the record's changes", async () => {
    const day = '&start=2026-04-03T00:00:00Z&end=2026-04-04T00:00:00Z';
    const q = (term: string) => list(`q=${encodeURIComponent(term)}${day}`).then(ids);
    await at('2026-04-03T08:00:00Z', { externalId: 'srch-1', remote: { number: '+49 89 7654321', name: 'Dr. Ümit "Ace" Quastenberg' } });
    await at('2026-04-03T09:00:00Z', { externalId: 'srch-2', remote: { name: 'Ay' } });
    expect(await q('stenb')).toEqual(['srch-1']); // inside a word, 3 characters or more (SQLite: the trigram index)
    expect(await q('UMIT')).toEqual(['srch-1']); // folded: case and accents
    expect(await q('ay')).toEqual(['srch-2']); // 2 characters: no trigram, the plain scan
    expect(await q('"ace"')).toEqual(['srch-1']); // a quote is a character, not query syntax
    expect(await q('7654')).toEqual(['srch-1']);
    expect(await q('%')).toEqual([]);
    await at('2026-04-03T08:00:00Z', { externalId: 'srch-1', remote: { number: '+49 89 7654321', name: 'Oleander Pfister' } });
    expect(await q('stenb')).toEqual([]);
    expect(await q('oleand')).toEqual(['srch-1']);
    const manual = (await json<CallDto>(await post({ externalId: 'srch-3', startedAt: '2026-04-03T10:00:00Z', remote: { name: 'Oleandra Manuell' } }))).id;
    expect(await q('oleand')).toEqual(['srch-3', 'srch-1']);
    expect((await core.request(`/api/v1/calls/${manual}`, { method: 'DELETE' })).status).toBe(204);
    expect(await q('oleand')).toEqual(['srch-1']);
  });
});

describe('keyset pages', () => {
  test('stable under inserts: every call of the first listing exactly once, in order, whatever is recorded meanwhile', async () => {
    const base = Date.parse('2025-06-01T12:00:00Z');
    const write = (k: number, ext: string) => ctx.calls.upsert(siteB, 'pbx', { externalId: ext, direction: 'inbound', startedAt: new Date(base + Math.floor(k / 2) * 60_000) });
    for (let k = 0; k < 11; k++) await write(k, `k-${k}`); // pairs share a start: the id breaks the tie
    const before = ids(await list(`siteId=${siteB}&limit=100`));
    expect(before).toHaveLength(11);
    const seen: string[] = [];
    let cursor: string | null = null;
    let n = 0;
    do {
      const page: CallPage = await list(`siteId=${siteB}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...ids(page));
      cursor = page.next;
      await write(100 + n, `new-${n++}`); // newer than anything listed
    } while (cursor);
    expect(seen).toEqual(before);
    expect((await core.request('/api/v1/calls?cursor=nonsense')).status).toBe(422);
  });
  const ids = (page: CallPage) => page.items.map((c) => c.externalId);
});

describe('site scoping', () => {
  test("a user sees only their sites' calls: lists, reads, writes and the contact timeline", async () => {
    const foreign = (await ctx.calls.upsert(siteB, 'pbx', { externalId: 'secret-call', direction: 'inbound', startedAt: new Date('2026-05-01T10:00:00Z'), remote: { name: 'Foreigncaller' } })).call;
    const own = (await ctx.calls.upsert(core.site.id, 'pbx', { externalId: 'own-call', direction: 'inbound', startedAt: new Date('2026-05-01T10:00:00Z') })).call;
    const mine = await list('limit=500', userA);
    expect(mine.items.every((c) => c.siteId === core.site.id)).toBe(true);
    expect(mine.items.map((c) => c.id)).toContain(own.id);
    expect((await userA.request(`/api/v1/calls/${foreign.id}`)).status).toBe(404);
    expect((await userA.request(`/api/v1/calls?siteId=${siteB}`)).status).toBe(404);
    const write = await post({ siteId: siteB, startedAt: '2026-05-01T10:00:00Z' }, userA);
    expect(write.status).toBe(422);
    expect((await json(write)).field).toBe('siteId');
    const c = await core.dialbook.contacts.create({ siteId: siteB, firstName: 'Hidden' }, systemActor);
    expect((await userA.request(`/api/v1/contacts/${c.id}/calls`)).status).toBe(404);
    expect((await userA.request(`/api/v1/calls/${own.id}`)).status).toBe(200);
    expect((await post({ startedAt: '2026-05-01T10:00:00Z' }, userA)).status).toBe(201);
  });

  test('a site holding calls is not deleted', async () => {
    const empty = await core.dialbook.sites.create({ name: 'Calls only', slug: 'calls-only', defaultCountry: 'DE' });
    await ctx.calls.upsert(empty.id, 'pbx', { externalId: 'keep-me', direction: 'inbound', startedAt: new Date('2026-05-02T10:00:00Z') });
    const res = await core.request(`/api/v1/sites/${empty.id}`, { method: 'DELETE' });
    expect(res.status).toBe(409);
    expect(JSON.stringify(await json(res))).toContain('1 call(s)');
  });
});
