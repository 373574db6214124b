import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, eventually, type TestCore, type TestUser } from '@dialbook/core/testing';
import { definePlugin, systemActor, type PluginContext } from '@dialbook/core';

/**
 * `GET /calls/stats` (and `/calls/sources`, the sites' time zone) over HTTP on SQLite and PostgreSQL:
 * local days, weeks and hours in Europe/Berlin across the switch to summer time, the filters'
 * boundaries, rates and durations, the groupings, site isolation, linked records counted once.
 */
let core: TestCore;
let ctx: PluginContext;
let berlin: string;
let siteB: string;
let userA: TestUser;
let contactId: string;

const pbx = definePlugin({
  name: 'pbx',
  setup(c) {
    c.calls.registerSource({ id: 'pbx', label: 'Test PBX' });
    ctx = c as unknown as PluginContext;
  },
});

type Figures = { count: number; answered: number; missed: number; answeredRate: number | null; totalDurationSeconds: number; avgDurationSeconds: number | null };
type Stats = { timeZone: string; groupBy: string; totals: Figures; groups: (Figures & { key: string; label: string })[] };

const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
const stats = async (query: string, who: { request: TestCore['request'] } = core): Promise<Stats> => {
  const res = await who.request(`/api/v1/calls/stats?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<Stats>(res);
};
const counts = (s: Stats) => Object.fromEntries(s.groups.map((g) => [g.key, g.count]));
const enc = encodeURIComponent;

const add = (siteId: string, externalId: string, startedAt: string, extra: Record<string, unknown> = {}) => ctx.calls.upsert(siteId, 'pbx', { externalId, direction: 'inbound', startedAt, ...extra });
const answered = (startedAt: string, seconds: number) => ({ status: 'answered', answeredAt: startedAt, endedAt: new Date(Date.parse(startedAt) + seconds * 1000).toISOString() });
const missed = (startedAt: string) => ({ status: 'missed', endedAt: new Date(Date.parse(startedAt) + 20_000).toISOString() });

beforeAll(async () => {
  core = await createTestCore({ plugins: { pbx } });
  const created = await core.request('/api/v1/sites', { method: 'POST', json: { name: 'Berlin', slug: 'berlin', defaultCountry: 'DE', timeZone: 'Europe/Berlin' } });
  expect(created.status, await created.clone().text()).toBe(201);
  berlin = (await json<{ id: string }>(created)).id;
  siteB = (await core.dialbook.sites.create({ name: 'Other', slug: 'other', defaultCountry: 'DE' })).id;
  userA = await core.createUser({ role: 'user', siteIds: [berlin] });
  contactId = (await core.dialbook.contacts.create({ siteId: berlin, firstName: 'Clara', lastName: 'Contact', phones: [{ type: 'work', number: '+49 30 3333333' }] }, systemActor)).id;
  const admin = core.admin.user.id;
  // Europe/Berlin goes from 02:00 CET to 03:00 CEST on Sunday 2026-03-29: that day has 23 hours.
  await add(berlin, 'c1', '2026-03-28T22:30:00Z', { ...answered('2026-03-28T22:30:00Z', 60), userId: admin, remote: { number: '+49 30 1111111', name: 'Anna' } }); // Sat 23:30+01:00
  await add(berlin, 'c6', '2026-03-28T23:00:00Z', { ...missed('2026-03-28T23:00:00Z'), remote: { number: '030 2222222', name: 'Bob' } }); // Sun 00:00+01:00
  await add(berlin, 'c2', '2026-03-28T23:30:00Z', { ...answered('2026-03-28T23:30:00Z', 120), userId: admin, remote: { number: '+49 30 1111111' } }); // Sun 00:30+01:00
  await add(berlin, 'c3', '2026-03-29T01:30:00Z', { ...missed('2026-03-29T01:30:00Z'), remote: { number: '+49 30 1111111' } }); // Sun 03:30+02:00
  await add(berlin, 'c4', '2026-03-29T21:30:00Z', { status: 'busy', endedAt: '2026-03-29T21:30:05Z' }); // Sun 23:30+02:00
  await add(berlin, 'c7', '2026-03-29T22:00:00Z', { ...answered('2026-03-29T22:00:00Z', 30), remote: { number: '030 2222222' } }); // Mon 00:00+02:00
  await add(berlin, 'c5', '2026-03-29T22:30:00Z', { status: 'answered', answeredAt: '2026-03-29T22:30:00Z', remote: { number: '030 3333333' } }); // Mon 00:30+02:00, no duration
  await add(siteB, 'b1', '2026-03-29T10:00:00Z', { ...answered('2026-03-29T10:00:00Z', 600), remote: { number: '+49 30 1111111' } });
  // The contact's number is matched in the background.
  await eventually('c5 resolved to its contact', async () => (await ctx.calls.list({ siteId: berlin, contactId })).items.length === 1);
});
afterAll(() => core?.close());

describe('site time zone', () => {
  test('sites carry a time zone: UTC by default, an IANA name checked with Intl, unknown names 422 on the field', async () => {
    expect((await json(await core.request(`/api/v1/sites/${siteB}`))).timeZone).toBe('UTC');
    expect((await json(await core.request(`/api/v1/sites/${berlin}`))).timeZone).toBe('Europe/Berlin');
    const bad = await core.request('/api/v1/sites', { method: 'POST', json: { name: 'Nowhere', timeZone: 'Mars/Olympus_Mons' } });
    expect(bad.status).toBe(422);
    expect((await json(bad)).field).toBe('timeZone');
    expect((await json<{ items: { slug: string }[] }>(await core.request('/api/v1/sites'))).items.map((s) => s.slug)).not.toContain('nowhere');
    const patchBad = await core.request(`/api/v1/sites/${siteB}`, { method: 'PATCH', json: { timeZone: 'Europe/Nowhere' } });
    expect(patchBad.status).toBe(422);
    expect((await json(patchBad)).field).toBe('timeZone');
    const patched = await core.request(`/api/v1/sites/${siteB}`, { method: 'PATCH', json: { timeZone: 'america/new_york' } });
    expect(patched.status).toBe(200);
    expect((await json(patched)).timeZone).toBe('America/New_York');
    expect((await json(await core.request(`/api/v1/sites/${siteB}`, { method: 'PATCH', json: { timeZone: 'UTC' } }))).timeZone).toBe('UTC');
  });
});

describe('by time', () => {
  test("per local day in the site's zone across the DST change, gap-free, with totals, rates and durations", async () => {
    const s = await stats(`siteId=${berlin}&groupBy=day`);
    expect(s).toMatchObject({ timeZone: 'Europe/Berlin', groupBy: 'day' });
    expect(s.groups.map((g) => [g.key, g.count])).toEqual([
      ['2026-03-28', 1],
      ['2026-03-29', 4],
      ['2026-03-30', 2],
    ]);
    expect(s.totals).toEqual({ count: 7, answered: 4, missed: 2, answeredRate: 4 / 7, totalDurationSeconds: 210, avgDurationSeconds: 70 });
    expect(s.groups[1]).toEqual({ key: '2026-03-29', label: '2026-03-29', count: 4, answered: 1, missed: 2, answeredRate: 0.25, totalDurationSeconds: 120, avgDurationSeconds: 120 });
    // c5 was answered but has no duration: it counts as answered, not in the average.
    expect(s.groups[2]).toMatchObject({ count: 2, answered: 2, missed: 0, answeredRate: 1, totalDurationSeconds: 30, avgDurationSeconds: 30 });
    // The same calls in UTC fall on other days.
    const utc = await stats(`siteId=${berlin}&groupBy=day&timeZone=UTC`);
    expect(utc.timeZone).toBe('UTC');
    expect(utc.groups.map((g) => [g.key, g.count])).toEqual([
      ['2026-03-28', 3],
      ['2026-03-29', 4],
    ]);
  });

  test('start is inclusive and end exclusive; empty days between them are rows of zeros', async () => {
    const day = await stats(`siteId=${berlin}&groupBy=day&start=${enc('2026-03-29T00:00:00+01:00')}&end=${enc('2026-03-30T00:00:00+02:00')}`);
    expect(day.groups.map((g) => [g.key, g.count])).toEqual([['2026-03-29', 4]]); // c6 at the start counts, c7 at the end does not
    expect(day.totals).toMatchObject({ count: 4, answered: 1, missed: 2 });
    const wide = await stats(`siteId=${berlin}&groupBy=day&start=${enc('2026-03-26T00:00:00+01:00')}&end=${enc('2026-04-01T00:00:00+02:00')}`);
    expect(wide.groups.map((g) => g.key)).toEqual(['2026-03-26', '2026-03-27', '2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31']);
    expect(wide.groups[0]).toEqual({ key: '2026-03-26', label: '2026-03-26', count: 0, answered: 0, missed: 0, answeredRate: null, totalDurationSeconds: 0, avgDurationSeconds: null });
    const none = await stats(`siteId=${berlin}&groupBy=day&start=2027-01-01T00:00:00Z&end=2027-01-03T00:00:00Z`);
    expect(none.totals).toEqual({ count: 0, answered: 0, missed: 0, answeredRate: null, totalDurationSeconds: 0, avgDurationSeconds: null });
    // 00:00Z is 01:00 in Berlin: the window touches three local days.
    expect(none.groups.map((g) => [g.key, g.count])).toEqual([
      ['2027-01-01', 0],
      ['2027-01-02', 0],
      ['2027-01-03', 0],
    ]);
  });

  test('per ISO week, keyed by the local Monday', async () => {
    const s = await stats(`siteId=${berlin}&groupBy=week`);
    expect(s.groups.map((g) => [g.key, g.label, g.count])).toEqual([
      ['2026-03-23', '2026-W13', 5],
      ['2026-03-30', '2026-W14', 2],
    ]);
  });

  test('per local hour of day: all 24, the DST day has no 02 but its calls after the switch land on 03', async () => {
    const all = await stats(`siteId=${berlin}&groupBy=hour`);
    expect(all.groups.map((g) => g.key)).toEqual(Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')));
    expect(Object.fromEntries(Object.entries(counts(all)).filter(([, n]) => n))).toEqual({ '00': 4, '03': 1, '23': 2 });
    const dstDay = await stats(`siteId=${berlin}&groupBy=hour&start=${enc('2026-03-29T00:00:00+01:00')}&end=${enc('2026-03-30T00:00:00+02:00')}`);
    expect(Object.fromEntries(Object.entries(counts(dstDay)).filter(([, n]) => n))).toEqual({ '00': 2, '03': 1, '23': 1 });
    expect(dstDay.groups.find((g) => g.key === '02')).toMatchObject({ count: 0, answeredRate: null });
    // A half-hour zone (+05:30): 21:30Z and 22:00Z are 03:00 and 03:30, 22:30Z and 23:00Z 04:00 and 04:30.
    const kolkata = await stats(`siteId=${berlin}&groupBy=hour&timeZone=Asia/Kolkata`);
    expect(kolkata.timeZone).toBe('Asia/Kolkata');
    expect(Object.fromEntries(Object.entries(counts(kolkata)).filter(([, n]) => n))).toEqual({ '03': 2, '04': 3, '05': 1, '07': 1 });
  });
});

describe('by attribute', () => {
  test('user, source, direction and status, largest first', async () => {
    const users = await stats(`siteId=${berlin}&groupBy=user`);
    expect(users.groups.map((g) => [g.key, g.count])).toEqual([
      ['none', 5],
      [core.admin.user.id, 2],
    ]);
    expect(users.groups[0]!.label).toBe('No user');
    expect(users.groups[1]!.label).toMatch(/\S/);
    expect(users.groups[1]).toMatchObject({ answered: 2, totalDurationSeconds: 180, avgDurationSeconds: 90 });

    const manual = await core.request('/api/v1/calls', { method: 'POST', json: { siteId: berlin, direction: 'outbound', startedAt: '2026-03-25T09:00:00+01:00', answeredAt: '2026-03-25T09:00:10+01:00', endedAt: '2026-03-25T09:01:10+01:00' } });
    expect(manual.status).toBe(201);
    const sources = await stats(`siteId=${berlin}&groupBy=source`);
    expect(sources.groups.map((g) => [g.key, g.label, g.count])).toEqual([
      ['pbx', 'Test PBX', 7],
      ['manual', 'Manual', 1],
    ]);
    expect((await stats(`siteId=${berlin}&groupBy=source&limit=1`)).groups.map((g) => g.key)).toEqual(['pbx']);
    expect(counts(await stats(`siteId=${berlin}&groupBy=direction`))).toEqual({ inbound: 7, outbound: 1 });
    expect((await stats(`siteId=${berlin}&groupBy=status`)).groups.map((g) => [g.key, g.count])).toEqual([
      ['answered', 5],
      ['missed', 2],
      ['busy', 1],
    ]);
    // Filters are the list's: status, direction, source.
    expect((await stats(`siteId=${berlin}&groupBy=day&status=missed`)).totals.count).toBe(2);
    expect((await stats(`siteId=${berlin}&groupBy=day&source=manual&direction=outbound`)).totals.count).toBe(1);
  });

  test('remote: the resolved contact, else the number in E.164 with the remote name', async () => {
    const s = await stats(`siteId=${berlin}&groupBy=remote&source=pbx`);
    expect(s.groups.map((g) => [g.key, g.label, g.count])).toEqual([
      ['number:+49301111111', 'Anna', 3],
      ['number:+49302222222', 'Bob', 2],
      [`contact:${contactId}`, 'Clara Contact', 1],
      ['none', 'No number', 1],
    ]);
    expect((await stats(`siteId=${berlin}&groupBy=remote&source=pbx&limit=2`)).groups).toHaveLength(2);
    expect((await stats(`siteId=${berlin}&groupBy=remote&number=${enc('030 1111111')}`)).totals.count).toBe(3);
  });
});

describe('scope', () => {
  test("a user counts their sites' calls only, in their sites' shared zone; another site is 404", async () => {
    const mine = await stats('groupBy=day', userA);
    expect(mine.timeZone).toBe('Europe/Berlin');
    expect(mine.totals.count).toBe(8);
    expect((await stats('groupBy=remote&number=%2B49301111111', userA)).totals.count).toBe(3); // b1 of the other site has the same number
    expect((await userA.request(`/api/v1/calls/stats?groupBy=day&siteId=${siteB}`)).status).toBe(404);
    // An administrator sees every site; their zones differ, so UTC.
    const all = await stats('groupBy=day');
    expect(all.timeZone).toBe('UTC');
    expect(all.totals.count).toBe(9);
  });

  test('a record linked as a non-primary one counts only with linked=all', async () => {
    const { call } = await add(siteB, 'b2', '2026-03-29T11:00:00Z', answered('2026-03-29T11:00:00Z', 5));
    await core.dialbook.orm.em.getConnection().execute('update call_record set link_primary = ? where id = ?', [false, call.id]);
    expect((await stats(`siteId=${siteB}&groupBy=day`)).totals.count).toBe(1);
    expect((await stats(`siteId=${siteB}&groupBy=day&linked=all`)).totals.count).toBe(2);
    expect((await json<{ items: unknown[] }>(await core.request(`/api/v1/calls?siteId=${siteB}`))).items).toHaveLength(1);
  });
});

describe('bad input', () => {
  test('an unknown or missing groupBy, an unknown zone and too many days are 422 naming the field', async () => {
    for (const [query, field] of [
      ['groupBy=month', 'query.groupBy'],
      ['', 'query.groupBy'],
      ['groupBy=day&timeZone=Mars%2FOlympus_Mons', 'query.timeZone'],
      ['groupBy=day&start=2020-01-01T00:00:00Z&end=2026-01-01T00:00:00Z', 'query.groupBy'],
      ['groupBy=user&limit=101', 'query.limit'],
      ['groupBy=day&start=2026-01-01', 'query.start'],
    ] as const) {
      const res = await core.request(`/api/v1/calls/stats?${query}`);
      expect(res.status, query).toBe(422);
      expect((await json(res)).field, query).toBe(field);
    }
    expect((await stats('groupBy=week&start=2020-01-01T00:00:00Z&end=2026-01-01T00:00:00Z')).groups.length).toBeGreaterThan(300);
  });
});

describe('sources', () => {
  test('GET /calls/sources: manual first, then the registered sources with their plugin (core\'s phone import and routing have none)', async () => {
    const res = await userA.request('/api/v1/calls/sources');
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual([
      { id: 'manual', label: 'Manual', plugin: null },
      { id: 'phone_import', label: 'Phone call history', plugin: null },
      { id: 'routing', label: 'Routed calls', plugin: null },
      { id: 'pbx', label: 'Test PBX', plugin: 'pbx' },
    ]);
  });
});
