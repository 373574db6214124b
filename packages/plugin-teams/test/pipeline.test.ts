/**
 * The sync's pipelining against the Graph double: the next list page is asked for while the
 * current page's records are still being read, every record still ends up stored once, and a
 * Graph outage in the middle ends the sync with its error after the upsert in flight finished
 * (no stray rejection, the page before the failure stored).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { GraphCallRecord } from '../src/graph-types.js';
import { startGraphDouble, type GraphDouble } from './double.js';
import * as f from './fixtures.js';
import { configure, credentials, json, startCore, teamsCalls, type Core } from './helpers.js';

let core: Core;
let double: GraphDouble;
const hour = { start: '2023-09-25T08:00:00Z', end: '2023-09-25T09:00:00Z' };

/** An outbound call from Abbie `i` × 20 s after 08:00. */
const call = (i: number): GraphCallRecord => {
  const start = new Date(Date.parse(hour.start) + i * 20_000).toISOString();
  return { ...f.outbound(), id: `d0000000-0000-4000-8000-${String(i).padStart(12, '0')}`, startDateTime: start, endDateTime: new Date(Date.parse(start) + 10_000).toISOString() };
};

beforeAll(async () => {
  double = await startGraphDouble({ tenant: f.TENANT });
  // 150 calls in one hour: list pages of 60, 60 and 30.
  for (let i = 0; i < 150; i++) double.records.set(call(i).id, call(i));
  core = await startCore(double, { hooks: { sleep: async () => undefined } });
  await configure(core, credentials(double));
});
afterAll(async () => {
  await core?.close();
  await double?.close();
});

describe('pipelined sync', () => {
  test('the next list page is asked for before the current page is read through; every record stored once', async () => {
    const r = await json<{ created: number; records: number }>(core, '/api/v1/plugins/teams/sync', { method: 'POST', json: { siteId: core.site.id, ...hour, wait: true } });
    expect(r).toMatchObject({ records: 150, created: 150 });
    const q = double.requests;
    const secondList = q.findIndex((x) => x.includes('$skiptoken=60'));
    const lastOfFirstPage = q.findLastIndex((x) => x.includes(call(59).id));
    expect(secondList).toBeGreaterThan(0);
    expect(lastOfFirstPage).toBeGreaterThan(secondList);
    expect(new Set((await teamsCalls(core)).map((c) => c.externalId)).size).toBe(150);
  });

  test('an outage mid-way ends the sync with its error; the page read before it is stored', async () => {
    // 150 new calls 10:00–10:50 (pages of 60, 60, 30).
    const fresh = Array.from({ length: 150 }, (_, k) => call(360 + k));
    for (const r of fresh) double.records.set(r.id, r);
    // The first list page, the second (asked for at once), the first page's 60 records (2 requests each), 10 more; then Graph is down.
    double.outageAfter(1 + 1 + 120 + 10);
    const p = await json<{ code: string; detail: string }>(core, '/api/v1/plugins/teams/sync', { method: 'POST', json: { siteId: core.site.id, start: '2023-09-25T10:00:00Z', end: '2023-09-25T11:00:00Z', wait: true } }, 503);
    expect(p).toMatchObject({ code: 'DIALBOOK_TEAMS_THROTTLED', detail: expect.stringContaining('Graph kept answering 503') });
    double.outageAfter(null);
    // The first page's upsert, in flight when the second page failed, finished before the sync reported.
    const ids = new Set(fresh.map((r) => r.id));
    const stored = (await teamsCalls(core)).filter((c) => ids.has(c.externalId)).map((c) => c.externalId).sort();
    expect(stored).toEqual(fresh.slice(0, 60).map((r) => r.id).sort());
  });
});
