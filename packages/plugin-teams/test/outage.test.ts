/** A Graph outage mid-way through a scheduled sync: the job ends with a clear error, and the cursor keeps the hours already read. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGraphDouble, type GraphDouble } from './double.js';
import * as f from './fixtures.js';
import { configure, credentials, json, startCore, teamsCalls, type Core } from './helpers.js';

let core: Core;
let double: GraphDouble;
const clock = Date.parse('2023-09-25T12:00:00Z');

beforeAll(async () => {
  double = await startGraphDouble({ tenant: f.TENANT });
  // One call an hour from 06:00 to 11:00.
  for (let h = 6; h < 12; h++) {
    const start = `2023-09-25T${String(h).padStart(2, '0')}:10:00Z`;
    const r = { ...f.outbound(), id: `c0000000-0000-4000-8000-${String(h).padStart(12, '0')}`, startDateTime: start, endDateTime: start.replace(':10:', ':12:') };
    double.records.set(r.id, r);
  }
  core = await startCore(double, { hooks: { now: () => clock, sleep: async () => undefined } });
  await configure(core, { ...credentials(double), firstSyncDays: 1 });
});
afterAll(async () => {
  await core?.close();
  await double?.close();
});

describe('outage', () => {
  test('the sync fails in words; the cursor stays at the last hour read; the next sync goes on from there', async () => {
    // The first sync reads 24 hour slices (12:00 yesterday → 12:00); each of 06:00–11:00 costs 3 requests.
    // 18 empty slices + 2 full ones = 24 requests, then Graph goes down.
    double.outageAfter(24);
    const failed = await json<{ ok: boolean; message: string }>(core, '/api/v1/actions/teams.sync', { method: 'POST', json: { siteId: core.site.id } });
    expect(failed.ok).toBe(false);
    expect(failed.message).toContain('Graph kept answering 503');
    expect((await teamsCalls(core)).length).toBe(2);
    const health = await (await core.request('/api/v1/plugins')).text();
    expect(health).toContain('read up to 2023-09-25T08:00:00.000Z');
    double.outageAfter(null);
    double.requests.length = 0;
    await configure(core, { overlapMinutes: 0 });
    const ok = await json<{ ok: boolean; message: string }>(core, '/api/v1/actions/teams.sync', { method: 'POST', json: { siteId: core.site.id } });
    expect(ok).toMatchObject({ ok: true, message: expect.stringContaining('4 new') });
    expect(double.requests.find((q) => q.includes('$filter='))).toContain('startDateTime ge 2023-09-25T08:00:00Z');
    expect(await teamsCalls(core)).toHaveLength(6);
  });
});
