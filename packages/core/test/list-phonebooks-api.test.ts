import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, spyEvents, type TestCore } from '@dialbook/core/testing';
import { systemActor, type ContactDto } from '@dialbook/core';

let core: TestCore;
let other: { id: string };
const ids: Record<string, string> = {};
type Page = { items: ContactDto[]; total: number; page: number; pageSize: number };
const get = async <T = Page>(path: string) => {
  const res = await core.request(path);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
};

beforeAll(async () => {
  core = await createTestCore();
  other = await core.dialbook.sites.create({ name: 'Other site', defaultCountry: 'AT' });
  const rows = [
    { key: 'anna', firstName: 'Anna', lastName: 'Müller', department: 'Sales', tags: ['VIP'], emails: ['anna@acme.de'], phones: [{ number: '030 1111111' }] },
    { key: 'bernd', firstName: 'Bernd', lastName: 'Zander', department: 'Support', organization: 'ACME GmbH', phones: [{ number: '030 2222222' }] },
    { key: 'celine', firstName: 'Céline', lastName: 'Dubois', department: 'sales', attributes: { cucm: { pin: '1234' } }, phones: [{ number: '+33 1 23 45 67 89' }] },
    { key: 'dora', firstName: 'Dora', lastName: null, organization: 'Dora & Söhne', department: null, source: 'csv', externalId: 'd1', attributes: { cucm: {} } },
    { key: 'erik', firstName: 'Erik', lastName: 'Åström', department: 'Support', tags: ['vip', 'night-shift'] },
  ];
  for (const { key, ...body } of rows) ids[key] = (await core.dialbook.contacts.create({ siteId: core.site.id, ...body }, systemActor)).id;
  ids.foreign = (await core.dialbook.contacts.create({ siteId: other.id, firstName: 'Anna', lastName: 'Fremd', department: 'Sales', phones: [{ number: '01 5555555' }] }, systemActor)).id;
  await core.dialbook.contacts.softDelete(ids.erik!, systemActor);
});
afterAll(() => core?.close());

const names = (p: Page) => p.items.map((c) => c.displayName);

describe('list', () => {
  test('sorted by last name then first (first name when there is no last name), active only by default, per site', async () => {
    const p = await get(`/api/v1/contacts?siteId=${core.site.id}`);
    expect(p.total).toBe(4);
    expect(names(p)).toEqual(['Dora', 'Céline Dubois', 'Anna Müller', 'Bernd Zander']);
  });

  test('status=deleted and status=all', async () => {
    expect(names(await get(`/api/v1/contacts?siteId=${core.site.id}&status=deleted`))).toEqual(['Erik Åström']);
    expect((await get(`/api/v1/contacts?siteId=${core.site.id}&status=all`)).total).toBe(5);
  });

  test('search is case- and accent-insensitive across names, e-mails, organisation and numbers', async () => {
    expect(names(await get(`/api/v1/contacts?siteId=${core.site.id}&q=muller`))).toEqual(['Anna Müller']);
    expect(names(await get(`/api/v1/contacts?siteId=${core.site.id}&q=CELINE`))).toEqual(['Céline Dubois']);
    expect(names(await get(`/api/v1/contacts?siteId=${core.site.id}&q=acme`))).toEqual(['Anna Müller', 'Bernd Zander']);
    expect(names(await get(`/api/v1/contacts?siteId=${core.site.id}&q=${encodeURIComponent('030 222')}`))).toEqual(['Bernd Zander']);
    expect(names(await get(`/api/v1/contacts?siteId=${core.site.id}&q=${encodeURIComponent('+49302222222')}`))).toEqual(['Bernd Zander']);
    expect(names(await get(`/api/v1/contacts?siteId=${core.site.id}&q=${encodeURIComponent('söhne')}`))).toEqual(['Dora']);
    // LIKE wildcards in the term are literal
    expect((await get(`/api/v1/contacts?siteId=${core.site.id}&q=${encodeURIComponent('%')}`)).total).toBe(0);
    expect((await get(`/api/v1/contacts?siteId=${core.site.id}&q=_`)).total).toBe(0);
  });

  test('filters: department (case-insensitive), tag, source, plugin attribute', async () => {
    expect(names(await get(`/api/v1/contacts?siteId=${core.site.id}&department=SALES`))).toEqual(['Céline Dubois', 'Anna Müller']);
    expect(names(await get(`/api/v1/contacts?siteId=${core.site.id}&tag=vip&status=all`))).toEqual(['Erik Åström', 'Anna Müller']);
    expect(names(await get(`/api/v1/contacts?siteId=${core.site.id}&source=csv`))).toEqual(['Dora']);
    expect(names(await get(`/api/v1/contacts?siteId=${core.site.id}&hasAttribute=cucm`))).toEqual(['Dora', 'Céline Dubois']);
    expect(names(await get(`/api/v1/contacts?siteId=${core.site.id}&hasAttribute=cucm.pin`))).toEqual(['Céline Dubois']);
    expect(names(await get(`/api/v1/contacts?department=Sales`))).toEqual(['Céline Dubois', 'Anna Fremd', 'Anna Müller']);
  });

  test('sort, order and pagination', async () => {
    const byFirstDesc = await get(`/api/v1/contacts?siteId=${core.site.id}&sort=firstName&order=desc`);
    expect(names(byFirstDesc)).toEqual(['Dora', 'Céline Dubois', 'Bernd Zander', 'Anna Müller']);
    const p1 = await get(`/api/v1/contacts?siteId=${core.site.id}&pageSize=3&page=1`);
    const p2 = await get(`/api/v1/contacts?siteId=${core.site.id}&pageSize=3&page=2`);
    expect(p1).toMatchObject({ total: 4, page: 1, pageSize: 3 });
    expect([...names(p1), ...names(p2)]).toEqual(['Dora', 'Céline Dubois', 'Anna Müller', 'Bernd Zander']);
    const orgNullsLast = await get(`/api/v1/contacts?siteId=${core.site.id}&sort=organization&order=desc`);
    expect(names(orgNullsLast).slice(0, 2)).toEqual(['Dora', 'Bernd Zander']);
  });

  test('bad query values are 422 naming the parameter', async () => {
    for (const [q, field] of [['pageSize=0', 'query.pageSize'], ['sort=salary', 'query.sort'], ['status=gone', 'query.status'], ['hasAttribute=Bad Name', 'query.hasAttribute'], ['siteId=x', 'query.siteId']]) {
      const res = await core.request(`/api/v1/contacts?${q}`);
      expect(res.status, q).toBe(422);
      expect(((await res.json()) as { field: string }).field).toBe(field);
    }
  });
});

describe('scan', () => {
  test('walks a whole site in id order across batches, by status and source', async () => {
    const all: string[] = [];
    for await (const batch of core.dialbook.contacts.scan({ siteId: core.site.id, status: 'all', batch: 2 })) {
      expect(batch.length).toBeLessThanOrEqual(2);
      all.push(...batch.map((c) => c.id));
    }
    expect(all).toEqual([...all].sort());
    expect(new Set(all)).toEqual(new Set([ids.anna, ids.bernd, ids.celine, ids.dora, ids.erik]));
    const active: string[] = [];
    for await (const batch of core.dialbook.contacts.scan({ siteId: core.site.id })) active.push(...batch.map((c) => c.displayName));
    expect(active.sort()).toEqual(['Anna Müller', 'Bernd Zander', 'Céline Dubois', 'Dora']);
    const csv: string[] = [];
    for await (const batch of core.dialbook.contacts.scan({ siteId: core.site.id, source: 'csv', status: 'all' })) csv.push(...batch.map((c) => c.displayName));
    expect(csv).toEqual(['Dora']);
  });
});

describe('sites', () => {
  test('create, slug clash 409, update, refuse deleting a site with contacts', async () => {
    const res = await core.request('/api/v1/sites', { method: 'POST', json: { name: 'Zürich Büro', defaultCountry: 'ch' } });
    expect(res.status).toBe(201);
    const site = (await res.json()) as { id: string; slug: string; defaultCountry: string };
    expect(site).toMatchObject({ slug: 'zurich-buro', defaultCountry: 'CH' });
    const clash = await core.request('/api/v1/sites', { method: 'POST', json: { name: 'Another', slug: 'zurich-buro' } });
    expect(clash.status).toBe(409);
    expect(((await clash.json()) as { field: string }).field).toBe('slug');
    const patched = await core.request(`/api/v1/sites/${site.id}`, { method: 'PATCH', json: { name: 'Zürich' } });
    expect(((await patched.json()) as { name: string }).name).toBe('Zürich');
    expect((await core.request(`/api/v1/sites/${core.site.id}`, { method: 'DELETE' })).status).toBe(409);
    expect((await core.request(`/api/v1/sites/${site.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await core.request(`/api/v1/sites/${site.id}`)).status).toBe(404);
  });
});

describe('phonebooks', () => {
  test('explicit members only; foreign-site contacts are refused; deleted members drop out', async () => {
    const res = await core.request('/api/v1/phonebooks', { method: 'POST', json: { siteId: core.site.id, name: 'Hotline' } });
    expect(res.status).toBe(201);
    const pb = (await res.json()) as { id: string; slug: string; filter: unknown };
    expect(pb).toMatchObject({ slug: 'hotline', filter: null });
    expect((await get(`/api/v1/phonebooks/${pb.id}/members`)).total).toBe(0);
    const add = await core.request(`/api/v1/phonebooks/${pb.id}/members`, { method: 'POST', json: { contactIds: [ids.bernd, ids.anna, ids.anna] } });
    expect(await add.json()).toEqual({ added: 2 });
    const foreign = await core.request(`/api/v1/phonebooks/${pb.id}/members`, { method: 'POST', json: { contactIds: [ids.foreign] } });
    expect(foreign.status).toBe(422);
    expect(((await foreign.json()) as { field: string }).field).toBe('contactIds.0');
    expect(names(await get(`/api/v1/phonebooks/${pb.id}/members`))).toEqual(['Anna Müller', 'Bernd Zander']);
    await core.dialbook.contacts.softDelete(ids.bernd!, systemActor);
    expect(names(await get(`/api/v1/phonebooks/${pb.id}/members`))).toEqual(['Anna Müller']);
    await core.dialbook.contacts.restore(ids.bernd!, systemActor);
    expect((await core.request(`/api/v1/phonebooks/${pb.id}/members/${ids.anna}`, { method: 'DELETE' })).status).toBe(204);
    expect((await core.request(`/api/v1/phonebooks/${pb.id}/members/${ids.anna}`, { method: 'DELETE' })).status).toBe(404);
    expect(names(await get(`/api/v1/phonebooks/${pb.id}/members`))).toEqual(['Bernd Zander']);
  });

  test('saved filter plus explicit members, and phonebook.changed events', async () => {
    const events = spyEvents(core, ['phonebook.changed']);
    const res = await core.request('/api/v1/phonebooks', { method: 'POST', json: { siteId: core.site.id, name: 'Sales team', filter: { department: 'Sales' } } });
    const pb = (await res.json()) as { id: string };
    expect(names(await get(`/api/v1/phonebooks/${pb.id}/members`))).toEqual(['Céline Dubois', 'Anna Müller']);
    await core.request(`/api/v1/phonebooks/${pb.id}/members`, { method: 'POST', json: { contactIds: [ids.dora] } });
    expect(names(await get(`/api/v1/phonebooks/${pb.id}/members`))).toEqual(['Dora', 'Céline Dubois', 'Anna Müller']);
    const patched = await core.request(`/api/v1/phonebooks/${pb.id}`, { method: 'PATCH', json: { filter: { tag: 'VIP', department: 'sales' } } });
    expect(patched.status).toBe(200);
    expect(names(await get(`/api/v1/phonebooks/${pb.id}/members`))).toEqual(['Dora', 'Anna Müller']);
    const everyone = (await (await core.request('/api/v1/phonebooks', { method: 'POST', json: { siteId: core.site.id, name: 'Everyone', filter: {} } })).json()) as { id: string };
    expect((await get(`/api/v1/phonebooks/${everyone.id}/members`)).total).toBe(4);
    await core.request(`/api/v1/contacts/${ids.anna}`, { method: 'PATCH', json: { title: 'Lead' } });
    events.stop();
    expect(events.of('phonebook.changed')).toContainEqual({ phonebookId: pb.id, siteId: core.site.id, reason: 'phonebook.members.added' });
    expect(events.of('phonebook.changed')).toContainEqual({ phonebookId: null, siteId: core.site.id, reason: 'contact.updated' });
    const bad = await core.request(`/api/v1/phonebooks/${pb.id}`, { method: 'PATCH', json: { filter: { hasAttribute: 'Not Valid' } } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { field: string }).field).toBe('filter.hasAttribute');
    const dup = await core.request('/api/v1/phonebooks', { method: 'POST', json: { siteId: core.site.id, name: 'Sales team' } });
    expect(dup.status).toBe(409);
    expect((await core.request(`/api/v1/phonebooks/${pb.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await core.request(`/api/v1/contacts/${ids.anna}`)).status).toBe(200);
  });
});
