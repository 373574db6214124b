import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore, type TestUser } from '@dialbook/core/testing';
import { systemActor } from '@dialbook/core';

/**
 * Seller reporting (issue 15 item 9): `GET /routing/reports/calls` (filters, keyset pages),
 * `/summary` (per campaign and client) and `/calls/export` (CSV). Calls come in as engines' CDRs
 * (`POST /api/internal/log_call`). Seller A never sees seller B's calls: B's ids in a filter are 404.
 */
let core: TestCore;
let sellerA: TestUser;
let sellerB: TestUser;
let token: string;
const ids: Record<string, string> = {};
const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
type Page = { items: { callId: string; sellerId: string; campaignId: string; clientId: string | null; outcome: string; talkSeconds: number | null; converted: boolean; didId: string | null }[]; next: string | null };

async function cdr(did: string, clientId: string, startedAt: string, status: string, talkSeconds: number) {
  const end = new Date(Date.parse(startedAt) + (talkSeconds + 10) * 1000).toISOString();
  const res = await core.app.request('/api/internal/log_call', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ callId: randomUUID(), did, caller: '+14155550100', clientId, status, talkSeconds, startedAt, endedAt: end }) });
  expect(res.status, await res.clone().text()).toBe(200);
}

beforeAll(async () => {
  core = await createTestCore({ config: { defaultCountry: 'US' } });
  token = (await core.dialbook.credentials.createEngineToken('asterisk-1', systemActor)).secret;
  sellerA = await core.createUser({ role: 'user' });
  sellerB = await core.createUser({ role: 'user' });
  const campaign = async (s: TestUser, name: string) => (await json<{ id: string }>(await s.request('/api/v1/routing/campaigns', { method: 'POST', json: { name } }))).id;
  const did = async (s: TestUser, number: string, campaignId: string) => (await json<{ id: string }>(await s.request('/api/v1/routing/dids', { method: 'POST', json: { number, campaignId } }))).id;
  const client = async (name: string) => (await json<{ id: string }>(await core.request('/api/v1/routing/clients', { method: 'POST', json: { name, sip: { host: 'sip.example' } } }))).id;
  const link = async (campaignId: string, clientId: string) => expect((await core.request('/api/v1/routing/links', { method: 'POST', json: { campaignId, clientId, minTalkSeconds: 60 } })).status).toBe(201);
  ids.campA = await campaign(sellerA, 'A solar');
  ids.campA2 = await campaign(sellerA, 'A roofing');
  ids.campB = await campaign(sellerB, 'B insurance');
  ids.didA = await did(sellerA, '+12125550101', ids.campA);
  ids.didA2 = await did(sellerA, '+12125550102', ids.campA2);
  ids.didB = await did(sellerB, '+12125550201', ids.campB);
  ids.x = await client('Client X');
  ids.y = await client('Client Y');
  ids.z = await client('Client Z');
  await link(ids.campA, ids.x);
  await link(ids.campA, ids.y);
  await link(ids.campA2, ids.x);
  await link(ids.campB, ids.z);
  // Seller A: campaign A on 9 March (X: converted 120 s, connected 30 s, no answer; Y: converted 90 s), campaign A2 on 10 March (X: busy).
  await cdr('+12125550101', ids.x, '2026-03-09T10:00:00Z', 'completed', 120);
  await cdr('+12125550101', ids.x, '2026-03-09T11:00:00Z', 'completed', 30);
  await cdr('+12125550101', ids.x, '2026-03-09T12:00:00Z', 'no_answer', 0);
  await cdr('+12125550101', ids.y, '2026-03-09T13:00:00Z', 'completed', 90);
  await cdr('+12125550102', ids.x, '2026-03-10T09:00:00Z', 'busy', 0);
  // Seller B.
  await cdr('+12125550201', ids.z, '2026-03-09T10:30:00Z', 'completed', 300);
  await cdr('+12125550201', ids.z, '2026-03-09T10:45:00Z', 'completed', 200);
});
afterAll(() => core?.close());

const page = async (who: TestUser | TestCore, query: string) => {
  const res = await who.request(`/api/v1/routing/reports/calls?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<Page>(res);
};

describe('GET /routing/reports/calls', () => {
  test("a seller sees only their own calls, newest first; admin sees all or one seller's", async () => {
    const own = await page(sellerA, 'limit=100');
    expect(own.items).toHaveLength(5);
    expect(new Set(own.items.map((i) => i.sellerId))).toEqual(new Set([sellerA.user.id]));
    expect(own.items[0]).toMatchObject({ campaignId: ids.campA2, outcome: 'busy', didId: ids.didA2 });
    expect((await page(core, 'limit=100')).items.length).toBeGreaterThanOrEqual(7);
    const b = await page(core, `sellerId=${sellerB.user.id}`);
    expect(b.items.map((i) => i.campaignId)).toEqual([ids.campB, ids.campB]);
  });

  test('filters: date range (start inclusive, end exclusive), campaign, DID, client, outcome', async () => {
    expect((await page(sellerA, 'start=2026-03-09T11:00:00Z&end=2026-03-09T13:00:00%2B00:00')).items).toHaveLength(2);
    expect((await page(sellerA, 'start=2026-03-10T00:00:00%2B01:00')).items).toHaveLength(1);
    expect((await page(sellerA, `campaignId=${ids.campA}`)).items).toHaveLength(4);
    expect((await page(sellerA, `didId=${ids.didA2}`)).items).toHaveLength(1);
    expect((await page(sellerA, `clientId=${ids.y}`)).items).toHaveLength(1);
    const converted = await page(sellerA, 'outcome=converted');
    expect(converted.items.map((i) => i.talkSeconds).sort()).toEqual([120, 90].sort());
    expect(converted.items.every((i) => i.converted)).toBe(true);
    expect((await page(sellerA, 'outcome=connected')).items).toHaveLength(1);
    expect((await page(sellerA, 'outcome=pending')).items).toHaveLength(0);
  });

  test('keyset pages cover every call once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const p: Page = await page(sellerA, `limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(p.items.length).toBeLessThanOrEqual(2);
      seen.push(...p.items.map((i) => i.callId));
      cursor = p.next;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  test("seller isolation: another seller's ids in a filter are 404, for every report", async () => {
    for (const path of ['/calls', '/summary', '/calls/export']) {
      for (const q of [`campaignId=${ids.campB}`, `didId=${ids.didB}`, `clientId=${ids.z}`, `sellerId=${sellerB.user.id}`]) {
        const res = await sellerA.request(`/api/v1/routing/reports${path}?${q}`);
        expect(res.status, `${path}?${q}`).toBe(404);
        expect(await res.text()).not.toContain('B insurance');
      }
    }
    // B sees none of A's either.
    expect((await sellerB.request(`/api/v1/routing/reports/calls?campaignId=${ids.campA}`)).status).toBe(404);
    expect((await page(sellerB, 'limit=100')).items).toHaveLength(2);
  });

  test('bad filters are 422 with the field', async () => {
    for (const [q, field] of [['start=2026-03-09T10:00:00', 'start'], ['outcome=great', 'outcome'], ['limit=0', 'limit'], ['cursor=nope', 'cursor'], ['campaignId=1', 'campaignId']]) {
      const res = await sellerA.request(`/api/v1/routing/reports/calls?${q}`);
      expect(res.status, q).toBe(422);
      expect((await json<{ field?: string }>(res)).field, q).toContain(field);
    }
  });
});

describe('GET /routing/reports/summary', () => {
  test('per campaign and per client: calls, connected, connect rate, converted, average talk time', async () => {
    const res = await sellerA.request('/api/v1/routing/reports/summary?start=2026-03-01T00:00:00Z&end=2026-04-01T00:00:00Z');
    expect(res.status).toBe(200);
    const s = await json<{ totals: Record<string, number>; campaigns: Record<string, unknown>[]; clients: Record<string, unknown>[] }>(res);
    expect(s.totals).toEqual({ calls: 5, connected: 3, connectRate: 0.6, converted: 2, averageTalkSeconds: 80 });
    expect(s.campaigns).toEqual([
      { campaignId: ids.campA, name: 'A solar', calls: 4, connected: 3, connectRate: 0.75, converted: 2, averageTalkSeconds: 80 },
      { campaignId: ids.campA2, name: 'A roofing', calls: 1, connected: 0, connectRate: 0, converted: 0, averageTalkSeconds: 0 },
    ]);
    expect(s.clients).toEqual([
      { clientId: ids.x, name: 'Client X', calls: 4, connected: 2, connectRate: 0.5, converted: 1, averageTalkSeconds: 75 },
      { clientId: ids.y, name: 'Client Y', calls: 1, connected: 1, connectRate: 1, converted: 1, averageTalkSeconds: 90 },
    ]);
  });
});

describe('GET /routing/reports/calls/export', () => {
  test("CSV with a BOM and a header, the seller's own calls only", async () => {
    const res = await sellerA.request(`/api/v1/routing/reports/calls/export?campaignId=${ids.campA}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="routed-calls-/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trim().split('\r\n');
    expect(lines[0]).toBe('call id,started,answered,ended,seller id,campaign,DID,caller,client,outcome,status,talk seconds,converted');
    expect(lines).toHaveLength(5);
    expect(lines.slice(1).every((l) => l.includes(',A solar,+12125550101,+14155550100,'))).toBe(true);
    expect(lines.join('\n')).not.toContain('B insurance');
  });
});
