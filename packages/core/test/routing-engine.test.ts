import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, eventually, spyEvents, testDatabaseKind, type TestCore } from '@dialbook/core/testing';
import { createApp, createDialbook, definePlugin, loadConfig, systemActor, type Dialbook } from '@dialbook/core';
import { RoutingEngineToken } from '../src/routing/module.js';
import type { RoutingEngine } from '../src/routing/engine.js';
import { periodKeys } from '../src/routing/periods.js';

/**
 * The engine API of routing (issue 15): `POST /routing/decide` for engine tokens only, and the call
 * lifecycle (`attempt`, `answered`, `renew`, `ended`) that keeps the counters. The invariant: no
 * cap is exceeded however many calls arrive at once — 200 concurrent decide+attempt against caps
 * of 5 — on SQLite, and on PostgreSQL also with two instances on one database. Time is driven by
 * the engine's clock (no sleeps): a crashed call's slot comes back when its lease runs out.
 */
let core: TestCore;
let engine: RoutingEngine;
let engineToken: string;
let now = new Date('2026-03-09T15:00:00Z');
const onPostgres = testDatabaseKind() === 'postgresql';

/** A plugin that may reorder or drop a decision's candidates (`route.candidates`). */
let candidates: ((targets: { linkId: string; clientId: string; ringTimeout: number }[]) => typeof targets) | null = null;
const reorder = definePlugin({
  name: 'reorder',
  setup(ctx) {
    ctx.hooks.filter('route.candidates', (v) => (candidates ? { ...v, targets: candidates(v.targets) } : v));
  },
});

beforeAll(async () => {
  core = await createTestCore({ config: { defaultCountry: 'US' }, plugins: { reorder } });
  engine = core.dialbook.container.resolve(RoutingEngineToken);
  engine.clock = () => now;
  engineToken = (await core.dialbook.credentials.createEngineToken('asterisk-1', systemActor)).secret;
});
afterAll(() => core?.close());

const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
const asEngine = (path: string, body: unknown = {}, app: { request: (p: string, i: RequestInit) => Response | Promise<Response> } = core.app) =>
  Promise.resolve(app.request(`/api/v1/routing${path}`, { method: 'POST', headers: { authorization: `Bearer ${engineToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }));
type Decision = { action: 'route' | 'reject'; reason?: string; targets: { linkId: string; clientId: string; ringTimeout: number }[]; skipped: { linkId: string; reason: string }[] };

let seq = 0;
/** A campaign of a fresh seller, with a DID and one link per client spec; returns the ids. */
async function setup(strategy: string, links: Record<string, unknown>[], campaign: Record<string, unknown> = {}) {
  const seller = await core.createUser({ role: 'user' });
  const c = await json<{ id: string }>(await seller.request('/api/v1/routing/campaigns', { method: 'POST', json: { name: `Campaign ${++seq}`, strategy, attempts: 5, ringTimeoutSeconds: 25, ...campaign } }));
  const did = `+1212555${String(1000 + seq).slice(-4)}`;
  expect((await seller.request('/api/v1/routing/dids', { method: 'POST', json: { number: did, campaignId: c.id } })).status).toBe(201);
  const ids: { linkId: string; clientId: string }[] = [];
  for (const [i, l] of links.entries()) {
    const { timeZone, clientCaps, clientConcurrency, ...link } = l as { timeZone?: string; clientCaps?: unknown; clientConcurrency?: number };
    const client = await json<{ id: string }>(await core.request('/api/v1/routing/clients', { method: 'POST', json: { name: `Buyer ${seq}-${i}`, timeZone: timeZone ?? 'UTC', sip: { host: 'sip.example' }, ...(clientCaps ? { caps: clientCaps } : {}), ...(clientConcurrency ? { concurrencyCap: clientConcurrency } : {}) } }));
    const made = await core.request('/api/v1/routing/links', { method: 'POST', json: { campaignId: c.id, clientId: client.id, ...link } });
    expect(made.status, await made.clone().text()).toBe(201);
    ids.push({ linkId: (await json<{ id: string }>(made)).id, clientId: client.id });
  }
  return { campaignId: c.id, did, links: ids };
}

/** One simulated call: decide, then attempt each target in turn until one takes it; the client that did (null: none). */
async function routeOne(did: string, app?: Parameters<typeof asEngine>[2], caller = `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`) {
  const callId = randomUUID();
  const res = await asEngine('/decide', { did, caller, callId }, app);
  expect(res.status).toBe(200);
  const d = await json<Decision>(res);
  for (const t of d.action === 'route' ? d.targets : []) {
    const a = await asEngine(`/calls/${callId}/attempt`, { clientId: t.clientId }, app);
    if (a.status === 200) return { callId, clientId: t.clientId, decision: d };
    expect(a.status, await a.clone().text()).toBe(409);
    expect((await json(a)).code).toBe('DIALBOOK_ROUTING_CAPPED');
  }
  return { callId, clientId: null, decision: d };
}

const liveSlots = async (linkId: string) => {
  const [row] = await core.dialbook.orm.em.fork().getConnection().execute<{ n: number | string }[]>('select count(*) as n from routing_slot where link_id = ? and lease_until > ?', [linkId, now.getTime()]);
  return Number(row!.n);
};
const counter = async (ownerId: string, kind: string, period = 'total') => {
  const [row] = await core.dialbook.orm.em.fork().getConnection().execute<{ count: number | string }[]>('select "count" from routing_counter where owner_id = ? and kind = ? and period = ?', [ownerId, kind, period]);
  return Number(row?.count ?? 0);
};

describe('who may ask', () => {
  test('decide and the lifecycle take an engine token only: no session, no API token, no other machine credential', async () => {
    const { did } = await setup('priority', [{}]);
    const body = JSON.stringify({ did, caller: '+14155550000', callId: 'auth-1' });
    const pb = await core.dialbook.phonebooks.create({ siteId: core.site.id, name: 'Lobby', filter: {} });
    const phoneSecret = (await core.dialbook.credentials.createForPhonebook(pb.id, 'lobby', systemActor)).secret;
    const user = await core.createUser({ role: 'user' });
    for (const authorization of [null, `Bearer ${core.admin.token}`, `Bearer ${user.token}`, `Bearer ${phoneSecret}`, 'Bearer dbk_eng_not-a-real-token']) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
      for (const path of ['/decide', '/calls/auth-1/attempt', '/calls/auth-1/answered', '/calls/auth-1/renew', '/calls/auth-1/ended']) {
        const res = await core.app.request(`/api/v1/routing${path}`, { method: 'POST', headers, body });
        expect(res.status, `${authorization} ${path}`).toBe(401);
        expect((await json(res)).code).toBe('DIALBOOK_ROUTING_ENGINE_TOKEN_REQUIRED');
      }
    }
    expect(await core.dialbook.orm.em.fork().getConnection().execute('select * from routing_call where call_id = ?', ['auth-1'])).toEqual([]);
    expect((await asEngine('/decide', JSON.parse(body))).status).toBe(200);
  });

  test('bad input is 422 naming the field', async () => {
    for (const [body, field] of [[{ did: '', caller: null, callId: 'x' }, 'did'], [{ did: '+12125550100', caller: null, callId: 'a b' }, 'callId'], [{ did: '+12125550100', callId: 'x' }, 'caller']] as const) {
      const res = await asEngine('/decide', body);
      expect(res.status).toBe(422);
      expect((await json(res)).field).toBe(field);
    }
    const unknownCall = await asEngine('/calls/never-decided/attempt', { clientId: randomUUID() });
    expect(unknownCall.status).toBe(404);
  });
});

describe('decisions', () => {
  test('ordered targets with ring timeouts; unknown DID rejects as no_campaign; route.decided is emitted', async () => {
    const events = spyEvents(core, ['route.decided']);
    const { did, links } = await setup('priority', [{ priority: 2 }, { priority: 1 }]);
    const callId = randomUUID();
    const d = await json<Decision>(await asEngine('/decide', { did: '(212) 555-' + did.slice(-4), caller: '415 555 0101', callId }));
    expect(d).toMatchObject({ action: 'route', targets: [{ linkId: links[1]!.linkId, ringTimeout: 25 }, { linkId: links[0]!.linkId }], skipped: [] });
    expect(events.of('route.decided').at(-1)).toMatchObject({ call: { callId, did, caller: '+14155550101' }, decision: { action: 'route' } });
    expect(await json(await asEngine('/decide', { did: '+12125559999', caller: null, callId: randomUUID() }))).toEqual({ action: 'reject', campaignId: null, reason: 'no_campaign', skipped: [] });
    events.stop();
  });

  test('route.candidates: a plugin may reorder and drop targets, but not add any', async () => {
    const { did, links } = await setup('priority', [{ priority: 1 }, { priority: 2 }]);
    candidates = (t) => [...t.reverse(), { linkId: randomUUID(), clientId: randomUUID(), ringTimeout: 1 }];
    expect((await json<Decision>(await asEngine('/decide', { did, caller: null, callId: randomUUID() }))).targets.map((t) => t.linkId)).toEqual([links[1]!.linkId, links[0]!.linkId]);
    candidates = () => [];
    expect(await json(await asEngine('/decide', { did, caller: null, callId: randomUUID() }))).toMatchObject({ action: 'reject', reason: 'filtered' });
    candidates = null;
  });

  test('edits reach the next decision through the cache (routing.changed), and cluster.resync empties it', async () => {
    const { did, links, campaignId } = await setup('priority', [{ priority: 1 }, { priority: 2 }]);
    const decideNow = async () => json<Decision>(await asEngine('/decide', { did, caller: null, callId: randomUUID() }));
    expect((await decideNow()).targets).toHaveLength(2);
    expect(engine.cache.size).toBeGreaterThan(0);
    expect((await core.request(`/api/v1/routing/links/${links[0]!.linkId}`, { method: 'PATCH', json: { enabled: false } })).status).toBe(200);
    expect((await decideNow()).skipped).toEqual([{ linkId: links[0]!.linkId, reason: 'link_disabled' }]);
    expect((await core.request(`/api/v1/routing/clients/${links[1]!.clientId}`, { method: 'PATCH', json: { enabled: false } })).status).toBe(200);
    const rejected = await decideNow(); // skipped in link id order
    expect(rejected).toMatchObject({ action: 'reject', campaignId });
    expect(new Map(rejected.skipped.map((k) => [k.linkId, k.reason]))).toEqual(new Map([[links[0]!.linkId, 'link_disabled'], [links[1]!.linkId, 'client_disabled']]));
    await core.dialbook.hooks.emit('cluster.resync', { reason: 'test' });
    expect(engine.cache.size).toBe(0);
  });

  test('duplicate caller within the window goes to the client it reached before', async () => {
    const { did, links } = await setup('round_robin', [{}, {}], { duplicateWindowHours: 2 });
    const first = await routeOne(did, undefined, '+14155550177');
    expect(first.clientId).not.toBeNull();
    for (let i = 0; i < 4; i++) {
      const again = await json<Decision>(await asEngine('/decide', { did, caller: '+1 415 555 0177', callId: randomUUID() }));
      expect(again.targets.map((t) => t.clientId)).toEqual([first.clientId]);
    }
    const other = links.find((l) => l.clientId !== first.clientId)!;
    now = new Date(now.getTime() + 2 * 3_600_000 + 1000);
    const later = await json<Decision>(await asEngine('/decide', { did, caller: '+14155550177', callId: randomUUID() }));
    expect(later.targets.map((t) => t.clientId)).toContain(other.clientId);
  });
});

describe('counters that cannot overrun', () => {
  test('200 concurrent calls never put more than 5 live calls on a link capped at 5; crashed calls give their slot back after the lease', async () => {
    const { did, links } = await setup('weighted', [{ weight: 70, concurrencyCap: 5 }, { weight: 30, concurrencyCap: 5 }]);
    const results = await Promise.all(Array.from({ length: 200 }, () => routeOne(did)));
    const placed = results.filter((r) => r.clientId);
    // None ended: every placed call holds its slot, so the placed calls per link are its live calls.
    for (const l of links) {
      expect(placed.filter((r) => r.clientId === l.clientId)).toHaveLength(5);
      expect(await liveSlots(l.linkId)).toBe(5);
    }
    // The rest were refused at decide (all capped) or at attempt; a new call now is rejected.
    expect(await json(await asEngine('/decide', { did, caller: null, callId: randomUUID() }))).toMatchObject({ action: 'reject', reason: 'all_capped' });
    // Every call "crashed" (no ended): once the lease runs out the slots count for nothing.
    now = new Date(now.getTime() + engine.leaseMs - 1000);
    expect(await liveSlots(links[0]!.linkId)).toBe(5);
    const held = placed[0]!;
    expect((await asEngine(`/calls/${held.callId}/renew`)).status).toBe(200); // this one is still up
    now = new Date(now.getTime() + 2000);
    expect(await liveSlots(links[0]!.linkId) + (await liveSlots(links[1]!.linkId))).toBe(1);
    expect((await asEngine(`/calls/${placed[1]!.callId}/renew`)).status).toBe(409);
    const again = await Promise.all(Array.from({ length: 50 }, () => routeOne(did)));
    expect(again.filter((r) => r.clientId)).toHaveLength(9);
  });

  test('a client concurrency cap holds across its links in two campaigns', async () => {
    const a = await setup('priority', [{ clientConcurrency: 3 }]);
    const clientId = a.links[0]!.clientId;
    const seller = await core.createUser({ role: 'user' });
    const c2 = await json<{ id: string }>(await seller.request('/api/v1/routing/campaigns', { method: 'POST', json: { name: 'Second' } }));
    await seller.request('/api/v1/routing/dids', { method: 'POST', json: { number: '+12125550999', campaignId: c2.id } });
    expect((await core.request('/api/v1/routing/links', { method: 'POST', json: { campaignId: c2.id, clientId } })).status).toBe(201);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => routeOne(i % 2 ? a.did : '+12125550999')));
    expect(results.filter((r) => r.clientId)).toHaveLength(3);
  });

  test('a daily cap of 8 routed calls is never exceeded by 200 concurrent calls that end at once', async () => {
    const { did, links } = await setup('priority', [{ caps: { day: 8, countBy: 'routed' } }]);
    const results = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const r = await routeOne(did);
        if (r.clientId) expect((await asEngine(`/calls/${r.callId}/ended`, { status: 'completed', talkSeconds: 5 })).status).toBe(200);
        return r;
      }),
    );
    expect(results.filter((r) => r.clientId)).toHaveLength(8);
    expect(await counter(links[0]!.linkId, 'routed')).toBe(8);
    expect(await counter(links[0]!.linkId, 'routed', periodKeys(now, 'UTC').day)).toBe(8);
    expect(await counter(links[0]!.clientId, 'routed', periodKeys(now, 'UTC').hour)).toBe(8);
  });

  test('a cap on connected calls counts live calls that may still connect', async () => {
    const { did, links } = await setup('priority', [{ caps: { total: 2, countBy: 'connected' } }]);
    const results = await Promise.all(Array.from({ length: 20 }, () => routeOne(did)));
    const placed = results.filter((r) => r.clientId);
    expect(placed).toHaveLength(2);
    for (const r of placed) expect((await asEngine(`/calls/${r.callId}/answered`)).status).toBe(200);
    for (const r of placed) await asEngine(`/calls/${r.callId}/ended`, { status: 'completed', talkSeconds: 30 });
    expect(await counter(links[0]!.linkId, 'connected')).toBe(2);
    expect((await routeOne(did)).clientId).toBeNull();
  });

  test('totals are counted once per call id, however often the engine reports', async () => {
    const { did, links } = await setup('priority', [{ minTalkSeconds: 60 }]);
    const { linkId, clientId } = links[0]!;
    const r = await routeOne(did);
    expect(r.clientId).toBe(clientId);
    for (let i = 0; i < 3; i++) expect((await asEngine(`/calls/${r.callId}/attempt`, { clientId })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await asEngine(`/calls/${r.callId}/answered`)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect(await json(await asEngine(`/calls/${r.callId}/ended`, { status: 'completed', talkSeconds: 61 }))).toEqual({ converted: true });
    expect([await counter(linkId, 'routed'), await counter(linkId, 'connected'), await counter(linkId, 'converted')]).toEqual([1, 1, 1]);
    expect([await counter(clientId, 'routed'), await counter(clientId, 'connected'), await counter(clientId, 'converted')]).toEqual([1, 1, 1]);
    expect(await liveSlots(linkId)).toBe(0);
    // A short call connects but does not convert.
    const short = await routeOne(did);
    await asEngine(`/calls/${short.callId}/answered`);
    expect(await json(await asEngine(`/calls/${short.callId}/ended`, { status: 'completed', talkSeconds: 59 }))).toEqual({ converted: false });
    expect([await counter(linkId, 'routed'), await counter(linkId, 'connected'), await counter(linkId, 'converted')]).toEqual([2, 2, 1]);
  });
});

if (onPostgres) describe('two instances on one PostgreSQL database', () => {
  let b: Dialbook;
  let appB: ReturnType<typeof createApp>;
  beforeAll(async () => {
    b = await createDialbook(await loadConfig({ env: {}, config: { logLevel: 'silent', defaultCountry: 'US', database: { url: core.dialbook.config.database.url! } } }), { migrate: true });
    await b.start();
    b.container.resolve(RoutingEngineToken).clock = () => now;
    appB = createApp(b);
  });
  afterAll(() => b?.stop());

  test('200 concurrent calls split over both instances never exceed a cap of 5', async () => {
    const { did, links } = await setup('round_robin', [{ concurrencyCap: 5, caps: { day: 7 } }, { concurrencyCap: 5 }]);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => routeOne(did, i % 2 ? appB : core.app)));
    for (const l of links) expect(results.filter((r) => r.clientId === l.clientId)).toHaveLength(5);
    // End them all (half on each instance), then again: the day cap of 7 on the first link holds.
    await Promise.all(results.filter((r) => r.clientId).map((r, i) => asEngine(`/calls/${r.callId}/ended`, { status: 'completed', talkSeconds: 1 }, i % 2 ? appB : core.app)));
    const second = await Promise.all(Array.from({ length: 200 }, (_, i) => routeOne(did, i % 2 ? appB : core.app)));
    expect(second.filter((r) => r.clientId === links[0]!.clientId)).toHaveLength(2);
    expect(second.filter((r) => r.clientId === links[1]!.clientId)).toHaveLength(5);
    expect(await counter(links[0]!.linkId, 'routed')).toBe(7);
  });

  test('a link disabled on instance A is seen by the next decision on instance B (routing.changed relayed)', async () => {
    const { did, links } = await setup('priority', [{ priority: 1 }, { priority: 2 }]);
    const onB = async () => json<Decision>(await asEngine('/decide', { did, caller: null, callId: randomUUID() }, appB));
    expect((await onB()).targets).toHaveLength(2); // B has the DID cached now
    expect(b.container.resolve(RoutingEngineToken).cache.size).toBeGreaterThan(0);
    expect((await core.request(`/api/v1/routing/links/${links[0]!.linkId}`, { method: 'PATCH', json: { enabled: false } })).status).toBe(200);
    const seen = await eventually('B to skip the disabled link', async () => {
      const d = await onB();
      return d.skipped[0]?.reason === 'link_disabled' && d;
    });
    expect(seen.targets.map((t) => t.linkId)).toEqual([links[1]!.linkId]);
  });
});
