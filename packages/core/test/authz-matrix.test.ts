import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore, type TestUser } from '@dialbook/core/testing';
import { systemActor } from '@dialbook/core';
import { findPolicy } from '../src/app/modules.js';
import { RoutingCallLogToken, RoutingCampaignsToken, RoutingClientsToken, RoutingDidsToken, RoutingLinksToken } from '../src/routing/module.js';

/**
 * Every route of the API, for every role, against another site's data: nothing leaks
 * and nothing changes. The routes come from the OpenAPI document, so a new route is
 * covered (and must have an access policy) without touching this test.
 */
let core: TestCore;
let staff: TestUser;
let userA: TestUser;
const foreign: Record<string, string> = {};
type Route = { method: string; path: string };
let routes: Route[] = [];

/** Tables whose content must not change when a request is refused (sessions, tokens and the audit log may). */
const GUARDED = ['site', 'phonebook', 'phonebook_member', 'contact', 'contact_phone', 'history', 'notification', 'app_user', 'user_site', 'machine_credential'];

async function digest(): Promise<string> {
  const conn = core.dialbook.orm.em.fork().getConnection();
  const h = createHash('sha256');
  for (const table of GUARDED) {
    const rows = await conn.execute(`select * from ${table} order by 1, 2`);
    h.update(`${table}:${JSON.stringify(rows)}`);
  }
  return h.digest('hex');
}

beforeAll(async () => {
  core = await createTestCore();
  const siteB = await core.dialbook.sites.create({ name: 'Foreign site', slug: 'foreign', defaultCountry: 'DE' });
  foreign.site = siteB.id;
  const c = await core.dialbook.contacts.create({ siteId: siteB.id, firstName: 'Foreignperson', lastName: 'Secretname', phones: [{ number: '040 7777777' }] }, systemActor);
  foreign.contact = c.id;
  await core.dialbook.contacts.create({ siteId: siteB.id, firstName: 'Deletedforeign' }, systemActor).then((d) => core.dialbook.contacts.softDelete(d.id, systemActor)).then((d) => (foreign.deleted = d.id));
  const pb = await core.dialbook.phonebooks.create({ siteId: siteB.id, name: 'Foreign book', filter: {} });
  foreign.phonebook = pb.id;
  foreign.credential = (await core.dialbook.credentials.createForPhonebook(pb.id, 'lobby phone', systemActor)).credential.id;
  await core.dialbook.notifications.notify({ siteId: siteB.id, title: 'Foreign notice' });
  const userB = await core.createUser({ role: 'user', siteIds: [siteB.id] });
  foreign.user = userB.user.id;
  // Seller B (userB) owns a campaign with a DID and a link to a client: seller A (userA) must see none of it.
  const r = core.dialbook.container;
  const campaign = await r.resolve(RoutingCampaignsToken).create({ name: 'Foreign campaign', ownerId: userB.user.id, enabled: true, strategy: 'weighted', ringTimeoutSeconds: 30, attempts: 2, duplicateWindowHours: 0, duplicateAction: 'reject', blockAnonymous: false });
  foreign.campaign = campaign.id;
  foreign.did = (await r.resolve(RoutingDidsToken).create({ number: '+12125550142', label: 'Foreign DID', campaignId: campaign.id, ownerId: userB.user.id })).id;
  const client = await r.resolve(RoutingClientsToken).create({ name: 'Foreign buyer', timeZone: 'UTC', enabled: true, sip: { host: 'sip.foreign.example', port: 5060, transport: 'udp', username: 'foreignsip', password: 'Foreign-Sip-Secret', codecs: ['ulaw'], dialPrefix: '', numberFormat: 'e164' }, concurrencyCap: null, caps: { hour: null, day: null, month: null, total: null, countBy: 'routed' }, hours: null });
  foreign.client = client.id;
  foreign.link = (await r.resolve(RoutingLinksToken).create({ campaignId: campaign.id, clientId: client.id, priority: 1, weight: 1, concurrencyCap: null, caps: { hour: null, day: null, month: null, total: null, countBy: 'routed' }, hours: null, minTalkSeconds: 60, enabled: true })).id;
  // One routed call of seller B in the call log and the reports (issue 15 item 8, 9).
  await r.resolve(RoutingCallLogToken).logCall({ callId: 'foreign-call-1', did: '+12125550142', caller: '+14155550142', clientId: client.id, status: 'completed', talkSeconds: 90, startedAt: '2026-03-09T10:00:00Z', endedAt: '2026-03-09T10:02:00Z' });
  staff = await core.createUser({ role: 'staff' });
  userA = await core.createUser({ role: 'user', siteIds: [core.site.id] });
  foreign.token = (await core.dialbook.accounts.listApiTokens(core.admin.user.id))[0]!.id;
  await core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'Ownperson', phones: [{ number: '030 1111111' }] }, systemActor);

  const doc = (await (await core.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
  routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })));
});
afterAll(() => core?.close());

function concrete(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (name === 'contactId') return foreign.contact!;
    if (name === 'actionId') return 'nope.action';
    if (name === 'category') return 'email';
    if (path.startsWith('/contacts')) return foreign.contact!;
    if (path.startsWith('/phonebooks')) return foreign.phonebook!;
    if (path.startsWith('/sites')) return foreign.site!;
    if (path.startsWith('/users')) return foreign.user!;
    if (path.startsWith('/credentials')) return foreign.credential!;
    if (path.startsWith('/auth/tokens')) return foreign.token!;
    if (path.startsWith('/mail/templates')) return 'signup';
    if (path.startsWith('/routing/campaigns')) return foreign.campaign!;
    if (path.startsWith('/routing/dids')) return foreign.did!;
    if (path.startsWith('/routing/links')) return foreign.link!;
    if (path.startsWith('/routing/clients')) return foreign.client!;
    return foreign.contact!;
  });
}

/** A body that names the foreign site's things wherever a field could take them. */
const hostileBody = () => ({
  siteId: foreign.site,
  siteIds: [foreign.site],
  contactIds: [foreign.contact],
  phonebookId: foreign.phonebook,
  name: 'Hostile',
  firstName: 'Hostile',
  email: 'hostile@test.invalid',
  role: 'admin',
  service: 'yealink',
  to: 'hostile@test.invalid',
  password: 'wrong-password-123',
  token: 'not-a-real-token-0000',
  filter: {},
});

async function send(who: TestUser | null, method: string, path: string): Promise<Response> {
  const query = method === 'GET' ? `?siteId=${foreign.site}&number=${encodeURIComponent('+49 40 7777777')}` : '';
  const init = { method, ...(method === 'GET' || method === 'DELETE' ? {} : { json: hostileBody() }) };
  return who ? who.request(`/api/v1${concrete(path)}${query}`, init) : core.request(`/api/v1${concrete(path)}${query}`, { ...init, anonymous: true });
}

/** The body without `instance` (the requester's own path, echoed back in problems). */
async function bodyText(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    delete j.instance;
    return JSON.stringify(j);
  } catch {
    return text;
  }
}

/** Names of the foreign site's things must never show; its ids only in an error echoing what was asked for. */
const NAMES = ['Foreignperson', 'Secretname', 'Foreign book', 'Foreign notice', 'Deletedforeign', 'Foreign site', 'lobby phone', 'Foreign campaign', 'Foreign DID', '2125550142', 'Foreign buyer', 'sip.foreign', 'foreignsip', 'Foreign-Sip-Secret'];
const LEAKS = (status = 200) => (status < 300 ? [foreign.site!, foreign.contact!, foreign.phonebook!, foreign.credential!, foreign.deleted!, foreign.campaign!, foreign.did!, foreign.link!, foreign.client!, ...NAMES] : NAMES);

/** The routing tables, which a seller's refused request must leave as they were. */
async function routingDigest(): Promise<string> {
  const conn = core.dialbook.orm.em.fork().getConnection();
  const h = createHash('sha256');
  for (const table of ['routing_client', 'routing_campaign', 'routing_did', 'routing_link', 'routing_call', 'routing_slot', 'routing_counter']) h.update(`${table}:${JSON.stringify(await conn.execute(`select * from ${table} order by 1, 2`))}`);
  return h.digest('hex');
}

describe('authorization matrix', () => {
  test('every documented route has an access policy', () => {
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.filter((r) => !findPolicy(r.method, r.path.replace(/\{(\w+)\}/g, 'x')));
    expect(missing).toEqual([]);
  });

  test('anonymous: every non-public route is 401, nothing changes', async () => {
    const before = await digest();
    for (const r of routes) {
      const policy = findPolicy(r.method, r.path.replace(/\{(\w+)\}/g, 'x'))!;
      const res = await send(null, r.method, r.path);
      if (policy.access !== 'public') expect(res.status, `${r.method} ${r.path}`).toBe(401);
      else expect([202, 401, 410, 422], `${r.method} ${r.path}`).toContain(res.status);
      expect(await bodyText(res), `${r.method} ${r.path}`).not.toMatch(new RegExp(LEAKS(res.status).join('|')));
    }
    expect(await digest()).toBe(before);
  });

  test("a user of site A: other sites' data is 403/404/422 or absent from lists, and nothing changes", async () => {
    const before = await digest();
    const outcomes: string[] = [];
    for (const r of routes) {
      const policy = findPolicy(r.method, r.path.replace(/\{(\w+)\}/g, 'x'))!;
      const res = await send(userA, r.method, r.path);
      const text = await bodyText(res);
      const label = `${r.method} ${r.path} → ${res.status}`;
      outcomes.push(label);
      if (policy.access === 'staff' || policy.access === 'admin') expect(res.status, label).toBe(403);
      else expect([200, 201, 202, 204, 401, 403, 404, 410, 422], label).toContain(res.status);
      // Writes of the user's own things: their tokens, notifications, and (a user being a seller) their own campaign.
      if (res.status < 300 && r.method !== 'GET' && policy.access !== 'public' && !['/auth/tokens', '/auth/signout', '/notifications/mark-all-read', '/notifications', '/routing/campaigns'].includes(r.path)) {
        throw new Error(`${label}: a write by a user of another site succeeded`);
      }
      expect(text, label).not.toMatch(new RegExp(LEAKS(res.status).join('|')));
    }
    expect(await digest()).toBe(before);
    // Lists work, limited to the user's site.
    const own = (await (await userA.request('/api/v1/contacts')).json()) as { items: { displayName: string }[] };
    expect(own.items.map((c) => c.displayName)).toEqual(['Ownperson']);
    const unread = (await (await userA.request('/api/v1/notifications/unread-count')).json()) as { unread: number };
    expect(unread.unread).toBe(0);
    expect((await (await core.request('/api/v1/notifications/unread-count')).json()) as { unread: number }).toEqual({ unread: 1 });
  });

  test('staff: administrator-only routes are 403 and nothing changes; roles stay with administrators', async () => {
    const before = await digest();
    for (const r of routes) {
      const policy = findPolicy(r.method, r.path.replace(/\{(\w+)\}/g, 'x'))!;
      if (policy.access !== 'admin') continue;
      const res = await send(staff, r.method, r.path);
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
    }
    const promote = await staff.request(`/api/v1/users/${foreign.user}`, { method: 'PATCH', json: { role: 'admin' } });
    expect(promote.status).toBe(403);
    const makeAdmin = await staff.request('/api/v1/users', { method: 'POST', json: { email: 'boss@test.invalid', role: 'admin' } });
    expect(makeAdmin.status).toBe(403);
    const editAdmin = await staff.request(`/api/v1/users/${core.admin.user.id}`, { method: 'PATCH', json: { firstName: 'Pwned' } });
    expect(editAdmin.status).toBe(403);
    expect(await digest()).toBe(before);
  });

  test("sellers: seller A gets 404 on every one of seller B's routing ids, 403 on client administration, and nothing changes", async () => {
    const before = await routingDigest();
    const routing = routes.filter((r) => r.path.startsWith('/routing/') && !r.path.startsWith('/routing/calls/') && r.path !== '/routing/decide');
    expect(routing.length).toBeGreaterThan(15);
    for (const r of routing) {
      const policy = findPolicy(r.method, r.path.replace(/\{(\w+)\}/g, 'x'))!;
      const init = { method: r.method, ...(r.method === 'POST' || r.method === 'PATCH' ? { json: { name: 'Hostile', label: 'Hostile', weight: 1, campaignId: foreign.campaign, clientId: foreign.client } } : {}) };
      const res = await userA.request(`/api/v1${concrete(r.path)}`, init);
      const label = `${r.method} ${r.path} → ${res.status}`;
      if (r.method === 'POST' && r.path === '/routing/campaigns') {
        // A seller's own new campaign: theirs, whatever the body says; removed again so the digest holds.
        const own = (await res.clone().json()) as { id: string; ownerId: string };
        expect([res.status, own.ownerId], label).toEqual([201, userA.user.id]);
        expect((await userA.request(`/api/v1/routing/campaigns/${own.id}`, { method: 'DELETE' })).status).toBe(204);
      } else if (r.path.startsWith('/routing/clients') || policy.access === 'staff') expect(res.status, label).toBe(403);
      else if (r.path.includes('{id}')) expect(res.status, label).toBe(404);
      else if (r.path.startsWith('/routing/reports/')) {
        // Seller A's own reports: none of B's calls (B's ids in the filters: routing-reports.test.ts).
        expect(res.status, label).toBe(200);
        const text = await res.clone().text();
        expect(text, label).not.toContain('foreign-call-1');
        if (r.path === '/routing/reports/summary') expect((JSON.parse(text) as { totals: { calls: number } }).totals.calls, label).toBe(0);
      } else if (r.method === 'GET') expect(((await res.clone().json()) as { items: { ownerId: string }[] }).items.filter((i) => i.ownerId !== userA.user.id), label).toEqual([]);
      expect(await bodyText(res), label).not.toMatch(new RegExp(LEAKS(res.status).join('|')));
    }
    // Naming B's campaign in a body reads as unknown (422 on the field), and adds nothing.
    const did = await userA.request('/api/v1/routing/dids', { method: 'POST', json: { number: '+12125550143', campaignId: foreign.campaign } });
    expect([did.status, ((await did.json()) as { field: string }).field]).toEqual([422, 'campaignId']);
    const bulk = await userA.request('/api/v1/routing/dids/bulk', { method: 'POST', json: { text: '+12125550144', campaignId: foreign.campaign } });
    expect([bulk.status, ((await bulk.json()) as { field: string }).field]).toEqual([422, 'campaignId']);
    expect(await routingDigest()).toBe(before);
  });

  test('a user of site A works normally within site A', async () => {
    const created = await userA.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'Made', lastName: 'ByUser' } });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    expect((await userA.request(`/api/v1/contacts/${id}`, { method: 'PATCH', json: { title: 'Agent' } })).status).toBe(200);
    const history = (await (await userA.request(`/api/v1/contacts/${id}/history`)).json()) as { items: { actorName: string }[] };
    expect(history.items[0]!.actorName).toBe(userA.user.email);
    expect((await userA.request('/api/v1/sites')).status).toBe(200);
    expect(((await (await userA.request('/api/v1/sites')).json()) as { items: { id: string }[] }).items.map((s) => s.id)).toEqual([core.site.id]);
  });
});
