import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definePlugin } from '@dialbook/core';
import { createTestCore, type TestCore } from '@dialbook/core/testing';

/**
 * `GET /api/v1/plugins` runs every plugin's registered health checks (`ctx.health.register`) for the
 * answer: in parallel, each with a time limit; a check that throws, hangs or answers nonsense is
 * reported as not ok with why, and never breaks the answer for the other plugins.
 */
let calls = 0;
const monitored = definePlugin({
  name: 'monitored',
  setup(ctx) {
    ctx.health.register({ id: 'db', label: 'Upstream database', check: async () => (calls++, { ok: true, message: 'reachable' }) });
    ctx.health.register({ id: 'sync', label: 'Last sync', check: () => Promise.resolve({ ok: false, message: 'last run failed: host unreachable' }) });
    ctx.health.register({
      id: 'thrower',
      label: 'Throws',
      check: () => {
        throw new Error('connection refused (ECONNREFUSED 10.0.0.9:389)');
      },
    });
    ctx.health.register({ id: 'slow', label: 'Hangs', check: () => new Promise(() => {}) });
    ctx.health.register({ id: 'odd', label: 'Answers nonsense', check: () => Promise.resolve('fine' as unknown as { ok: boolean; message: string }) });
  },
});
const quiet = definePlugin({ name: 'quiet', setup: () => undefined });

interface Health {
  id: string;
  label: string;
  ok: boolean;
  message: string;
  checkedAt: string;
  durationMs: number;
}

let core: TestCore;
beforeAll(async () => {
  core = await createTestCore({ plugins: { mon: monitored, quiet } });
});
afterAll(() => core?.close());

describe('plugin health on GET /api/v1/plugins', () => {
  test('every registered check per plugin: ok, not ok, thrown, timed out, nonsense; run in parallel', async () => {
    const t0 = Date.now();
    const res = await core.request('/api/v1/plugins');
    const took = Date.now() - t0;
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { id: string; health: Health[] }[] };
    const mon = items.find((p) => p.id === 'mon')!;
    const byId = Object.fromEntries(mon.health.map((h) => [h.id, h]));
    expect(Object.keys(byId).sort()).toEqual(['mon.db', 'mon.odd', 'mon.slow', 'mon.sync', 'mon.thrower']);
    expect(byId['mon.db']).toMatchObject({ label: 'Upstream database', ok: true, message: 'reachable' });
    expect(byId['mon.sync']).toMatchObject({ ok: false, message: 'last run failed: host unreachable' });
    expect(byId['mon.thrower']).toMatchObject({ ok: false, message: 'connection refused (ECONNREFUSED 10.0.0.9:389)' });
    expect(byId['mon.slow']).toMatchObject({ ok: false, message: 'health check "mon.slow" did not finish within 2000 ms' });
    expect(byId['mon.slow']!.durationMs).toBeGreaterThanOrEqual(1900);
    expect(byId['mon.odd']).toMatchObject({ ok: false, message: 'the check answered no { ok, message }' });
    for (const h of mon.health) {
      expect(Date.parse(h.checkedAt)).toBeGreaterThanOrEqual(t0 - 5);
      expect(Date.parse(h.checkedAt)).toBeLessThanOrEqual(Date.now());
    }
    // In parallel: the hanging check's time limit is the whole wait, not added to the others'.
    expect(took).toBeLessThan(3_500);
    // A plugin without checks has an empty list; the checks run again for each answer.
    expect(items.find((p) => p.id === 'quiet')!.health).toEqual([]);
    const before = calls;
    await core.request('/api/v1/plugins');
    expect(calls).toBe(before + 1);
  });

  test('?health=false lists what plugins registered without running a check', async () => {
    const before = calls;
    const res = await core.request('/api/v1/plugins?health=false');
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { id: string; health: unknown[] }[] };
    expect(items.find((p) => p.id === 'mon')!.health).toEqual([]);
    expect(calls).toBe(before);
    expect((await core.request('/api/v1/plugins?health=maybe')).status).toBe(422);
  });

  test('a shorter time limit through the core API', async () => {
    const described = await core.dialbook.describePluginsWithHealth(50);
    const slow = described.find((p) => p.id === 'mon')!.health.find((h) => h.id === 'mon.slow')!;
    expect(slow).toMatchObject({ ok: false, message: 'health check "mon.slow" did not finish within 50 ms' });
  });

  test('a signed-in user of the lowest role sees it; the OpenAPI document describes it', async () => {
    const user = await core.createUser({ role: 'user', siteIds: [core.site.id] });
    const res = await user.request('/api/v1/plugins');
    expect(res.status).toBe(200);
    const doc = (await (await core.request('/openapi.json', { anonymous: true })).json()) as { components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> } };
    expect(doc.components.schemas.PluginInfo!.required).toContain('health');
    expect(Object.keys(doc.components.schemas.PluginHealthCheck!.properties).sort()).toEqual(['checkedAt', 'durationMs', 'id', 'label', 'message', 'ok']);
  });
});
