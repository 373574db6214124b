import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, testDatabaseKind, type TestCore } from '@dialbook/core/testing';
import { createApp, createDialbook, loadConfig, systemActor, type Dialbook } from '@dialbook/core';
import { RoutingEngineToken } from '../src/routing/module.js';
import { periodKeys } from '../src/routing/periods.js';

/**
 * The routing load invariant (issue 15), small enough for CI: many simulated calls at once —
 * decide → attempt each target in turn → answered → ended, some crashing without `ended` — on
 * SQLite with one instance, and on PostgreSQL split over two instances on one database. Asserts no
 * link ever held more calls than its concurrency cap (a sampler reads `routing_slot` while the
 * load runs, and the callers' own view is checked too), no daily cap was exceeded, the live slots
 * after the load are exactly the crashed calls', and none is left once their lease ran out (time is
 * the engines' clock, driven by the test: no sleeps). `bench/routing.bench.ts` is the full-size run.
 */
let core: TestCore;
let other: Dialbook | null = null;
let apps: { request: (p: string, i: RequestInit) => Response | Promise<Response> }[];
let token: string;
let now = new Date('2026-03-09T15:00:00Z');
const onPostgres = testDatabaseKind() === 'postgresql';
const LEASE_MS = 60_000;

beforeAll(async () => {
  core = await createTestCore({ config: { defaultCountry: 'DE' } });
  apps = [core.app];
  if (onPostgres) {
    other = await createDialbook(await loadConfig({ env: {}, config: { logLevel: 'silent', defaultCountry: 'DE', database: { url: core.dialbook.config.database.url! } } }), { migrate: true });
    await other.start();
    apps.push(createApp(other));
  }
  for (const d of [core.dialbook, ...(other ? [other] : [])]) {
    const engine = d.container.resolve(RoutingEngineToken);
    engine.clock = () => now;
    engine.leaseMs = LEASE_MS;
  }
  token = (await core.dialbook.credentials.createEngineToken('load', systemActor)).secret;
});
afterAll(async () => {
  await other?.stop();
  await core?.close();
});

const post = async (app: (typeof apps)[number], path: string, body: unknown) => {
  const res = await app.request(`/api/v1/routing${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const sql = <T>(query: string, params: unknown[] = []) => core.dialbook.orm.em.fork().getConnection().execute<T[]>(query, params);

interface LinkSpec { linkId: string; clientId: string; cap: number; dayCap: number }

async function seed(campaigns: number): Promise<{ dids: string[]; links: LinkSpec[] }> {
  const seller = await core.createUser({ role: 'user' });
  const dids: string[] = [];
  const links: LinkSpec[] = [];
  for (let i = 0; i < campaigns; i++) {
    const c = (await (await seller.request('/api/v1/routing/campaigns', { method: 'POST', json: { name: `Load ${i}`, strategy: (['priority', 'round_robin', 'weighted'] as const)[i % 3], attempts: 3 } })).json()) as { id: string };
    const did = `+4930666${1000 + i}`;
    expect((await seller.request('/api/v1/routing/dids', { method: 'POST', json: { number: did, campaignId: c.id } })).status).toBe(201);
    dids.push(did);
    for (let j = 0; j < 3; j++) {
      const client = (await (await core.request('/api/v1/routing/clients', { method: 'POST', json: { name: `Load buyer ${i}-${j}`, timeZone: j % 2 ? 'Europe/Berlin' : 'UTC', sip: { host: 'sip.example' } } })).json()) as { id: string };
      const cap = 5 + ((i * 3 + j) % 4) * 5; // 5, 10, 15, 20
      const dayCap = 40 + 20 * j; // low enough that some links reach it within the run
      const made = await core.request('/api/v1/routing/links', { method: 'POST', json: { campaignId: c.id, clientId: client.id, priority: j + 1, weight: j + 1, concurrencyCap: cap, caps: { day: dayCap } } });
      expect(made.status, await made.clone().text()).toBe(201);
      links.push({ linkId: ((await made.json()) as { id: string }).id, clientId: client.id, cap, dayCap });
    }
  }
  return { dids, links };
}

/** A deterministic pseudo-random stream (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(`routing under load (${onPostgres ? 'two instances on one PostgreSQL database' : 'one instance on SQLite'})`, () => {
  test('concurrency and daily caps hold, and every slot comes back', { timeout: 60_000 }, async () => {
    const { dids, links } = await seed(3);
    const byLink = new Map(links.map((l) => [l.linkId, l]));
    const CALLERS = onPostgres ? 80 : 60;
    const CALLS_EACH = 6;
    const holding = new Map<string, number>(); // the callers' own view: slots they know they hold
    const seenByCallers = new Map<string, number>();
    const taken = new Map<string, number>();
    let crashed = 0;
    let decisions = 0;

    // The sampler: live slots per link from the database while the load runs.
    const seenInDb = new Map<string, number>();
    let running = true;
    let samples = 0;
    const sampler = (async () => {
      while (running) {
        for (const r of await sql<{ link_id: string; n: number | string }>('select link_id, count(*) as n from routing_slot where lease_until > ? group by link_id', [now.getTime()])) {
          seenInDb.set(r.link_id, Math.max(seenInDb.get(r.link_id) ?? 0, Number(r.n)));
        }
        samples++;
        await new Promise((r) => setImmediate(r));
      }
    })();

    await Promise.all(
      Array.from({ length: CALLERS }, async (_, w) => {
        const rnd = random(w + 1);
        const app = apps[w % apps.length]!;
        for (let k = 0; k < CALLS_EACH; k++) {
          const callId = randomUUID();
          const d = await post(app, '/decide', { did: dids[Math.floor(rnd() * dids.length)]!, caller: `+49151${String(Math.floor(rnd() * 1e7)).padStart(7, '0')}`, callId });
          expect(d.status).toBe(200);
          decisions++;
          for (const t of (d.body.targets ?? []) as { linkId: string; clientId: string }[]) {
            const a = await post(app, `/calls/${callId}/attempt`, { clientId: t.clientId });
            if (a.status === 409) {
              expect(a.body.code).toBe('DIALBOOK_ROUTING_CAPPED');
              continue;
            }
            expect(a.status, JSON.stringify(a.body)).toBe(200);
            const n = (holding.get(t.linkId) ?? 0) + 1;
            holding.set(t.linkId, n);
            seenByCallers.set(t.linkId, Math.max(seenByCallers.get(t.linkId) ?? 0, n));
            taken.set(t.linkId, (taken.get(t.linkId) ?? 0) + 1);
            if (rnd() < 0.8) expect((await post(app, `/calls/${callId}/answered`, {})).status).toBe(200);
            if (rnd() < 0.05) {
              crashed++; // the engine died: no `ended`; the slot stays until its lease runs out
              break;
            }
            holding.set(t.linkId, holding.get(t.linkId)! - 1);
            expect((await post(app, `/calls/${callId}/ended`, { status: 'completed', talkSeconds: Math.floor(rnd() * 300) })).status).toBe(200);
            break;
          }
        }
      }),
    );
    running = false;
    await sampler;

    expect(decisions).toBe(CALLERS * CALLS_EACH);
    expect(samples).toBeGreaterThan(1);
    expect([...taken.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(100); // the load did route calls
    const day = periodKeys(now, 'UTC').day;
    for (const l of links) {
      expect(seenInDb.get(l.linkId) ?? 0, `link cap ${l.cap} (database)`).toBeLessThanOrEqual(l.cap);
      expect(seenByCallers.get(l.linkId) ?? 0, `link cap ${l.cap} (callers)`).toBeLessThanOrEqual(l.cap);
      expect(taken.get(l.linkId) ?? 0, `link day cap ${l.dayCap}`).toBeLessThanOrEqual(l.dayCap);
      // Berlin is an hour ahead at 15:00 UTC: the same date.
      const [row] = await sql<{ count: number | string }>("select \"count\" from routing_counter where scope = 'link' and owner_id = ? and kind = 'routed' and period = ?", [l.linkId, day]);
      expect(Number(row?.count ?? 0)).toBe(taken.get(l.linkId) ?? 0);
    }
    // Some link reached its daily cap: the cap path ran under load, not only the happy path.
    expect(links.some((l) => (taken.get(l.linkId) ?? 0) === l.dayCap)).toBe(true);
    expect(byLink.size).toBe(links.length);

    const live = async () => Number((await sql<{ n: number | string }>('select count(*) as n from routing_slot where lease_until > ?', [now.getTime()]))[0]!.n);
    expect(await live()).toBe(crashed);
    now = new Date(now.getTime() + LEASE_MS + 1000);
    expect(await live()).toBe(0);
  });
});
