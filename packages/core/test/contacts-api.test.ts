import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, spyEvents, type EventSpy, type TestCore } from '@dialbook/core/testing';
import type { ContactDto } from '@dialbook/core';

let core: TestCore;
let events: EventSpy<'contact.created' | 'contact.updated' | 'contact.deleted' | 'contact.restored' | 'phonebook.changed'>;

beforeAll(async () => {
  core = await createTestCore();
  events = spyEvents(core, ['contact.created', 'contact.updated', 'contact.deleted', 'contact.restored', 'phonebook.changed']);
});
afterAll(() => core?.close());

const create = async (body: Record<string, unknown>) => {
  const res = await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, ...body } });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as ContactDto;
};
const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;

describe('create and read', () => {
  test('normalises numbers to E.164 and answers 201 with Location and ETag', async () => {
    const res = await core.request('/api/v1/contacts', {
      method: 'POST',
      json: { siteId: core.site.id, firstName: ' Anna ', lastName: 'Müller', emails: ['Anna@Example.com'], phones: [{ type: 'work', number: '030 1234567' }, { type: 'mobile', number: '0171 2345678' }], tags: ['vip', 'vip'] },
    });
    expect(res.status).toBe(201);
    const c = await json<ContactDto>(res);
    expect(res.headers.get('location')).toBe(`/api/v1/contacts/${c.id}`);
    expect(res.headers.get('etag')).toBe(`"${c.id}.1"`);
    expect(c).toMatchObject({ firstName: 'Anna', lastName: 'Müller', displayName: 'Anna Müller', emails: ['anna@example.com'], tags: ['vip'], source: 'manual', deleted: false, version: 1 });
    expect(c.phones.map((p) => p.e164)).toEqual(['+49301234567', '+491712345678']);
    const again = await json<ContactDto>(await core.request(`/api/v1/contacts/${c.id}`));
    expect(again).toEqual(c);
    expect(events.of('contact.created').some((e) => e.contact.id === c.id)).toBe(true);
  });

  test('bad input is 422 problem+json naming the field, and nothing is written', async () => {
    const before = (await json<{ total: number }>(await core.request('/api/v1/contacts?status=all'))).total;
    const res = await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'X', phones: [{ number: 'call me' }], emails: ['not-an-email'] } });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const p = await json<{ code: string; field: string; errors: { field: string }[]; status: number }>(res);
    expect(p.status).toBe(422);
    expect(p.code).toBe('DIALBOOK_VALIDATION');
    expect(p.errors.map((e) => e.field).sort()).toEqual(['emails.0', 'phones.0.number']);
    expect((await json<{ total: number }>(await core.request('/api/v1/contacts?status=all'))).total).toBe(before);
  });

  test('a contact without any name is refused on displayName', async () => {
    const res = await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, emails: ['a@b.de'] } });
    expect(res.status).toBe(422);
    expect((await json<{ field: string }>(res)).field).toBe('displayName');
  });

  test('an unknown site is 422 on siteId; malformed JSON is 400; unknown id is 404', async () => {
    const r1 = await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: '00000000-0000-4000-8000-000000000000', firstName: 'X' } });
    expect(r1.status).toBe(422);
    expect((await json<{ field: string }>(r1)).field).toBe('siteId');
    const r2 = await core.request('/api/v1/contacts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"firstName": ' });
    expect(r2.status).toBe(400);
    expect(r2.headers.get('content-type')).toContain('application/problem+json');
    const r3 = await core.request('/api/v1/contacts/00000000-0000-4000-8000-000000000000');
    expect(r3.status).toBe(404);
    expect((await json<{ code: string }>(r3)).code).toBe('DIALBOOK_NOT_FOUND');
    const r4 = await core.request('/api/v1/contacts/not-a-uuid');
    expect(r4.status).toBe(422);
    expect((await json<{ field: string }>(r4)).field).toBe('param.id');
  });

  test('a second contact with the same source and externalId is 409', async () => {
    await create({ firstName: 'Ext', source: 'csv', externalId: 'e-1' });
    const res = await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'Other', source: 'csv', externalId: 'e-1' } });
    expect(res.status).toBe(409);
    expect((await json<{ code: string; field: string }>(res))).toMatchObject({ code: 'DIALBOOK_CONTACT_EXTERNAL_ID_TAKEN', field: 'externalId' });
  });
});

describe('lookup', () => {
  test('a number stored in national format is found in every common format', async () => {
    const c = await create({ firstName: 'Lookup', lastName: 'Target', phones: [{ number: '089 7654321' }] });
    for (const form of ['+49 89 7654321', '089 7654321', '0049897654321', '+49 (0)89 765 43 21', '+49897654321']) {
      const res = await core.request(`/api/v1/contacts/lookup?number=${encodeURIComponent(form)}`);
      expect(res.status).toBe(200);
      const ids = (await json<{ items: ContactDto[] }>(res)).items.map((x) => x.id);
      expect(ids, form).toEqual([c.id]);
    }
  });

  test('a number stored internationally is found by its national form given the country', async () => {
    const c = await create({ organization: 'Paris Office', phones: [{ number: '+33 1 23 45 67 89' }] });
    const res = await core.request(`/api/v1/contacts/lookup?number=${encodeURIComponent('01 23 45 67 89')}&country=fr`);
    expect((await json<{ items: ContactDto[] }>(res)).items.map((x) => x.id)).toEqual([c.id]);
    const miss = await core.request(`/api/v1/contacts/lookup?number=${encodeURIComponent('01 23 45 67 89')}`);
    expect((await json<{ items: ContactDto[] }>(miss)).items).toEqual([]);
  });

  test('extensions match by digits; deleted contacts are not found; no digits is 422', async () => {
    const c = await create({ organization: 'Reception', phones: [{ number: '4711' }] });
    expect((await json<{ items: ContactDto[] }>(await core.request('/api/v1/contacts/lookup?number=47-11'))).items.map((x) => x.id)).toEqual([c.id]);
    await core.request(`/api/v1/contacts/${c.id}`, { method: 'DELETE' });
    expect((await json<{ items: ContactDto[] }>(await core.request('/api/v1/contacts/lookup?number=4711'))).items).toEqual([]);
    const bad = await core.request('/api/v1/contacts/lookup?number=abc');
    expect(bad.status).toBe(422);
    expect((await json<{ field: string }>(bad)).field).toBe('number');
  });
});

describe('update and history', () => {
  test('each changed field writes one History row with old, new, actor and time', async () => {
    const c = await create({ firstName: 'Hans', lastName: 'Meier', department: 'Sales', phones: [{ number: '030 5550001' }] });
    const res = await core.request(`/api/v1/contacts/${c.id}`, { method: 'PATCH', json: { lastName: 'Maier', department: 'Support', title: 'Agent', firstName: 'Hans' } });
    expect(res.status).toBe(200);
    const u = await json<ContactDto>(res);
    expect(u).toMatchObject({ lastName: 'Maier', department: 'Support', title: 'Agent', displayName: 'Hans Maier', version: 2 });
    const history = (await json<{ items: { field: string; old: unknown; new: unknown; actor: string; at: string }[] }>(await core.request(`/api/v1/contacts/${c.id}/history`))).items;
    const changes = history.filter((h) => h.field !== 'created');
    expect(changes.map((h) => h.field).sort()).toEqual(['department', 'displayName', 'lastName', 'title']);
    expect(changes.find((h) => h.field === 'lastName')).toMatchObject({ old: 'Meier', new: 'Maier', actor: expect.stringMatching(/^apiKey:/), actorName: 'admin@test.invalid' });
    expect(changes.find((h) => h.field === 'title')).toMatchObject({ old: null, new: 'Agent' });
    expect(Number.isNaN(Date.parse(changes[0]!.at))).toBe(false);
    const updated = events.of('contact.updated').filter((e) => e.contact.id === c.id);
    expect(updated).toHaveLength(1);
  });

  test('an update that changes nothing writes no History and keeps the version', async () => {
    const c = await create({ firstName: 'Same', phones: [{ number: '030 5550002' }] });
    const res = await core.request(`/api/v1/contacts/${c.id}`, { method: 'PATCH', json: { firstName: 'Same', phones: [{ number: '030 5550002' }] } });
    expect((await json<ContactDto>(res)).version).toBe(1);
    const history = (await json<{ items: unknown[] }>(await core.request(`/api/v1/contacts/${c.id}/history`))).items;
    expect(history).toHaveLength(1);
  });

  test('If-Match with a stale version is 412 and changes nothing', async () => {
    const c = await create({ firstName: 'Versioned' });
    const ok = await core.request(`/api/v1/contacts/${c.id}`, { method: 'PATCH', headers: { 'if-match': `"${c.id}.1"` }, json: { title: 'One' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe(`"${c.id}.2"`);
    const stale = await core.request(`/api/v1/contacts/${c.id}`, { method: 'PATCH', headers: { 'if-match': `"${c.id}.1"` }, json: { title: 'Two' } });
    expect(stale.status).toBe(412);
    expect((await json<ContactDto>(await core.request(`/api/v1/contacts/${c.id}`))).title).toBe('One');
  });

  test('null clears a field; an explicit display name sticks; bad patch is 422 on the field', async () => {
    const c = await create({ firstName: 'Eva', lastName: 'Klein', displayName: 'Dr. Eva Klein', title: 'CTO' });
    const u = await json<ContactDto>(await core.request(`/api/v1/contacts/${c.id}`, { method: 'PATCH', json: { title: null, lastName: 'Groß' } }));
    expect(u.title).toBeNull();
    expect(u.displayName).toBe('Dr. Eva Klein');
    const bad = await core.request(`/api/v1/contacts/${c.id}`, { method: 'PATCH', json: { tags: [''] } });
    expect(bad.status).toBe(422);
    expect((await json<{ field: string }>(bad)).field).toBe('tags.0');
  });
});

describe('delete, restore, permanent delete', () => {
  test('soft delete hides, restore brings back, history records both', async () => {
    const c = await create({ firstName: 'Tmp' });
    const del = await core.request(`/api/v1/contacts/${c.id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect((await json<ContactDto>(del)).deleted).toBe(true);
    const active = await json<{ items: ContactDto[] }>(await core.request('/api/v1/contacts?q=tmp'));
    expect(active.items.map((x) => x.id)).not.toContain(c.id);
    const deleted = await json<{ items: ContactDto[] }>(await core.request('/api/v1/contacts?q=tmp&status=deleted'));
    expect(deleted.items.map((x) => x.id)).toContain(c.id);
    expect((await core.request(`/api/v1/contacts/${c.id}`, { method: 'DELETE' })).status).toBe(409);
    expect((await core.request(`/api/v1/contacts/${c.id}`, { method: 'PATCH', json: { title: 'x' } })).status).toBe(409);
    const restored = await core.request(`/api/v1/contacts/${c.id}/restore`, { method: 'POST' });
    expect((await json<ContactDto>(restored)).deleted).toBe(false);
    expect((await core.request(`/api/v1/contacts/${c.id}/restore`, { method: 'POST' })).status).toBe(409);
    const fields = (await json<{ items: { field: string }[] }>(await core.request(`/api/v1/contacts/${c.id}/history`))).items.map((h) => h.field);
    expect(fields).toEqual(['restored', 'deleted', 'created']);
  });

  test('permanent delete of an active contact is refused with 409', async () => {
    const c = await create({ firstName: 'Keep', phones: [{ number: '030 5550003' }] });
    const res = await core.request(`/api/v1/contacts/${c.id}/permanent`, { method: 'DELETE' });
    expect(res.status).toBe(409);
    expect((await json<{ code: string }>(res)).code).toBe('DIALBOOK_CONTACT_ACTIVE');
    expect((await core.request(`/api/v1/contacts/${c.id}`)).status).toBe(200);
  });

  test('permanent delete of a deleted contact removes it and its history and leaves a notification', async () => {
    const c = await create({ firstName: 'Gone', lastName: 'Forever', phones: [{ number: '030 5550004' }] });
    await core.request(`/api/v1/contacts/${c.id}`, { method: 'DELETE' });
    const unreadBefore = (await json<{ unread: number }>(await core.request('/api/v1/notifications/unread-count'))).unread;
    const res = await core.request(`/api/v1/contacts/${c.id}/permanent`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect((await core.request(`/api/v1/contacts/${c.id}`)).status).toBe(404);
    expect((await core.request(`/api/v1/contacts/${c.id}/history`)).status).toBe(404);
    expect(await core.dialbook.orm.em.fork().getConnection().execute('select count(*) as n from history where contact_id = ?', [c.id])).toEqual([{ n: expect.anything() }]);
    const [{ n }] = (await core.dialbook.orm.em.fork().getConnection().execute('select count(*) as n from history where contact_id = ?', [c.id])) as [{ n: number | string }];
    expect(Number(n)).toBe(0);
    const notes = await json<{ items: { title: string; read: boolean }[] }>(await core.request('/api/v1/notifications'));
    expect(notes.items[0]).toMatchObject({ title: 'Contact "Gone Forever" was deleted permanently', read: false });
    expect((await json<{ unread: number }>(await core.request('/api/v1/notifications/unread-count'))).unread).toBe(unreadBefore + 1);
    expect(events.of('contact.deleted').some((e) => e.permanent && e.contact.id === c.id)).toBe(true);
  });
});

describe('sources', () => {
  test('a sync leaves fields the source does not send alone, and merges attribute namespaces', async () => {
    const actor = { type: 'plugin' as const, id: 'dir' };
    const first = await core.dialbook.contacts.upsertFromSource(core.site.id, 'dir', 'u-1', { firstName: 'Sync', lastName: 'Ed', attributes: { dir: { dn: 'uid=u1' } } }, actor);
    expect(first.created).toBe(true);
    await core.request(`/api/v1/contacts/${first.contact.id}`, { method: 'PATCH', json: { tags: ['vip'], attributes: { dir: { dn: 'uid=u1' }, cucm: { pin: '1234' } } } });
    const again = await core.dialbook.contacts.upsertFromSource(core.site.id, 'dir', 'u-1', { firstName: 'Sync', lastName: 'Edited', attributes: { dir: { dn: 'uid=u1,ou=x' } } }, actor);
    expect(again.changes.map((c) => c.field).sort()).toEqual(['attributes', 'displayName', 'lastName']);
    expect(again.contact.tags).toEqual(['vip']);
    expect(again.contact.attributes).toEqual({ dir: { dn: 'uid=u1,ou=x' }, cucm: { pin: '1234' } });
  });
});

describe('notifications', () => {
  test('mark all read, then clear all', async () => {
    await core.dialbook.notifications.notify({ title: 'one' });
    await core.dialbook.notifications.notify({ title: 'two', level: 'warning' });
    expect((await json<{ unread: number }>(await core.request('/api/v1/notifications/unread-count'))).unread).toBeGreaterThanOrEqual(2);
    const unreadOnly = await json<{ items: { read: boolean }[] }>(await core.request('/api/v1/notifications?unreadOnly=true'));
    expect(unreadOnly.items.every((n) => !n.read)).toBe(true);
    const marked = await json<{ marked: number }>(await core.request('/api/v1/notifications/mark-all-read', { method: 'POST' }));
    expect(marked.marked).toBeGreaterThanOrEqual(2);
    expect((await json<{ unread: number }>(await core.request('/api/v1/notifications/unread-count'))).unread).toBe(0);
    const cleared = await json<{ cleared: number }>(await core.request('/api/v1/notifications', { method: 'DELETE' }));
    expect(cleared.cleared).toBeGreaterThanOrEqual(2);
    expect((await json<{ total: number }>(await core.request('/api/v1/notifications'))).total).toBe(0);
  });
});
