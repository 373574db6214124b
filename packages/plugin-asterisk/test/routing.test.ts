/**
 * The FastAGI handler on core's routing: a real core (SQLite, then PostgreSQL) with clients, a
 * seller's campaign, its links and a DID made through core's HTTP API, and the fake Asterisk of
 * agi-client.ts (res_agi's wire format, calls.md §3c) placing the calls. After each call the
 * counters must be consistent: no live slot left (a fresh decision through the engine API skips
 * no link for `concurrency`), and the totals per link as the call went.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { systemActor } from '@dialbook/core';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import { createAsteriskPlugin } from '../src/index.js';
import { fakeCall, type DialOutcome } from './agi-client.js';

let core: TestCore;
let port: number;
let engineToken: string;

const json = async <T>(res: Response) => (await res.json()) as T;

beforeAll(async () => {
  core = await createTestCore({ config: { defaultCountry: 'DE' }, plugins: { asterisk: { plugin: createAsteriskPlugin(), options: { agi: { port: 0 } } } } });
  const res = await core.request('/api/v1/plugins');
  const { items } = await json<{ items: { id: string; health: { message: string }[] }[] }>(res);
  port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(items.find((p) => p.id === 'asterisk')!.health.map((h) => h.message).join(' '))![1]);
  engineToken = (await core.dialbook.credentials.createEngineToken('asterisk-test', systemActor)).secret;
});
afterAll(() => core?.close());

let seq = 0;
/** A seller's campaign (priority, 3 attempts, 20 s) with a DID, linked to clients A (priority 1) and B (priority 2), each with a concurrency cap of 1. */
async function campaign() {
  const n = ++seq;
  const seller = await core.createUser({ role: 'user' });
  const c = await json<{ id: string }>(await seller.request('/api/v1/routing/campaigns', { method: 'POST', json: { name: `Campaign ${n}`, strategy: 'priority', attempts: 3, ringTimeoutSeconds: 20 } }));
  const did = `+4930555${String(1000 + n)}`;
  expect((await seller.request('/api/v1/routing/dids', { method: 'POST', json: { number: did, campaignId: c.id } })).status).toBe(201);
  const clients: { id: string; linkId: string }[] = [];
  for (const [i, name] of ['A', 'B'].entries()) {
    const made = await core.request('/api/v1/routing/clients', { method: 'POST', json: { name: `Buyer ${name}${n}`, concurrencyCap: 1, sip: { host: `sip.${name.toLowerCase()}.example`, username: `u${name}`, password: `pw-${name}` } } });
    expect(made.status).toBe(201);
    const { id } = await json<{ id: string }>(made);
    const link = await core.request('/api/v1/routing/links', { method: 'POST', json: { campaignId: c.id, clientId: id, priority: i + 1, concurrencyCap: 1, minTalkSeconds: 30 } });
    expect(link.status).toBe(201);
    clients.push({ id, linkId: (await json<{ id: string }>(link)).id });
  }
  const [a, b] = clients as [(typeof clients)[0], (typeof clients)[0]];
  return { did, a, b, dialA: `PJSIP/${did}@dialbook-${a.id}`, dialB: `PJSIP/${did}@dialbook-${b.id}` };
}

let callSeq = 0;
async function call(did: string, outcomes: Record<string, DialOutcome>) {
  const callId = `1733300000.${++callSeq}`;
  const result = await fakeCall({ port, args: [did, '+4917612345678'], env: { uniqueid: callId }, dial: (t) => outcomes[t] ?? { status: 'NOANSWER' } });
  return { callId, ...result };
}

/** A fresh decision through the engine API: which links it offers and which it skips for what. */
async function decideNow(did: string) {
  const res = await core.app.request('/api/v1/routing/decide', { method: 'POST', headers: { authorization: `Bearer ${engineToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ did, caller: '+4917699999999', callId: `probe-${++callSeq}` }) });
  expect(res.status).toBe(200);
  return json<{ action: string; targets: { linkId: string }[]; skipped: { linkId: string; reason: string }[] }>(res);
}

/** The link's total counts per kind (routing_counter, period `total`), and its live slots. */
async function counts(linkId: string) {
  const conn = core.dialbook.orm.em.fork().getConnection();
  const rows = await conn.execute<{ kind: string; count: number | string }[]>("select kind, \"count\" from routing_counter where scope = 'link' and owner_id = ? and period = 'total'", [linkId]);
  const [slots] = await conn.execute<{ n: number | string }[]>('select count(*) as n from routing_slot where link_id = ?', [linkId]);
  return { ...Object.fromEntries(rows.map((r: { kind: string; count: number | string }) => [r.kind, Number(r.count)])), slots: Number(slots!.n) };
}

/** No slot left behind: a new decision offers both links, skipping neither for concurrency. */
async function expectNoLiveSlot(c: Awaited<ReturnType<typeof campaign>>) {
  const d = await decideNow(c.did);
  expect(d.action).toBe('route');
  expect(d.targets.map((t) => t.linkId)).toEqual([c.a.linkId, c.b.linkId]);
  expect(d.skipped).toEqual([]);
}

describe('routing through core', () => {
  test('answered on the first target: the dial string is the client trunk, the call counts routed, connected and converted on A', async () => {
    const c = await campaign();
    const r = await call(c.did, { [c.dialA]: { status: 'ANSWER', answeredSeconds: 45 } });
    expect(r.lines).toEqual([`SET VARIABLE CDR(accountcode) ${c.a.id}`, `EXEC Dial "${c.dialA},20,g"`, 'GET VARIABLE DIALSTATUS', 'GET VARIABLE ANSWEREDTIME', 'SET VARIABLE DIALBOOK_RESULT ANSWER']);
    await expect.poll(() => counts(c.a.linkId)).toEqual({ routed: 1, connected: 1, converted: 1, slots: 0 });
    expect(await counts(c.b.linkId)).toEqual({ slots: 0 });
    await expectNoLiveSlot(c);
  });

  test('busy, then answered on the second target: A counts routed only, B routed and connected (talk below the conversion)', async () => {
    const c = await campaign();
    const r = await call(c.did, { [c.dialA]: { status: 'BUSY' }, [c.dialB]: { status: 'ANSWER', answeredSeconds: 10 } });
    expect(r.dials.map((d) => d.target)).toEqual([c.dialA, c.dialB]);
    expect(r.variables.get('DIALBOOK_RESULT')).toBe('ANSWER');
    await expect.poll(() => counts(c.b.linkId)).toEqual({ routed: 1, connected: 1, slots: 0 });
    expect(await counts(c.a.linkId)).toEqual({ routed: 1, slots: 0 });
    await expectNoLiveSlot(c);
  });

  test('all no-answer: both targets rung, then the failover; both count routed, no slot left', async () => {
    const c = await campaign();
    const r = await call(c.did, {});
    expect(r.dials.map((d) => d.target)).toEqual([c.dialA, c.dialB]);
    expect(r.lines.slice(-2)).toEqual(['EXEC Playback "ss-noservice"', 'SET VARIABLE DIALBOOK_RESULT FAILOVER']);
    await expect.poll(() => counts(c.b.linkId)).toEqual({ routed: 1, slots: 0 });
    expect(await counts(c.a.linkId)).toEqual({ routed: 1, slots: 0 });
    await expectNoLiveSlot(c);
  });

  test('the caller hangs up mid-dial (HANGUP line, then 511): B is never rung, the slot is given back', async () => {
    const c = await campaign();
    const r = await call(c.did, { [c.dialA]: { status: 'CANCEL', callerHangsUp: true } });
    expect(r.hungUp).toBe(true);
    expect(r.dials.map((d) => d.target)).toEqual([c.dialA]);
    expect(r.variables.get('DIALBOOK_RESULT')).toBe('HANGUP');
    await expect.poll(() => counts(c.a.linkId)).toEqual({ routed: 1, slots: 0 });
    expect(await counts(c.b.linkId)).toEqual({ slots: 0 });
    await expectNoLiveSlot(c);
  });

  test('a target at its concurrency cap is not rung: the call goes to the next one', async () => {
    const c = await campaign();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // Call 1 talks on A (holding A's one slot) while call 2 arrives.
    const first = call(c.did, { [c.dialA]: { status: 'ANSWER', answeredSeconds: 60, hold: held } });
    await expect.poll(() => counts(c.a.linkId)).toMatchObject({ routed: 1, slots: 1 });
    const second = await call(c.did, { [c.dialA]: { status: 'ANSWER' }, [c.dialB]: { status: 'ANSWER', answeredSeconds: 31 } });
    release();
    await first;
    expect(second.dials.map((d) => d.target)).toEqual([c.dialB]);
    await expect.poll(() => counts(c.a.linkId)).toEqual({ routed: 1, connected: 1, converted: 1, slots: 0 });
    expect(await counts(c.b.linkId)).toEqual({ routed: 1, connected: 1, converted: 1, slots: 0 });
    await expectNoLiveSlot(c);
  });

  test('a DID without a campaign is rejected by routing: the call gets the failover', async () => {
    const r = await call('+4930999000111', {});
    expect(r.lines).toEqual(['EXEC Playback "ss-noservice"', 'SET VARIABLE DIALBOOK_RESULT FAILOVER']);
  });
});
