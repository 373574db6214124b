import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore, type TestUser } from '@dialbook/core/testing';

/**
 * The routing area's administration over HTTP (issue 15): clients (admin/staff only, the SIP
 * password encrypted and never returned), sellers' DIDs (E.164, unique system-wide, bulk with
 * per-line errors) and campaigns, and links; a seller sees only their own (404 on another's ids).
 * On SQLite and PostgreSQL.
 */
let core: TestCore;
let staff: TestUser;
let sellerA: TestUser;
let sellerB: TestUser;
const SIP_PASSWORD = 'Sip-Pa55word-Very-Secret';

beforeAll(async () => {
  core = await createTestCore({ config: { defaultCountry: 'DE' } });
  staff = await core.createUser({ role: 'staff' });
  sellerA = await core.createUser({ role: 'user' });
  sellerB = await core.createUser({ role: 'user' });
});
afterAll(() => core?.close());

const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
type Who = { request: TestCore['request'] };
const call = async (who: Who, method: string, path: string, body?: unknown) => who.request(`/api/v1/routing${path}`, { method, ...(body === undefined ? {} : { json: body }) });
const ok = async <T = Record<string, unknown>>(res: Response, status = 200) => {
  expect(res.status, await res.clone().text()).toBe(status);
  return json<T>(res);
};
const sip = { host: 'sip.buyer.example', port: 5061, transport: 'tls', username: 'dialbook', password: SIP_PASSWORD, codecs: ['ulaw', 'opus'], dialPrefix: '9', numberFormat: 'e164' };

describe('clients', () => {
  test('staff add a client: the SIP password is stored encrypted and answered only as hasPassword', async () => {
    const created = await ok<{ id: string; sip: Record<string, unknown> }>(await call(staff, 'POST', '/clients', { name: 'Buyer One', timeZone: 'america/new_york', sip, caps: { day: 100 } }), 201);
    expect(created).toMatchObject({ name: 'Buyer One', timeZone: 'America/New_York', enabled: true, concurrencyCap: null, caps: { hour: null, day: 100, month: null, total: null, countBy: 'routed' }, hours: null });
    expect(created.sip).toEqual({ host: 'sip.buyer.example', port: 5061, transport: 'tls', username: 'dialbook', codecs: ['ulaw', 'opus'], dialPrefix: '9', numberFormat: 'e164', hasPassword: true });
    for (const res of [await call(core, 'GET', `/clients/${created.id}`), await call(core, 'GET', '/clients')]) expect(await res.text()).not.toContain(SIP_PASSWORD);
    const [row] = await core.dialbook.orm.em.fork().getConnection().execute<{ sip_password: string; sip: unknown }[]>('select sip_password, sip from routing_client where id = ?', [created.id]);
    expect(row!.sip_password).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(SIP_PASSWORD);
    // Edits: the password stays unless named; null removes it.
    expect((await ok<{ sip: { hasPassword: boolean; port: number } }>(await call(staff, 'PATCH', `/clients/${created.id}`, { sip: { port: 5062 } }))).sip).toMatchObject({ port: 5062, hasPassword: true });
    expect((await ok<{ sip: { hasPassword: boolean } }>(await call(staff, 'PATCH', `/clients/${created.id}`, { sip: { password: null } }))).sip.hasPassword).toBe(false);
    const audit = await core.dialbook.orm.em.fork().getConnection().execute('select * from audit_event');
    expect(JSON.stringify(audit)).not.toContain(SIP_PASSWORD);
  });

  test('bad input is 422 naming the field, and adds nothing', async () => {
    const before = (await ok<{ items: unknown[] }>(await call(staff, 'GET', '/clients'))).items.length;
    const cases: [unknown, string][] = [
      [{ name: 'X', sip: { ...sip, transport: 'sctp' } }, 'sip.transport'],
      [{ name: 'X', sip: { ...sip, port: 70000 } }, 'sip.port'],
      [{ name: 'X', timeZone: 'Mars/Olympus', sip }, 'timeZone'],
      [{ name: 'X', sip, hours: { weekly: [{ day: 8, from: '09:00', to: '17:00' }] } }, 'hours.weekly.0.day'],
      [{ name: 'X', sip, hours: { weekly: [{ day: 1, from: '17:00', to: '09:00' }] } }, 'hours.weekly.0.to'],
      [{ name: 'X', sip, caps: { day: -1 } }, 'caps.day'],
      [{ name: '', sip }, 'name'],
    ];
    for (const [body, field] of cases) {
      const res = await call(staff, 'POST', '/clients', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect((await json(res)).field, JSON.stringify(body)).toBe(field);
    }
    expect((await ok<{ items: unknown[] }>(await call(staff, 'GET', '/clients'))).items).toHaveLength(before);
  });

  test('sellers get 403 on client administration', async () => {
    const id = (await ok<{ id: string }>(await call(staff, 'POST', '/clients', { name: 'Buyer Two', sip }), 201)).id;
    for (const [method, path] of [['GET', '/clients'], ['POST', '/clients'], ['GET', `/clients/${id}`], ['PATCH', `/clients/${id}`], ['DELETE', `/clients/${id}`]] as const) {
      const res = await call(sellerA, method, path, method === 'POST' || method === 'PATCH' ? { name: 'Hostile', sip } : undefined);
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect((await ok<{ name: string }>(await call(staff, 'GET', `/clients/${id}`))).name).toBe('Buyer Two');
  });
});

describe('DIDs and campaigns of sellers', () => {
  test('a seller adds DIDs in E.164 and campaigns of their own; another seller sees none of them (404)', async () => {
    const campaign = await ok<{ id: string; ownerId: string }>(await call(sellerA, 'POST', '/campaigns', { name: 'Solar A', strategy: 'weighted' }), 201);
    expect(campaign).toMatchObject({ ownerId: sellerA.user.id, strategy: 'weighted', ringTimeoutSeconds: 30, attempts: 3, duplicateWindowHours: 0, duplicateAction: 'same_client', blockAnonymous: false, enabled: true });
    const did = await ok<{ id: string; number: string }>(await call(sellerA, 'POST', '/dids', { number: '(212) 555-0101', country: 'US', campaignId: campaign.id }), 201);
    expect(did).toMatchObject({ number: '+12125550101', ownerId: sellerA.user.id, campaignId: campaign.id });
    expect((await ok<{ number: string }>(await call(sellerA, 'POST', '/dids', { number: '030 1234567' }), 201)).number).toBe('+49301234567'); // read with the configured default country (DE)

    for (const path of [`/campaigns/${campaign.id}`, `/dids/${did.id}`, `/campaigns/${campaign.id}/links`]) {
      expect((await call(sellerB, 'GET', path)).status, path).toBe(404);
      expect((await call(sellerB, 'DELETE', path)).status, path).toBe(404);
    }
    expect((await call(sellerB, 'PATCH', `/campaigns/${campaign.id}`, { name: 'Taken' })).status).toBe(404);
    expect((await call(sellerB, 'PATCH', `/dids/${did.id}`, { label: 'Taken' })).status).toBe(404);
    expect((await ok<{ items: unknown[] }>(await call(sellerB, 'GET', '/campaigns'))).items).toEqual([]);
    expect((await ok<{ items: unknown[] }>(await call(sellerB, 'GET', '/dids'))).items).toEqual([]);
    // B cannot put a DID into A's campaign, nor create for A.
    const intoForeign = await call(sellerB, 'POST', '/dids', { number: '+12125550199', campaignId: campaign.id });
    expect(intoForeign.status).toBe(422);
    expect((await json(intoForeign)).field).toBe('campaignId');
    const forA = await call(sellerB, 'POST', '/campaigns', { name: 'For A', ownerId: sellerA.user.id });
    expect(forA.status).toBe(422);
    expect((await json(forA)).field).toBe('ownerId');
    // Staff see and manage every seller's.
    expect((await ok<{ items: { id: string }[] }>(await call(staff, 'GET', '/campaigns'))).items.map((c) => c.id)).toContain(campaign.id);
    expect((await ok<{ name: string }>(await call(staff, 'PATCH', `/campaigns/${campaign.id}`, { name: 'Solar A+' }))).name).toBe('Solar A+');
    const forB = await ok<{ ownerId: string }>(await call(staff, 'POST', '/campaigns', { name: 'Staff made for B', ownerId: sellerB.user.id }), 201);
    expect(forB.ownerId).toBe(sellerB.user.id);
  });

  test('a DID is unique across the system; invalid numbers are 422', async () => {
    await ok(await call(sellerA, 'POST', '/dids', { number: '+1 212 555 0102' }), 201);
    const again = await call(sellerB, 'POST', '/dids', { number: '+12125550102' });
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ code: 'DIALBOOK_ROUTING_DID_TAKEN', field: 'number' });
    const bad = await call(sellerA, 'POST', '/dids', { number: '+1 000 000' });
    expect(bad.status).toBe(422);
    expect(await json(bad)).toMatchObject({ code: 'DIALBOOK_ROUTING_DID_INVALID', field: 'number' });
  });

  test('bulk add answers per line: added, invalid, taken, twice in the list', async () => {
    const text = ['+1 212 555 0110', '', 'not a number', '+1 212 555 0102', '+49 30 7654321, +1 212 555 0110'].join('\n');
    const res = await ok<{ created: number; lines: { line: number; input: string; did?: { number: string }; error?: { code: string } }[] }>(await call(sellerA, 'POST', '/dids/bulk', { text }));
    expect(res.created).toBe(2);
    expect(res.lines.map((l) => [l.line, l.input, l.did?.number ?? l.error?.code])).toEqual([
      [1, '+1 212 555 0110', '+12125550110'],
      [3, 'not a number', 'DIALBOOK_ROUTING_DID_INVALID'],
      [4, '+1 212 555 0102', 'DIALBOOK_ROUTING_DID_TAKEN'],
      [5, '+49 30 7654321', '+49307654321'],
      [5, '+1 212 555 0110', 'DIALBOOK_ROUTING_DID_DUPLICATE'],
    ]);
    const mine = (await ok<{ items: { number: string }[] }>(await call(sellerA, 'GET', '/dids'))).items.map((d) => d.number);
    expect(mine).toEqual(expect.arrayContaining(['+12125550110', '+49307654321']));
  });
});

describe('links', () => {
  test('staff link clients to a seller campaign; the seller reads them (client by name), another seller gets 404', async () => {
    const campaign = await ok<{ id: string }>(await call(sellerA, 'POST', '/campaigns', { name: 'Linked A' }), 201);
    const client = await ok<{ id: string }>(await call(staff, 'POST', '/clients', { name: 'Linked Buyer', sip }), 201);
    // Sellers do not assign clients.
    expect((await call(sellerA, 'POST', '/links', { campaignId: campaign.id, clientId: client.id })).status).toBe(403);
    const link = await ok<{ id: string }>(await call(staff, 'POST', '/links', { campaignId: campaign.id, clientId: client.id, priority: 2, weight: 70, concurrencyCap: 5, caps: { day: 50, countBy: 'connected' }, minTalkSeconds: 90 }), 201);
    expect(link).toMatchObject({ campaignId: campaign.id, clientId: client.id, clientName: 'Linked Buyer', priority: 2, weight: 70, concurrencyCap: 5, caps: { day: 50, countBy: 'connected', hour: null }, hours: null, minTalkSeconds: 90, enabled: true });
    const twice = await call(staff, 'POST', '/links', { campaignId: campaign.id, clientId: client.id });
    expect(twice.status).toBe(409);
    expect((await json(twice)).code).toBe('DIALBOOK_ROUTING_LINK_EXISTS');
    const unknownClient = await call(staff, 'POST', '/links', { campaignId: campaign.id, clientId: crypto.randomUUID() });
    expect(await json(unknownClient)).toMatchObject({ status: 422, field: 'clientId' });

    const seen = await call(sellerA, 'GET', `/campaigns/${campaign.id}/links`);
    const text = await seen.clone().text();
    expect((await ok<{ items: { id: string }[] }>(seen)).items.map((l) => l.id)).toEqual([link.id]);
    expect(text).not.toMatch(/sip\.buyer|Sip-Pa55/);
    expect((await ok(await call(sellerA, 'GET', `/links/${link.id}`))).id).toBe(link.id);
    expect((await call(sellerB, 'GET', `/links/${link.id}`)).status).toBe(404);
    expect((await call(sellerA, 'PATCH', `/links/${link.id}`, { weight: 1 })).status).toBe(403);
    // A linked client is not deleted; the campaign's deletion takes its links along.
    expect((await call(staff, 'DELETE', `/clients/${client.id}`)).status).toBe(409);
    expect((await call(sellerA, 'DELETE', `/campaigns/${campaign.id}`)).status).toBe(204);
    expect((await call(staff, 'GET', `/links/${link.id}`)).status).toBe(404);
    expect((await call(staff, 'DELETE', `/clients/${client.id}`)).status).toBe(204);
  });
});
