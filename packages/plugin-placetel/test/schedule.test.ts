/**
 * Time-driven behaviour: the scheduled back-fill fires and reads the site's last days, and the
 * replay guard forgets a body after its window.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually } from '@dialbook/core/testing';
import { startPlacetelDouble, type PlacetelDouble } from './double.js';
import { configure, formBody, json, post, SECRET, startCore, webhookPath, type Core } from './helpers.js';

let clock = Date.now();
let core: Core;
let double: PlacetelDouble;

beforeAll(async () => {
  double = await startPlacetelDouble();
  double.calls = [{ id: 1, type: 'missed', from_number: '01701234567', to_number: '022129191999', duration: 0, received_at: new Date(Date.now() - 3_600_000).toISOString() }];
  // Every second: the test need not wait for 02:23.
  core = await startCore({ options: { apiBaseUrl: `${double.url}/v2`, syncCron: '* * * * * *' }, hooks: { now: () => clock } });
  await configure(core, { secret: SECRET, apiKey: double.key, backfillDays: 1 });
});
afterAll(async () => {
  await core?.close();
  await double?.close();
});

describe('scheduled back-fill', () => {
  test('fires as a tracked job and reads the last day', async () => {
    await eventually('a scheduled back-fill', async () => {
      const jobs = await json<{ finished: { id: string; status: string }[] }>(core, '/api/v1/jobs');
      return jobs.finished.some((j) => j.id === `placetel.backfill:${core.site.id}` && j.status === 'succeeded');
    });
    expect(double.requests.some((r) => r.startsWith('/v2/calls?filter%5Bdate%5D='))).toBe(true);
    expect((await json<{ items: { externalId: string }[] }>(core, `/api/v1/calls?siteId=${core.site.id}&source=placetel`)).items.map((c) => c.externalId)).toContain('rest:1');
  });
});

describe('replay window', () => {
  test('the same body after the window is processed again (and changes nothing new)', async () => {
    const path = await webhookPath(core);
    const body = formBody({ event: 'IncomingCall', from: '01662223344', to: '022129191999', call_id: 'ef'.repeat(32), direction: 'in' });
    expect(await (await post(core, path, body)).json()).toMatchObject({ replay: false, created: true });
    clock += 23 * 3_600_000;
    expect(await (await post(core, path, body)).json()).toMatchObject({ replay: true });
    clock += 2 * 3_600_000;
    expect(await (await post(core, path, body)).json()).toMatchObject({ replay: false, created: false });
  });
});

describe('health', () => {
  test('one line per set-up site, signed or not', async () => {
    const text = await (await core.request('/api/v1/plugins')).text();
    expect(text).toContain('signed (secret set)');
    expect(text).not.toContain(SECRET);
  });
});
