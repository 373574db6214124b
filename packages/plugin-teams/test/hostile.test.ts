/** Hostile input on the plugin's routes: a clear 4xx naming the field, never a 5xx, and nothing changes. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGraphDouble, type GraphDouble } from './double.js';
import * as f from './fixtures.js';
import { configure, credentials, startCore, teamsCalls, type Core } from './helpers.js';

let core: Core;
let double: GraphDouble;

beforeAll(async () => {
  double = await startGraphDouble({ tenant: f.TENANT });
  double.records.set(f.outbound().id, f.outbound());
  core = await startCore(double, { hooks: { sleep: async () => undefined } });
  await configure(core, credentials(double));
});
afterAll(async () => {
  await core?.close();
  await double?.close();
});

const bodies: [string, unknown, string | null][] = [
  ['start not a date', { start: 'yesterday', end: '2023-09-26T00:00:00Z' }, 'start'],
  ['end missing', { start: '2023-09-25T00:00:00Z' }, 'end'],
  ['siteId not a uuid', { siteId: "1' or 1=1 --", start: '2023-09-25T00:00:00Z', end: '2023-09-26T00:00:00Z' }, 'siteId'],
  ['start after end', { start: '2023-09-26T00:00:00Z', end: '2023-09-25T00:00:00Z' }, 'end'],
  ['window over 31 days', { start: '2023-08-01T00:00:00Z', end: '2023-09-26T00:00:00Z' }, 'start'],
  ['wait not a boolean', { start: '2023-09-25T00:00:00Z', end: '2023-09-26T00:00:00Z', wait: 'yes' }, 'wait'],
  ['an array', [1, 2, 3], null],
  ['a huge string', { start: 'x'.repeat(100_000), end: '2023-09-26T00:00:00Z' }, null],
];

describe('POST /sync with hostile bodies', () => {
  test.each(bodies)('%s: 4xx, nothing written', async (_name, body, field) => {
    const res = await core.request('/api/v1/plugins/teams/sync', { method: 'POST', json: typeof body === 'object' && body && !Array.isArray(body) ? { siteId: core.site.id, ...body } : body });
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    if (field) expect(text).toContain(field);
    expect(await teamsCalls(core)).toHaveLength(0);
  });

  test('not JSON at all, and an unknown site', async () => {
    const raw = await core.request('/api/v1/plugins/teams/sync', { method: 'POST', body: '{"start":', headers: { 'content-type': 'application/json' } });
    expect(raw.status).toBe(400);
    const unknown = await core.request('/api/v1/plugins/teams/test', { method: 'POST', json: { siteId: '00000000-0000-4000-8000-000000000000' } });
    expect(unknown.status).toBe(404);
    expect(await teamsCalls(core)).toHaveLength(0);
  });

  test('anonymous and plain users are refused', async () => {
    expect((await core.request('/api/v1/plugins/teams/sync', { method: 'POST', json: {}, anonymous: true })).status).toBe(401);
    const user = await core.createUser({ role: 'user', siteIds: [core.site.id] });
    expect((await user.request('/api/v1/plugins/teams/sync', { method: 'POST', json: { start: '2023-09-25T00:00:00Z', end: '2023-09-26T00:00:00Z' } })).status).toBe(403);
    expect(await teamsCalls(core)).toHaveLength(0);
  });
});
