import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, eventually, type TestCore } from '@dialbook/core/testing';
import { systemActor, type CallDto, type CallPage } from '@dialbook/core';
import { CallsToken } from '../src/calls/module.js';
import type { CallService } from '../src/calls/service.js';

/**
 * Matching a call's remote number to a contact of its site: right after the call is recorded (in
 * the background, never in the write), and again by the debounced job when contacts change.
 */
let core: TestCore;
let calls: CallService;

beforeAll(async () => {
  core = await createTestCore();
  calls = core.dialbook.resolve(CallsToken);
  calls.resolution.debounceMs = 20;
});
afterAll(() => core?.close());

const record = (externalId: string, remote: { number?: string; name?: string }, siteId = core.site.id) =>
  calls.upsert(siteId, 'manual', { externalId, direction: 'inbound', startedAt: new Date('2026-06-01T10:00:00Z'), remote });
const read = async (id: string) => (await (await core.request(`/api/v1/calls/${id}`)).json()) as CallDto;

describe('contact resolution', () => {
  test("at record time: the number in another written form finds the contact; the contact's name is shown", async () => {
    const anna = await core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'Anna', lastName: 'Berg', phones: [{ number: '030 1234567' }] }, systemActor);
    const { call } = await record('r-1', { number: '+49 30 1234567', name: 'A. BERG (PBX)' });
    expect(call.contactId).toBeNull(); // not in the write path
    expect(call.displayName).toBe('A. BERG (PBX)');
    await calls.resolution.settled();
    expect(await read(call.id)).toMatchObject({ contactId: anna.id, displayName: 'Anna Berg', remote: { name: 'A. BERG (PBX)' } });
    const timeline = (await (await core.request(`/api/v1/contacts/${anna.id}/calls`)).json()) as CallPage;
    expect(timeline.items.map((c) => c.id)).toEqual([call.id]);
    const byContact = (await (await core.request(`/api/v1/calls?contactId=${anna.id}`)).json()) as CallPage;
    expect(byContact.items.map((c) => c.id)).toEqual([call.id]);
    const byName = (await (await core.request('/api/v1/calls?q=anna')).json()) as CallPage;
    expect(byName.items.map((c) => c.id)).toEqual([call.id]);
  });

  test('an unknown number keeps the name the source sent, anonymous calls are left alone, nothing fails', async () => {
    const { call } = await record('r-2', { number: '0171 5550000', name: 'Unknown caller' });
    const { call: anon } = await record('r-3', { number: 'anonymous' });
    await calls.resolution.settled();
    expect(await read(call.id)).toMatchObject({ contactId: null, displayName: 'Unknown caller' });
    expect(await read(anon.id)).toMatchObject({ contactId: null, displayName: null, remote: { number: 'anonymous', e164: null } });
  });

  test("later, by the job: a new contact with the number resolves the site's unresolved calls; other sites' calls stay", async () => {
    const other = await core.dialbook.sites.create({ name: 'Elsewhere', slug: 'elsewhere', defaultCountry: 'DE' });
    const { call: here } = await record('r-4', { number: '+49 171 5550001' });
    const { call: there } = await record('r-5', { number: '+49 171 5550001' }, other.id);
    await calls.resolution.settled();
    expect((await read(here.id)).contactId).toBeNull();
    const bob = await core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'Bob', phones: [{ type: 'mobile', number: '0171 5550001' }] }, systemActor);
    const resolved = await eventually('the job to match the call', async () => (await read(here.id)).contactId);
    expect(resolved).toBe(bob.id);
    expect((await read(here.id)).displayName).toBe('Bob');
    expect((await read(there.id)).contactId).toBeNull();
    expect(core.dialbook.jobs.list().finished.some((j) => j.id === `calls.resolve:${core.site.id}` && j.status === 'succeeded')).toBe(true);
  });

  test('an edited contact gaining the number resolves the call; a contact removed for good lets go of its calls', async () => {
    const { call } = await record('r-6', { number: '040 998877', name: 'Sender' });
    const carla = await core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'Carla' }, systemActor);
    await calls.resolution.settled();
    await core.dialbook.contacts.update(carla.id, { phones: [{ type: 'work', number: '+49 40 998877' }] }, systemActor);
    expect(await eventually('the call to resolve to Carla', async () => (await read(call.id)).contactId)).toBe(carla.id);
    await core.dialbook.contacts.softDelete(carla.id, systemActor);
    await core.dialbook.contacts.purge(carla.id, systemActor);
    expect(await read(call.id)).toMatchObject({ contactId: null, displayName: 'Sender' });
  });

  test('a call entered by hand is resolved too, and again when its number is edited', async () => {
    const eve = await core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'Eve', phones: [{ number: '0211 445566' }] }, systemActor);
    const res = await core.request('/api/v1/calls', { method: 'POST', json: { siteId: core.site.id, direction: 'outbound', startedAt: '2026-06-02T08:00:00+02:00', remote: { number: '+49 211 445566' } } });
    expect(res.status).toBe(201);
    const call = (await res.json()) as CallDto;
    await calls.resolution.settled();
    expect(await read(call.id)).toMatchObject({ contactId: eve.id, displayName: 'Eve' });
    const patched = await core.request(`/api/v1/calls/${call.id}`, { method: 'PATCH', json: { remote: { number: '0211 999000', name: 'Someone else' } } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ contactId: null, displayName: 'Someone else' });
    await calls.resolution.settled();
    expect((await read(call.id)).contactId).toBeNull();
  });

  test('a resolution job asked for while one runs runs again afterwards', async () => {
    const { call } = await record('r-7', { number: '089 1112223' });
    await calls.resolution.settled();
    const first = calls.resolution.resolveSite(core.site.id);
    await core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'Dora', phones: [{ number: '089 1112223' }] }, systemActor);
    await first;
    expect(await eventually('the call to resolve to Dora', async () => (await read(call.id)).displayName === 'Dora')).toBe(true);
  });
});
