/**
 * What the plugin registers on a real core: the admin app's views and buttons, the health line,
 * the documented routes (the webhook public, the rest for staff), and the call.route seam.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definePlugin, type PluginContext } from '@dialbook/core';
import { createTestCore } from '@dialbook/core/testing';
import { createPlacetelPlugin } from '../src/index.js';
import { configure, formBody, json, post, SECRET, type Core } from './helpers.js';

let core: Core;
const seen: unknown[] = [];
// A routing plugin's filter on the seam.
const router = definePlugin({
  name: 'test-router',
  setup(ctx) {
    ctx.hooks.filter('call.route', (v) => {
      seen.push(v);
      return { ...v, decision: { action: 'reject', reason: 'busy' } };
    });
  },
});
// A plugin that keeps its context, to call the hooks façade directly.
let probe: PluginContext;
const prober = definePlugin({
  name: 'test-probe',
  setup(ctx) {
    probe = ctx as unknown as PluginContext;
  },
});

beforeAll(async () => {
  core = await createTestCore({ plugins: { placetel: { plugin: createPlacetelPlugin(), options: { syncCron: null, publicUrl: 'https://dialbook.example.com' } }, router, prober } });
});
afterAll(() => core?.close());

type PluginInfo = { id: string; actions: { id: string; label: string }[]; views: { id: string; url: string; columns: { key: string; kind: string }[] }[]; health?: unknown };

describe('registrations', () => {
  test('views, buttons and health on the plugins page', async () => {
    const body = await json<{ items: PluginInfo[] } | PluginInfo[]>(core, '/api/v1/plugins');
    const list = Array.isArray(body) ? body : body.items;
    const p = list.find((x) => x.id === 'placetel')!;
    expect(p.actions.map((a) => a.id)).toEqual(expect.arrayContaining(['placetel.test', 'placetel.backfill']));
    expect(p.views.map((v) => v.url)).toEqual(expect.arrayContaining(['/api/v1/plugins/placetel/sites', '/api/v1/plugins/placetel/backfill']));
    expect(p.views.find((v) => v.id === 'placetel.webhooks')!.columns).toEqual(expect.arrayContaining([{ key: 'webhookUrl', label: expect.any(String), kind: 'code' }]));
  });

  test('the webhook URL uses publicUrl; a rotated token retires the old URL', async () => {
    await configure(core, { secret: SECRET });
    const { items } = await json<{ items: { webhookUrl: string }[] }>(core, '/api/v1/plugins/placetel/sites');
    const old = items[0]!.webhookUrl;
    expect(old).toMatch(/^https:\/\/dialbook\.example\.com\/api\/v1\/plugins\/placetel\/webhook\/[A-Za-z0-9_-]{43}$/);
    const { webhookUrl } = await json<{ webhookUrl: string }>(core, `/api/v1/plugins/placetel/sites/${core.site.id}/webhook-token`, { method: 'POST' });
    expect(webhookUrl).not.toBe(old);
    const res = await core.request(new URL(old).pathname, { method: 'POST', body: 'event=HungUp&call_id=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, anonymous: true });
    expect(res.status).toBe(404);
  });

  test('openapi: the webhook is public, the rest needs staff; staff routes refuse anonymous callers', async () => {
    const doc = await json<{ paths: Record<string, Record<string, { security?: unknown[] }>> }>(core, '/openapi.json');
    expect(doc.paths['/plugins/placetel/webhook/{token}']?.post?.security).toEqual([]);
    expect(doc.paths['/plugins/placetel/sync']?.post?.security?.length).toBeGreaterThan(0);
    expect((await core.request('/api/v1/plugins/placetel/sites', { anonymous: true })).status).toBe(401);
    const user = await core.createUser({ role: 'user', siteIds: [core.site.id] });
    expect((await user.request('/api/v1/plugins/placetel/sites')).status).toBe(403);
  });
});

describe('the call.route seam', () => {
  test('a routing plugin\'s call.route filter decides what the webhook answers, starting from the admin\'s rule', async () => {
    await configure(core, { secret: SECRET, callControl: { enabled: true, action: 'forward', targets: [{ numbers: ['23'], ringtime: 20 }] } });
    const path = new URL((await json<{ items: { webhookUrl: string }[] }>(core, '/api/v1/plugins/placetel/sites')).items[0]!.webhookUrl).pathname;
    const res = await post(core, path, formBody({ event: 'IncomingCall', from: '01662223344', to: '022129191999', call_id: 'seam-1', direction: 'in' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/xml');
    expect(await res.text()).toContain('<Response><Reject reason="busy"/></Response>');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ siteId: core.site.id, source: 'placetel', decision: { action: 'forward', targets: [{ numbers: ['23'], ringtime: 20 }] } });
    await configure(core, { callControl: { enabled: false } });
  });

  test('a plugin runs call.route, and no other filter of core\'s', async () => {
    await expect(probe.hooks.apply('site.beforeDelete', { site: core.site, holds: [] } as never, { actor: probe.actor })).rejects.toMatchObject({ code: 'DIALBOOK_PLUGIN_FILTER_FORBIDDEN' });
    const input = { siteId: core.site.id, source: 'probe', call: { externalId: 'x', direction: 'inbound' as const, from: '0170', to: '0221' }, decision: { action: 'forward' as const, targets: [{ numbers: ['23'], ringtime: 20 }] } };
    expect((await probe.hooks.apply('call.route', input, { actor: probe.actor })).decision).toEqual({ action: 'reject', reason: 'busy' });
  });
});
