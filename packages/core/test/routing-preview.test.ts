import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, spyEvents, type TestCore } from '@dialbook/core/testing';
import { systemActor } from '@dialbook/core';
import { RoutingEngineToken } from '../src/routing/module.js';
import type { RoutingEngine } from '../src/routing/engine.js';

/**
 * Routing for people (issue 15 item 11): `POST /routing/decisions/preview` answers the decision the
 * engine would give — ordered targets with client names and ring timeouts, each skipped link with
 * its reason in words — and counts and writes nothing (the routing tables are byte-for-byte the
 * same afterwards); `GET /routing/campaigns/{id}/counters` reads the live counters per link. Both
 * are a seller's own only (another seller's DID or campaign is 404). Time is the engine's clock.
 */
let core: TestCore;
let engine: RoutingEngine;
let engineToken: string;
const now = new Date('2026-03-09T15:00:00Z'); // a Monday, 15:00 UTC

beforeAll(async () => {
  core = await createTestCore({ config: { defaultCountry: 'US' } });
  engine = core.dialbook.container.resolve(RoutingEngineToken);
  engine.clock = () => now;
  engineToken = (await core.dialbook.credentials.createEngineToken('asterisk-1', systemActor)).secret;
});
afterAll(() => core?.close());

type Preview = {
  did: string;
  action: string;
  reason: string | null;
  explanation: string;
  campaign: { name: string } | null;
  targets: { linkId: string; clientName: string; ringTimeout: number; weight: number }[];
  skipped: { linkId: string; clientName: string; reason: string; explanation: string }[];
};
const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;

/** Every row of the tables decisions and counters live in, as one string. */
async function routingState(): Promise<string> {
  const conn = core.dialbook.orm.em.fork().getConnection();
  const out: unknown[] = [];
  for (const t of ['routing_call', 'routing_slot', 'routing_counter', 'routing_counted', 'routing_campaign']) out.push(await conn.execute(`select * from ${t} order by 1`));
  return JSON.stringify(out);
}

let seq = 0;
/** A seller's campaign with a DID and one client link per spec (a client each, made by the admin). */
async function setup(strategy: string, links: Record<string, unknown>[]) {
  const seller = await core.createUser({ role: 'user' });
  const campaign = await json<{ id: string }>(await seller.request('/api/v1/routing/campaigns', { method: 'POST', json: { name: `Solar ${++seq}`, strategy, attempts: 3, ringTimeoutSeconds: 20 } }));
  const did = `+1212555${String(2000 + seq)}`;
  expect((await seller.request('/api/v1/routing/dids', { method: 'POST', json: { number: did, campaignId: campaign.id } })).status).toBe(201);
  const ids: { linkId: string; clientId: string }[] = [];
  for (const [i, l] of links.entries()) {
    const client = await json<{ id: string }>(await core.request('/api/v1/routing/clients', { method: 'POST', json: { name: `Buyer ${seq}-${i}`, timeZone: 'America/New_York', sip: { host: 'sip.example', password: 'sip-secret-1' } } }));
    const link = await core.request('/api/v1/routing/links', { method: 'POST', json: { campaignId: campaign.id, clientId: client.id, ...l } });
    expect(link.status, await link.clone().text()).toBe(201);
    ids.push({ linkId: (await json<{ id: string }>(link)).id, clientId: client.id });
  }
  return { seller, campaignId: campaign.id, did, links: ids };
}
const preview = (who: { request: TestCore['request'] }, body: unknown) => who.request('/api/v1/routing/decisions/preview', { method: 'POST', json: body });

describe('decision preview', () => {
  test('ordered targets with names and ring timeouts, a closed link skipped in words, and nothing counted or written', async () => {
    // Monday 15:00 UTC is 11:00 in New York: the third link opens only on Sundays.
    const { seller, did, links } = await setup('weighted', [{ weight: 70 }, { weight: 30 }, { weight: 50, hours: { weekly: [{ day: 7, from: '09:00', to: '17:00' }], exceptions: [] } }]);
    const events = spyEvents(core, ['route.decided']);
    const before = await routingState();
    const res = await preview(seller, { did: `(212) 555-${did.slice(-4)}`, caller: '415 555 0101' });
    expect(res.status, await res.clone().text()).toBe(200);
    const p = await json<Preview>(res);
    expect(p).toMatchObject({ did, action: 'route', reason: null, campaign: { name: expect.stringMatching(/^Solar/) } });
    expect(p.targets.map((t) => t.linkId).sort()).toEqual([links[0]!.linkId, links[1]!.linkId].sort());
    expect(p.targets.every((t) => t.ringTimeout === 20 && /^Buyer/.test(t.clientName))).toBe(true);
    expect(p.skipped).toEqual([{ linkId: links[2]!.linkId, clientId: links[2]!.clientId, clientName: expect.stringMatching(/-2$/), reason: 'closed', explanation: "Closed: outside the link's hours (America/New_York time)." }]);
    expect(p.explanation).toMatch(/weighted/);
    expect(await routingState()).toBe(before);
    expect(events.of('route.decided')).toEqual([]);
    events.stop();
  });

  test('round robin: a preview does not move the rotation, a real decision does', async () => {
    const { did } = await setup('round_robin', [{}, {}]);
    const first = async () => (await json<Preview>(await preview(core, { did, caller: null }))).targets[0]!.linkId;
    const a = await first();
    expect(await first()).toBe(a);
    expect((await core.app.request('/api/v1/routing/decide', { method: 'POST', headers: { authorization: `Bearer ${engineToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ did, caller: null, callId: randomUUID() }) })).status).toBe(200);
    expect(await first()).not.toBe(a);
  });

  test('a capped link says which cap; a DID in no campaign rejects in words', async () => {
    const { did, links } = await setup('priority', [{ priority: 1, caps: { day: 0, countBy: 'connected' } }, { priority: 2 }]);
    const p = await json<Preview>(await preview(core, { did, caller: '+14155550102' }));
    expect(p.targets.map((t) => t.linkId)).toEqual([links[1]!.linkId]);
    expect(p.skipped).toMatchObject([{ linkId: links[0]!.linkId, reason: 'cap_day', explanation: "Capped: the link's daily cap of 0 connected calls is reached for this day." }]);
    const seller = await core.createUser({ role: 'user' });
    expect((await seller.request('/api/v1/routing/dids', { method: 'POST', json: { number: '+12125553999' } })).status).toBe(201);
    expect(await json<Preview>(await preview(seller, { did: '+12125553999', caller: null }))).toMatchObject({ action: 'reject', reason: 'no_campaign', explanation: 'Rejected: the DID is in no enabled campaign.', targets: [], skipped: [] });
  });

  test("another seller's DID and an unknown DID are 404; bad input is 422 at the field; nothing changes", async () => {
    const { did } = await setup('priority', [{}]);
    const other = await core.createUser({ role: 'user' });
    const before = await routingState();
    const foreign = await preview(other, { did, caller: null });
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).not.toMatch(/Buyer|Solar/);
    expect((await preview(core, { did: '+12125550000', caller: null })).status).toBe(404);
    const bad = await preview(core, { did: '', caller: null });
    expect([bad.status, (await json(bad)).field]).toEqual([422, 'did']);
    expect(await routingState()).toBe(before);
  });
});

describe('live counters', () => {
  test('per link: active now, this day and month against the caps; seller-scoped', async () => {
    const { seller, campaignId, did, links } = await setup('priority', [{ priority: 1, concurrencyCap: 4, caps: { day: 10, month: 100, countBy: 'routed' } }, { priority: 2 }]);
    const callId = randomUUID();
    const asEngine = (path: string, body: unknown) => core.app.request(`/api/v1/routing${path}`, { method: 'POST', headers: { authorization: `Bearer ${engineToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await asEngine('/decide', { did, caller: null, callId })).status).toBe(200);
    expect((await asEngine(`/calls/${callId}/attempt`, { clientId: links[0]!.clientId })).status).toBe(200);
    const res = await seller.request(`/api/v1/routing/campaigns/${campaignId}/counters`);
    expect(res.status).toBe(200);
    const body = await json<{ at: string; items: Record<string, unknown>[] }>(res);
    expect(body.at).toBe(now.toISOString());
    expect(body.items).toMatchObject([
      { linkId: links[0]!.linkId, active: 1, concurrencyCap: 4, countBy: 'routed', periods: { day: { count: 1, cap: 10 }, month: { count: 1, cap: 100 }, hour: { count: 1, cap: null }, total: { count: 1, cap: null } } },
      { linkId: links[1]!.linkId, active: 0, concurrencyCap: null, periods: { day: { count: 0, cap: null } } },
    ]);
    const other = await core.createUser({ role: 'user' });
    expect((await other.request(`/api/v1/routing/campaigns/${campaignId}/counters`)).status).toBe(404);
    expect((await core.request(`/api/v1/routing/campaigns/${randomUUID()}/counters`)).status).toBe(404);
  });
});
