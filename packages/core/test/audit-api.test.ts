import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore, type TestUser } from '@dialbook/core/testing';
import { systemActor, type AuditEventDto, type Page } from '@dialbook/core';
import yealink from '@dialbook/plugin-yealink';

/**
 * `GET /api/v1/audit`: real phone fetches (HTTP basic, Yealink User-Agents) through the directory routes,
 * then the audit API shows them with what was parsed from the device; filters, validation, access.
 */
type AuditPage = Page<AuditEventDto>;
interface Problem {
  code: string;
  field?: string;
  detail: string;
}

const T46S = 'Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56';
const T54W = 'Yealink SIP-T54W 96.86.0.100 24:9a:d8:aa:bb:cc';

let core: TestCore;
let staff: TestUser;
let siteB: string;
const books: Record<'lobby' | 'warehouse', { id: string; username: string; secret: string; credentialId: string }> = {} as never;

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const phone = (book: keyof typeof books, path: string, ua: string, headers: Record<string, string> = {}) =>
  core.request(path.replace('{id}', books[book].id), { anonymous: true, headers: { authorization: basic(books[book].username, books[book].secret), 'user-agent': ua, ...headers } });
const audit = async (query: string, who: { request: TestCore['request'] } = core): Promise<AuditPage> => {
  const res = await who.request(`/api/v1/audit${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as AuditPage;
};
const refused = async (query: string): Promise<Problem> => {
  const res = await core.request(`/api/v1/audit${query}`);
  expect(res.status).toBe(422);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  return (await res.json()) as Problem;
};

beforeAll(async () => {
  core = await createTestCore({ plugins: { yealink }, config: { server: { trustProxy: true } } });
  siteB = (await core.dialbook.sites.create({ name: 'Warehouse site', slug: 'warehouse', defaultCountry: 'DE' })).id;
  await core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'Anna', lastName: 'Adler', phones: [{ number: '030 1111111' }] }, systemActor);
  await core.dialbook.contacts.create({ siteId: siteB, firstName: 'Bernd', lastName: 'Berg', phones: [{ number: '040 2222222' }] }, systemActor);
  for (const [key, siteId, name] of [
    ['lobby', core.site.id, 'Lobby'],
    ['warehouse', siteB, 'Warehouse'],
  ] as const) {
    const pb = await core.dialbook.phonebooks.create({ siteId, name, filter: {} });
    const issued = await core.dialbook.credentials.createForPhonebook(pb.id, `${name} phones`, systemActor);
    books[key] = { id: pb.id, username: issued.username!, secret: issued.secret, credentialId: issued.credential.id };
  }
  staff = await core.createUser({ role: 'staff' });

  // The phones: a directory fetch, the same again with its ETag (304), a search, a caller-ID lookup; another phone on site B.
  const first = await phone('lobby', '/directory/{id}/yealink', T46S, { 'x-forwarded-for': '10.1.2.3' });
  expect(first.status).toBe(200);
  expect(await first.text()).toContain('Anna Adler');
  expect((await phone('lobby', '/directory/{id}/yealink', T46S, { 'x-forwarded-for': '10.1.2.3', 'if-none-match': first.headers.get('etag')! })).status).toBe(304);
  expect((await phone('lobby', '/directory/{id}/yealink?q=anna', T46S, { 'x-forwarded-for': '10.1.2.3' })).status).toBe(200);
  expect((await phone('warehouse', '/directory/{id}/yealink', T54W, { 'x-forwarded-for': '10.9.8.7' })).status).toBe(200);
  expect((await phone('warehouse', `/directory/{id}/yealink/lookup?number=${encodeURIComponent('+49 40 2222222')}`, T54W, { 'x-forwarded-for': '10.9.8.7' })).status).toBe(200);
  // A fetch a remote Yealink service served and reported (as the vendor hub does), long ago.
  core.dialbook.directory.recordServed({
    at: '2021-03-04T05:06:07.000Z',
    phonebookId: books.lobby.id,
    siteId: core.site.id,
    vendor: 'yealink',
    variant: '',
    kind: 'fetch',
    status: 200,
    bytes: 123,
    ip: '192.0.2.10',
    userAgent: 'Yealink W60B 77.85.0.20 00:15:65:01:02:03',
    device: { vendor: 'yealink', model: 'W60B', firmware: '77.85.0.20', mac: '00:15:65:01:02:03' },
    credentialId: null,
    via: 'service:yealink-1',
  });
  await core.dialbook.directory.audit.flush();
  // An API write to the lobby phonebook (an audit row with its path), after the fetches.
  expect((await core.request(`/api/v1/phonebooks/${books.lobby.id}`, { method: 'PATCH', json: { name: 'Lobby phones' } })).status).toBe(200);
});
afterAll(() => core?.close());

describe('directory fetches in the audit log', () => {
  test('each fetch with its phonebook, vendor, status, client address, user agent and parsed device, newest first', async () => {
    const page = await audit('?action=directory.served');
    expect(page.total).toBe(6);
    expect(page.items.map((e) => [e.targetId, e.status, e.detail?.kind])).toEqual([
      [books.warehouse.id, 200, 'lookup'],
      [books.warehouse.id, 200, 'fetch'],
      [books.lobby.id, 200, 'search'],
      [books.lobby.id, 304, 'fetch'],
      [books.lobby.id, 200, 'fetch'],
      [books.lobby.id, 200, 'fetch'], // the remote service's, in 2021
    ]);
    const at = page.items.map((e) => Date.parse(e.at));
    expect([...at].sort((a, b) => b - a)).toEqual(at);
    const notModified = page.items[3]!;
    expect(notModified).toMatchObject({
      action: 'directory.served',
      actor: `phone:${books.lobby.credentialId}`,
      actorName: 'SIP-T46S 80:5e:c0:12:34:56',
      method: 'GET',
      path: `/directory/${books.lobby.id}/yealink`,
      status: 304,
      siteId: core.site.id,
      ip: '10.1.2.3',
      detail: { vendor: 'yealink', variant: '', kind: 'fetch', bytes: 0, userAgent: T46S, via: 'core', device: { vendor: 'yealink', model: 'SIP-T46S', firmware: '66.86.0.15', mac: '80:5e:c0:12:34:56' } },
    });
    expect(page.items[4]!.detail!.bytes).toBeGreaterThan(0);
    expect(page.items[0]).toMatchObject({ siteId: siteB, ip: '10.9.8.7', path: `/directory/${books.warehouse.id}/yealink/lookup`, detail: { device: { model: 'SIP-T54W', firmware: '96.86.0.100', mac: '24:9a:d8:aa:bb:cc' } } });
    expect(page.items[5]).toMatchObject({ at: '2021-03-04T05:06:07.000Z', actor: 'phone:unknown', actorName: 'W60B 00:15:65:01:02:03', ip: '192.0.2.10', detail: { via: 'service:yealink-1', bytes: 123, device: { model: 'W60B' } } });
  });

  test('other rows keep their own detail (or null)', async () => {
    const page = await audit('?action=user.created');
    expect(page.items[0]!.detail).toMatchObject({ role: 'staff' });
    const write = (await audit(`?action=${encodeURIComponent('PATCH /phonebooks/:id')}`)).items[0]!;
    expect(write).toMatchObject({ method: 'PATCH', path: `/api/v1/phonebooks/${books.lobby.id}`, status: 200, actorName: 'admin@test.invalid', detail: null });
  });
});

describe('filters', () => {
  test('by phonebook: its directory fetches and the API writes to it', async () => {
    const lobby = await audit(`?phonebookId=${books.lobby.id}`);
    expect(lobby.items.map((e) => e.action)).toEqual(['PATCH /phonebooks/:id', 'directory.served', 'directory.served', 'directory.served', 'directory.served']);
    const fetches = await audit(`?phonebookId=${books.lobby.id}&action=directory.served`);
    expect(fetches.total).toBe(4);
    expect(fetches.items.every((e) => e.targetId === books.lobby.id)).toBe(true);
    expect((await audit(`?phonebookId=${books.warehouse.id}`)).items.map((e) => e.detail?.kind)).toEqual(['lookup', 'fetch']);
    expect((await audit(`?phonebookId=00000000-0000-4000-8000-000000000000`)).items).toEqual([]);
  });

  test('by action: one or several, comma-separated', async () => {
    const both = await audit('?action=directory.served,user.created&pageSize=500');
    expect(new Set(both.items.map((e) => e.action))).toEqual(new Set(['directory.served', 'user.created']));
    expect(both.total).toBe(6 + (await audit('?action=user.created')).total);
    expect((await audit('?action=no.such.action')).total).toBe(0);
  });

  test('by actor: the key or the name', async () => {
    const byKey = await audit(`?actor=phone:${books.warehouse.credentialId}`);
    expect(byKey.total).toBe(2);
    const byName = await audit(`?actor=${encodeURIComponent('SIP-T54W 24:9a:d8:aa:bb:cc')}`);
    expect(byName.items.map((e) => e.id)).toEqual(byKey.items.map((e) => e.id));
    const admin = await audit(`?actor=admin@test.invalid&action=${encodeURIComponent('PATCH /phonebooks/:id')}`);
    expect(admin.total).toBe(1);
  });

  test('by time: from (inclusive) and to (exclusive), with Z or an offset', async () => {
    const old = await audit('?action=directory.served&from=2021-03-04T05:06:07Z&to=2021-03-04T05:06:08Z');
    expect(old.items.map((e) => e.detail?.via)).toEqual(['service:yealink-1']);
    expect((await audit('?action=directory.served&to=2021-03-04T05:06:07Z')).total).toBe(0);
    expect((await audit(`?action=directory.served&to=${encodeURIComponent('2021-03-04T07:06:07.001+02:00')}`)).total).toBe(1);
    const recent = await audit(`?action=directory.served&from=${new Date(Date.now() - 3_600_000).toISOString()}`);
    expect(recent.total).toBe(5);
    expect((await audit(`?action=directory.served&from=${new Date(Date.now() + 3_600_000).toISOString()}`)).total).toBe(0);
  });

  test('pagination across a filtered list', async () => {
    const all = await audit('?action=directory.served');
    const p1 = await audit('?action=directory.served&pageSize=4');
    const p2 = await audit('?action=directory.served&pageSize=4&page=2');
    expect(p1).toMatchObject({ total: 6, page: 1, pageSize: 4 });
    expect(p2).toMatchObject({ total: 6, page: 2, pageSize: 4 });
    expect([...p1.items, ...p2.items].map((e) => e.id)).toEqual(all.items.map((e) => e.id));
  });

  test('bad filter values: 422 naming the field', async () => {
    expect((await refused('?from=yesterday')).field).toBe('query.from');
    expect((await refused('?to=2024-01-01')).field).toBe('query.to'); // a date without a time
    expect((await refused('?from=2024-01-01T10:00:00')).field).toBe('query.from'); // no zone: ambiguous
    const order = await refused('?from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z');
    expect(order.field).toBe('query.to');
    expect(order.detail).toContain('later than');
    expect((await refused('?phonebookId=lobby')).field).toBe('query.phonebookId');
    expect((await refused('?action=')).field).toBe('query.action');
    expect((await refused('?action=a,,b')).field).toBe('query.action');
    expect((await refused(`?action=${'x'.repeat(101)}`)).field).toBe('query.action');
    expect((await refused(`?actor=${'x'.repeat(321)}`)).field).toBe('query.actor');
    expect((await refused('?pageSize=501')).field).toBe('query.pageSize');
    expect((await refused('?page=0')).field).toBe('query.page');
  });
});

describe('access', () => {
  test('staff see every site, as administrators do; users and anonymous callers are refused', async () => {
    const asStaff = await audit('?action=directory.served', staff);
    expect(new Set(asStaff.items.map((e) => e.siteId))).toEqual(new Set([core.site.id, siteB]));
    const user = await core.createUser({ role: 'user', siteIds: [core.site.id] });
    expect((await user.request('/api/v1/audit')).status).toBe(403);
    expect((await user.request(`/api/v1/audit?phonebookId=${books.lobby.id}`)).status).toBe(403);
    expect((await core.request('/api/v1/audit', { anonymous: true })).status).toBe(401);
  });

  test('the OpenAPI document types detail as an open object with the directory-fetch fields', async () => {
    type Schema = { properties?: Record<string, Schema>; additionalProperties?: unknown };
    const doc = (await (await core.request('/openapi.json')).json()) as { components: { schemas: Record<string, Schema> } };
    const detail = doc.components.schemas.AuditDetail!;
    expect(Object.keys(detail.properties!)).toEqual(expect.arrayContaining(['vendor', 'variant', 'kind', 'bytes', 'userAgent', 'device', 'via']));
    expect(detail.additionalProperties).toBeDefined();
    expect(detail.additionalProperties).not.toBe(false);
    expect(Object.keys(detail.properties!.device!.properties!)).toEqual(['vendor', 'model', 'firmware', 'mac']);
    expect(doc.components.schemas.AuditEvent!.properties!.detail).toBeDefined();
  });
});
