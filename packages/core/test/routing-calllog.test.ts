import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore, type TestUser } from '@dialbook/core/testing';
import { systemActor } from '@dialbook/core';
import { RoutingEngineToken } from '../src/routing/module.js';

/**
 * Routing → call log (issue 15 item 8): a routed call that ended is a call record of source
 * `routing` (seller, campaign, DID, client, outcome, talk time, converted), written once per call
 * id; `POST /api/internal/log_call` (engine token only) records an engine's CDR and counts its
 * totals once per call id. On SQLite and PostgreSQL (`npm test` runs both).
 */
let core: TestCore;
let seller: TestUser;
let engineToken: string;
let campaignId: string;
let clientId: string;
let linkId: string;
const did = '+12125550188';

const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
const engine = (path: string, body: unknown, token: string | null = engineToken, prefix = '/api/v1/routing') =>
  Promise.resolve(core.app.request(`${prefix}${path}`, { method: 'POST', headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' }, body: JSON.stringify(body) }));
const logCall = (body: unknown, token: string | null = engineToken) => engine('/api/internal/log_call', body, token, '');

type Call = { id: string; source: string; externalId: string; status: string; userId: string | null; durationSeconds: number | null; local: { number: string | null }; remote: { number: string | null }; rawPayload: { routing: Record<string, unknown> }; version: number };
async function routedCalls(): Promise<Call[]> {
  const res = await core.request('/api/v1/calls?source=routing&limit=500');
  expect(res.status).toBe(200);
  return (await json<{ items: Call[] }>(res)).items;
}
const callOf = async (callId: string) => (await routedCalls()).find((c) => c.externalId === callId);

async function totals(kind: string): Promise<number> {
  const [row] = await core.dialbook.orm.em.fork().getConnection().execute<{ count: number | string }[]>("select \"count\" from routing_counter where scope = 'link' and owner_id = ? and kind = ? and period = 'total'", [linkId, kind]);
  return Number(row?.count ?? 0);
}

beforeAll(async () => {
  core = await createTestCore({ config: { defaultCountry: 'US' } });
  engineToken = (await core.dialbook.credentials.createEngineToken('asterisk-1', systemActor)).secret;
  seller = await core.createUser({ role: 'user', siteIds: [core.site.id] });
  campaignId = (await json<{ id: string }>(await seller.request('/api/v1/routing/campaigns', { method: 'POST', json: { name: 'Solar leads', strategy: 'priority' } }))).id;
  expect((await seller.request('/api/v1/routing/dids', { method: 'POST', json: { number: did, campaignId } })).status).toBe(201);
  clientId = (await json<{ id: string }>(await core.request('/api/v1/routing/clients', { method: 'POST', json: { name: 'Sunny Call Centre', timeZone: 'America/New_York', sip: { host: 'sip.sunny.example', username: 'sunny', password: 'Sunny-Sip-Secret-1' } } }))).id;
  const link = await core.request('/api/v1/routing/links', { method: 'POST', json: { campaignId, clientId, minTalkSeconds: 60 } });
  expect(link.status).toBe(201);
  linkId = (await json<{ id: string }>(link)).id;
});
afterAll(() => core?.close());

/** decide → attempt → (answered) → ended through the engine API. */
async function lifecycle(status: string, talkSeconds: number, answered = talkSeconds > 0) {
  const callId = randomUUID();
  const d = await json<{ action: string }>(await engine('/decide', { did, caller: '+14155550123', callId }));
  expect(d.action).toBe('route');
  expect((await engine(`/calls/${callId}/attempt`, { clientId })).status).toBe(200);
  if (answered) expect((await engine(`/calls/${callId}/answered`, {})).status).toBe(200);
  const ended = await engine(`/calls/${callId}/ended`, { status, talkSeconds });
  expect(ended.status).toBe(200);
  return callId;
}

describe('a routed call that ended is in the call log', () => {
  test('seller, campaign, DID, client, outcome, talk time and converted; once per call id', async () => {
    const callId = await lifecycle('completed', 95);
    const call = await callOf(callId);
    expect(call).toMatchObject({ source: 'routing', status: 'answered', userId: seller.user.id, durationSeconds: 95, local: { number: did }, remote: { number: '+14155550123' } });
    expect(call!.rawPayload.routing).toMatchObject({ sellerId: seller.user.id, campaignId, campaignName: 'Solar leads', did, clientId, clientName: 'Sunny Call Centre', linkId, outcome: 'converted', talkSeconds: 95, converted: true });
    expect(typeof call!.rawPayload.routing.didId).toBe('string');
    expect(JSON.stringify(call)).not.toContain('Sunny-Sip-Secret-1');
    // The engine reports `ended` again: still one record, unchanged.
    expect((await engine(`/calls/${callId}/ended`, { status: 'completed', talkSeconds: 95 })).status).toBe(200);
    const again = (await routedCalls()).filter((c) => c.externalId === callId);
    expect(again).toHaveLength(1);
    expect(again[0]!.version).toBe(call!.version);
  });

  test('a short call is connected, not converted; an unanswered one is missed', async () => {
    const short = await callOf(await lifecycle('completed', 20));
    expect(short).toMatchObject({ status: 'answered', durationSeconds: 20 });
    expect(short!.rawPayload.routing).toMatchObject({ outcome: 'connected', converted: false });
    const missed = await callOf(await lifecycle('no_answer', 0));
    expect(missed).toMatchObject({ status: 'missed' });
    expect(missed!.rawPayload.routing).toMatchObject({ outcome: 'no_answer', converted: false, talkSeconds: 0 });
  });

  test('routed calls are logged in the site "routing", which a seller does not see in /calls', async () => {
    const site = await core.dialbook.sites.findBySlug('routing');
    expect(site).not.toBeNull();
    const own = await seller.request('/api/v1/calls?source=routing');
    expect(own.status).toBe(200);
    expect((await json<{ items: unknown[] }>(own)).items).toHaveLength(0);
  });
});

describe('POST /api/internal/log_call', () => {
  const cdr = (over: Record<string, unknown> = {}) => ({
    callId: randomUUID(), did: '(212) 555-0188', caller: '415 555 0199', clientId, status: 'completed', talkSeconds: 120,
    startedAt: '2026-03-09T10:00:00-04:00', endedAt: '2026-03-09T10:02:30-04:00', ...over,
  });

  test('engine tokens only: no token and a user session are 401, nothing recorded', async () => {
    const body = cdr();
    expect((await logCall(body, null)).status).toBe(401);
    const asAdmin = await core.request('/api/internal/log_call', { method: 'POST', json: body });
    expect(asAdmin.status).toBe(401);
    expect((await json(asAdmin)).code).toBe('DIALBOOK_ROUTING_ENGINE_TOKEN_REQUIRED');
    expect(await callOf(body.callId)).toBeUndefined();
  });

  test('bad input is 422 with the field, and changes nothing', async () => {
    const before = await totals('routed');
    for (const [over, field] of [[{ status: 'exploded' }, 'status'], [{ talkSeconds: -1 }, 'talkSeconds'], [{ startedAt: 'yesterday' }, 'startedAt'], [{ clientId: 'nope' }, 'clientId']] as const) {
      const body = cdr(over);
      const res = await logCall(body);
      expect(res.status).toBe(422);
      expect((await json<{ field?: string }>(res)).field).toContain(field);
      expect(await callOf(body.callId)).toBeUndefined();
    }
    const unknownDid = await logCall(cdr({ did: '+12125550999' }));
    expect(unknownDid.status).toBe(422);
    expect(await json(unknownDid)).toMatchObject({ code: 'DIALBOOK_ROUTING_DID_UNKNOWN', field: 'did' });
    const otherClient = await logCall(cdr({ clientId: randomUUID() }));
    expect(await json(otherClient)).toMatchObject({ code: 'DIALBOOK_ROUTING_CLIENT_NOT_LINKED', field: 'clientId' });
    const backwards = await logCall(cdr({ endedAt: '2026-03-09T09:00:00-04:00' }));
    expect(await json(backwards)).toMatchObject({ code: 'DIALBOOK_VALIDATION', field: 'endedAt' });
    expect(await totals('routed')).toBe(before);
  });

  test('records the call and counts its totals once per call id', async () => {
    const [routed, connected, converted] = [await totals('routed'), await totals('connected'), await totals('converted')];
    const body = cdr();
    const first = await logCall(body);
    expect(first.status).toBe(200);
    const logged = await json<{ callRecordId: string; outcome: string; converted: boolean; created: boolean }>(first);
    expect(logged).toMatchObject({ callId: body.callId, outcome: 'converted', converted: true, created: true });
    expect([await totals('routed'), await totals('connected'), await totals('converted')]).toEqual([routed + 1, connected + 1, converted + 1]);
    const call = await callOf(body.callId);
    expect(call).toMatchObject({ id: logged.callRecordId, status: 'answered', userId: seller.user.id, durationSeconds: 120, local: { number: did }, remote: { number: '+14155550199' } });
    expect(call!.rawPayload.routing).toMatchObject({ campaignId, clientId, outcome: 'converted', converted: true });
    // Sent again (a retried CDR): the same record, nothing counted again.
    const again = await json<{ callRecordId: string; created: boolean }>(await logCall(body));
    expect(again).toMatchObject({ callRecordId: logged.callRecordId, created: false });
    expect([await totals('routed'), await totals('connected'), await totals('converted')]).toEqual([routed + 1, connected + 1, converted + 1]);
    expect((await routedCalls()).filter((c) => c.externalId === body.callId)).toHaveLength(1);
  });

  test('the same CDR five times at once: logged and counted once', async () => {
    const [routed, converted] = [await totals('routed'), await totals('converted')];
    const body = cdr();
    const results = await Promise.all(Array.from({ length: 5 }, () => logCall(body)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const created = (await Promise.all(results.map((r) => json<{ created: boolean; callRecordId: string }>(r))));
    expect(created.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(created.map((r) => r.callRecordId)).size).toBe(1);
    expect([await totals('routed'), await totals('converted')]).toEqual([routed + 1, converted + 1]);
    expect((await routedCalls()).filter((c) => c.externalId === body.callId)).toHaveLength(1);
  });

  test('a CDR of a decided and attempted call gives its slot back and counts the attempt once', async () => {
    const callId = randomUUID();
    await engine('/decide', { did, caller: '+14155550177', callId });
    expect((await engine(`/calls/${callId}/attempt`, { clientId })).status).toBe(200);
    const routed = await totals('routed');
    const res = await logCall(cdr({ callId, clientId: null, talkSeconds: 0, status: 'busy' }));
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ outcome: 'busy', converted: false, created: true });
    expect(await totals('routed')).toBe(routed);
    const [slots] = await core.dialbook.orm.em.fork().getConnection().execute<{ n: number | string }[]>('select count(*) as n from routing_slot where call_id = ?', [callId]);
    expect(Number(slots!.n)).toBe(0);
    expect((await callOf(callId))!.status).toBe('busy');
  });

  test('ctx.routing.ended (in-process engines) logs the call too', async () => {
    const routingEngine = core.dialbook.container.resolve(RoutingEngineToken);
    const callId = randomUUID();
    await routingEngine.decide({ did, caller: null, callId });
    await routingEngine.attempt(callId, clientId);
    await routingEngine.ended(callId, 'failed', 0);
    const call = await callOf(callId);
    expect(call).toMatchObject({ status: 'failed', remote: { number: null } });
    expect(call!.rawPayload.routing).toMatchObject({ outcome: 'failed' });
  });
});
