/**
 * Change notifications over real HTTP: Dialbook listens on a port and the Graph double
 * (test/double.ts, after calls.md §1.5 and §6 and Microsoft's subscription docs) calls back to it —
 * the validationToken handshake before a subscription is made, then notifications and lifecycle
 * events as Graph posts them. The plugin's clock is driven (RuntimeHooks.now), and the double's
 * expiry checks use the same clock.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually } from '@dialbook/core/testing';
import type { GraphCallRecord } from '../src/graph-types.js';
import { startGraphDouble, type GraphDouble, type PostAnswer } from './double.js';
import * as f from './fixtures.js';
import { configure, credentials, freePort, json, startCore, teamsCalls, type Core } from './helpers.js';

const MINUTE = 60_000;
let clock = Date.parse('2026-12-01T12:00:00Z');
const logLines: string[] = [];
/** Every answer Dialbook gave in this file, to look for the clientState in. */
const answers: string[] = [];
/** Every clientState Dialbook sent to Graph. */
const clientStates = new Set<string>();

type Row = { siteId: string; site: string; state: { label: string; tone: string }; note: string | null; subscriptionId: string | null; expiresAt: string | null; lastNotificationAt: string | null; lastError: string | null };

const record = (i: number): GraphCallRecord => {
  const r = f.pstnInbound();
  return { ...r, id: `e0000000-0000-4000-8000-${String(i).padStart(12, '0')}` };
};

async function text(core: Core, path: string, init?: Parameters<Core['request']>[1]): Promise<string> {
  const t = await (await core.request(path, init)).text();
  answers.push(t);
  return t;
}
const rows = async (core: Core) => {
  const t = await text(core, '/api/v1/plugins/teams/subscriptions');
  return JSON.parse(t) as { items: Row[]; message?: string };
};
const kept = (a: PostAnswer) => (answers.push(a.text), a);
const remember = (d: GraphDouble) => {
  for (const s of d.subscriptions.values()) if (s.clientState) clientStates.add(s.clientState);
};

describe('without server.publicUrl', () => {
  let core: Core;
  let double: GraphDouble;
  beforeAll(async () => {
    double = await startGraphDouble({ tenant: f.TENANT, now: () => clock });
    core = await startCore(double, { hooks: { now: () => clock } });
  });
  afterAll(async () => {
    await core?.close();
    await double?.close();
  });

  test('notifications on: the view says to set server.publicUrl, the health check too; no subscription is made', async () => {
    await configure(core, { ...credentials(double), notifications: true });
    await json(core, '/api/v1/actions/teams.subscriptions', { method: 'POST', json: {} });
    const r = await rows(core);
    expect(r.items).toEqual([expect.objectContaining({ site: 'test', state: { label: 'needs server.publicUrl', tone: 'warn' }, subscriptionId: null, note: 'set server.publicUrl (DIALBOOK_PUBLIC_URL) so Graph can reach Dialbook; polling stays on' })]);
    expect(r.message).toContain('set server.publicUrl (DIALBOOK_PUBLIC_URL) so Graph can reach Dialbook; polling stays on');
    const plugins = await json<{ items: { id: string; health: { ok: boolean; message: string }[]; views?: { id: string; url: string }[] }[] }>(core, '/api/v1/plugins');
    const teams = plugins.items.find((p) => p.id === 'teams')!;
    expect(teams.health[0]!.message).toContain('change notifications needs server.publicUrl: set server.publicUrl (DIALBOOK_PUBLIC_URL)');
    expect(JSON.stringify(teams)).toContain('/api/v1/plugins/teams/subscriptions');
    expect(double.subscriptionRequests).toEqual([]);
    expect(double.handshakes).toEqual([]);
  });
});

describe('server.publicUrl that Graph cannot reach', () => {
  let core: Core;
  let double: GraphDouble;
  beforeAll(async () => {
    double = await startGraphDouble({ tenant: f.TENANT, now: () => clock });
    // Nothing listens there: Graph's handshake fails, so does the create.
    // The subscription schedule fires every second here, to see it try again on its own.
    core = await startCore(double, { hooks: { now: () => clock }, publicUrl: `http://127.0.0.1:${await freePort()}`, options: { subscriptionCron: '* * * * * *' } });
  });
  afterAll(async () => {
    await core?.close();
    await double?.close();
  });

  test('the create fails in words: the view says failing with the error, the health check warns; polling stays on', async () => {
    await configure(core, { ...credentials(double), notifications: true, syncCron: '*/15 * * * *' });
    await json(core, '/api/v1/actions/teams.subscriptions', { method: 'POST', json: {} });
    expect(double.subscriptionRequests.filter((r) => r.method === 'POST')[0]).toMatchObject({ status: 400 });
    expect(double.handshakes[0]).toMatchObject({ ok: false, status: null });
    expect(double.subscriptions.size).toBe(0);
    const row = (await rows(core)).items[0]!;
    expect(row).toMatchObject({ state: { label: 'failing', tone: 'bad' }, subscriptionId: null });
    expect(row.lastError).toContain('Subscription validation request failed');
    const teams = (await json<{ items: { id: string; health: { ok: boolean; message: string }[] }[] }>(core, '/api/v1/plugins')).items.find((p) => p.id === 'teams')!;
    expect(teams.health[0]).toMatchObject({ ok: false, message: expect.stringContaining('change notifications failing: subscribing failed:') });
    expect(teams.health[0]!.message).toContain('synced on "*/15 * * * *"');
  });

  test('the schedule (subscriptionCron) tries again without a button', async () => {
    const posts = () => double.subscriptionRequests.filter((r) => r.method === 'POST').length;
    const before = posts();
    await eventually('another create from the schedule', () => posts() > before);
    const jobs = await json<{ finished: { id: string }[]; running: { id: string }[] }>(core, '/api/v1/jobs');
    expect([...jobs.running, ...jobs.finished].some((j) => j.id === 'teams.subscriptions')).toBe(true);
  });
});

describe('with server.publicUrl (Graph calls back on a real port)', () => {
  let core: Core;
  let double: GraphDouble;
  let base: string;

  beforeAll(async () => {
    double = await startGraphDouble({ tenant: f.TENANT, now: () => clock });
    for (let i = 0; i < 10; i++) double.records.set(record(i).id, record(i));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    core = await startCore(double, { hooks: { now: () => clock, sleep: async () => undefined }, publicUrl: base, port, logger: pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) }) });
  });
  afterAll(async () => {
    await core?.close();
    await double?.close();
  });

  const only = () => {
    expect(double.subscriptions.size).toBe(1);
    remember(double);
    return [...double.subscriptions.values()][0]!;
  };

  test('the validationToken handshake: 200 text/plain with the decoded token, on both URLs, anonymously', async () => {
    for (const path of ['/api/v1/plugins/teams/notifications', '/api/v1/plugins/teams/notifications/lifecycle']) {
      const token = 'Validation: Testing client application reachability for subscription Request-Id: 3b3f2a4c-0000-4000-8000-000000000001';
      const res = await fetch(`${base}${path}?validationToken=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe(token);
    }
  });

  test('notifications off (the default): no subscription, the view says off', async () => {
    await configure(core, credentials(double));
    await json(core, '/api/v1/actions/teams.subscriptions', { method: 'POST', json: {} });
    expect(double.subscriptionRequests).toEqual([]);
    expect((await rows(core)).items[0]).toMatchObject({ state: { label: 'off' }, subscriptionId: null });
  });

  test('turned on: subscribed after the handshake, with the documented fields and a lifetime under 4,230 minutes', async () => {
    await configure(core, { ...credentials(double), notifications: true });
    await eventually('the subscription', () => double.subscriptions.size === 1);
    const sub = only();
    expect(sub).toMatchObject({ resource: '/communications/callRecords', changeType: 'created,updated', notificationUrl: `${base}/api/v1/plugins/teams/notifications`, lifecycleNotificationUrl: `${base}/api/v1/plugins/teams/notifications/lifecycle` });
    expect(Date.parse(sub.expirationDateTime) - clock).toBe(4200 * MINUTE);
    expect(sub.clientState!.length).toBeGreaterThanOrEqual(32);
    expect(double.handshakes.map((h) => [h.url, h.ok])).toEqual([
      [sub.notificationUrl, true],
      [sub.lifecycleNotificationUrl, true],
    ]);
    const row = await eventually('the active row', async () => (await rows(core)).items.find((r) => r.state.label === 'active'));
    expect(row).toMatchObject({ subscriptionId: sub.id, expiresAt: sub.expirationDateTime, lastNotificationAt: null, lastError: null, state: { tone: 'good' } });
  });

  test('a notification with the right clientState: 202 at once, then the record is in the call log', async () => {
    const sub = only();
    const a = kept(await double.notify(sub.id, [record(1).id]));
    expect(a.status).toBe(202);
    expect(JSON.parse(a.text)).toEqual({ accepted: 1, refused: 0 });
    const call = await eventually('the notified call', async () => (await teamsCalls(core)).find((c) => c.externalId === record(1).id));
    expect(call).toMatchObject({ direction: 'inbound', source: 'teams' });
    // Fetched as the sync fetches: with sessions and with participants_v2.
    expect(double.requests.filter((q) => q.startsWith(`/v1.0/communications/callRecords/${record(1).id}?`))).toHaveLength(2);
    expect((await rows(core)).items[0]!.lastNotificationAt).toBe(new Date(clock).toISOString());
  });

  test('a wrong clientState: 403 problem, nothing recorded', async () => {
    const sub = only();
    const a = kept(await double.notify(sub.id, [record(2).id], { clientState: `${sub.clientState!.slice(0, -1)}x` }));
    expect(a.status).toBe(403);
    expect(a.contentType).toContain('application/problem+json');
    expect(JSON.parse(a.text)).toMatchObject({ code: 'DIALBOOK_TEAMS_CLIENT_STATE', field: 'clientState' });
    const missing = kept(await double.notify(sub.id, [record(2).id], { clientState: null }));
    expect(missing.status).toBe(403);
    // A good notification after it is recorded; the refused one never is.
    expect(kept(await double.notify(sub.id, [record(3).id])).status).toBe(202);
    await eventually('the later call', async () => (await teamsCalls(core)).some((c) => c.externalId === record(3).id));
    expect((await teamsCalls(core)).some((c) => c.externalId === record(2).id)).toBe(false);
  });

  test('an unknown subscription is refused; in a mixed batch only the good item is taken', async () => {
    const sub = only();
    const unknown = kept(await double.notify(sub.id, [record(4).id], { subscriptionIdInBody: '00000000-0000-4000-8000-00000000dead' }));
    expect(unknown.status).toBe(403);
    const item = (subscriptionId: string, clientState: string, id: string) => ({ subscriptionId, clientState, changeType: 'created', resource: `communications/callRecords/${id}`, resourceData: { id }, tenantId: f.TENANT });
    const res = await fetch(sub.notificationUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: [item(sub.id, 'not-the-state', record(4).id), item(sub.id, sub.clientState!, record(5).id)] }) });
    const body = await res.text();
    answers.push(body);
    expect(res.status).toBe(202);
    expect(JSON.parse(body)).toEqual({ accepted: 1, refused: 1 });
    await eventually('the good item', async () => (await teamsCalls(core)).some((c) => c.externalId === record(5).id));
    expect((await teamsCalls(core)).some((c) => c.externalId === record(4).id)).toBe(false);
  });

  test('hostile bodies: 400 not a batch, 413 too large or too many items; nothing recorded', async () => {
    const url = `${base}/api/v1/plugins/teams/notifications`;
    const send = async (body: string) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      answers.push(await res.text());
      return res.status;
    };
    const before = (await teamsCalls(core)).length;
    expect(await send('{"value": 5}')).toBe(400);
    expect(await send('not json')).toBe(400);
    expect(await send(JSON.stringify({ value: Array.from({ length: 501 }, () => ({})) }))).toBe(413);
    expect(await send(JSON.stringify({ value: [{ pad: 'x'.repeat(300 * 1024) }] }))).toBe(413);
    expect(await teamsCalls(core)).toHaveLength(before);
  });

  test('renewal: not before a third of the lifetime is left, then PATCHed to 4,200 minutes from now', async () => {
    const sub = only();
    clock += 60 * MINUTE;
    await json(core, '/api/v1/actions/teams.subscriptions', { method: 'POST', json: {} });
    expect(double.subscriptionRequests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    clock += 2800 * MINUTE; // 1,340 minutes left: under a third of 4,200
    await json(core, '/api/v1/actions/teams.subscriptions', { method: 'POST', json: {} });
    expect(double.subscriptionRequests.filter((r) => r.method === 'PATCH')).toEqual([{ method: 'PATCH', id: sub.id, status: 200 }]);
    expect(Date.parse(only().expirationDateTime) - clock).toBe(4200 * MINUTE);
    expect((await rows(core)).items[0]).toMatchObject({ state: { label: 'active' }, subscriptionId: sub.id, expiresAt: new Date(clock + 4200 * MINUTE).toISOString() });
  });

  test('a renewal answered 404 (Graph lost it): subscribed again with a new clientState; the old one is refused', async () => {
    const old = only();
    double.subscriptions.delete(old.id);
    clock += 3000 * MINUTE;
    await json(core, '/api/v1/actions/teams.subscriptions', { method: 'POST', json: {} });
    expect(double.subscriptionRequests.slice(-2).map((r) => [r.method, r.status])).toEqual([
      ['PATCH', 404],
      ['POST', 201],
    ]);
    const renewed = only();
    expect(renewed.id).not.toBe(old.id);
    expect(renewed.clientState).not.toBe(old.clientState);
    expect((await rows(core)).items[0]).toMatchObject({ state: { label: 'active' }, subscriptionId: renewed.id, lastError: null });
    // The old subscription's id and clientState no longer open the door.
    const res = await fetch(renewed.notificationUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: [{ subscriptionId: old.id, clientState: old.clientState, resource: `communications/callRecords/${record(6).id}` }] }) });
    answers.push(await res.text());
    expect(res.status).toBe(403);
  });

  test('lifecycle: reauthorizationRequired renews, missed runs the sync, subscriptionRemoved subscribes again, a wrong clientState is refused', async () => {
    const sub = only();
    const patches = () => double.subscriptionRequests.filter((r) => r.method === 'PATCH' && r.status === 200).length;
    const before = patches();
    expect(kept(await double.lifecycle(sub.id, 'reauthorizationRequired', { clientState: 'wrong' })).status).toBe(403);
    expect(kept(await double.lifecycle(sub.id, 'reauthorizationRequired')).status).toBe(202);
    await eventually('the renewal', () => patches() === before + 1);
    // missed: the scheduled sync runs (from the cursor less its overlap) as a tracked job.
    expect(kept(await double.lifecycle(sub.id, 'missed')).status).toBe(202);
    await eventually('the sync after missed notifications', async () => {
      const jobs = JSON.parse(await text(core, '/api/v1/jobs')) as { running: { id: string }[]; finished: { id: string; status: string }[] };
      return jobs.finished.some((j) => j.id === `teams.sync:${core.site.id}` && j.status === 'succeeded');
    });
    expect(kept(await double.lifecycle(sub.id, 'subscriptionRemoved')).status).toBe(202);
    const next = await eventually('a new subscription', () => double.subscriptions.size === 1 && [...double.subscriptions.values()][0]!.id !== sub.id && [...double.subscriptions.values()][0]);
    remember(double);
    await eventually('the view naming it', async () => (await rows(core)).items[0]!.subscriptionId === next.id);
    expect(kept(await double.notify(next.id, [record(7).id])).status).toBe(202);
    await eventually('the call after re-subscription', async () => (await teamsCalls(core)).some((c) => c.externalId === record(7).id));
  });

  test('turned off: deleted in Graph, the view says off', async () => {
    const sub = only();
    await configure(core, { ...credentials(double), notifications: false });
    await eventually('the delete', () => double.subscriptions.size === 0);
    expect(double.subscriptionRequests.at(-1)).toEqual({ method: 'DELETE', id: sub.id, status: 204 });
    await eventually('the view', async () => (await rows(core)).items[0]!.state.label === 'off');
  });

  test('the clientState is in no answer, no log line (debug) and not in the table', async () => {
    expect(clientStates.size).toBeGreaterThanOrEqual(3);
    for (const path of ['/api/v1/plugins', '/api/v1/jobs', `/api/v1/settings/teams?siteId=${core.site.id}`, '/api/v1/audit', '/api/v1/plugins/teams/subscriptions']) await text(core, path);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.some((l) => l.includes('subscribed to call-record change notifications'))).toBe(true);
    const table = JSON.stringify(await core.dialbook.orm.em.fork().getConnection().execute('select * from teams_subscription'));
    for (const secret of clientStates) {
      for (const a of answers) expect(a).not.toContain(secret);
      for (const l of logLines) expect(l).not.toContain(secret);
      expect(table).not.toContain(secret);
    }
  });
});
