import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definePlugin, type ContactDto } from '@dialbook/core';
import { createTestCore, spyEvents, type TestCore } from '@dialbook/core/testing';

/**
 * Secret contact attributes (issue 12): a plugin registers `vault.pin`; its value is encrypted
 * at rest in `contact_secret`, the contact holds only a marker, and the value shows nowhere but
 * the audited reveal — not in the contact, its History, its events, the audit rows or the table.
 */
const PIN = '730146';

const vault = definePlugin({
  name: 'vault',
  setup(ctx) {
    ctx.contacts.registerSecretAttribute({ key: 'vault.pin', label: 'PIN' });
  },
});

let core: TestCore;
let contact: ContactDto;
const spy = () => spyEvents(core, ['contact.updated', 'contact.created']);
let events: ReturnType<typeof spy>;

beforeAll(async () => {
  core = await createTestCore({ plugins: { vault } });
  events = spy();
  contact = await core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'Ada', lastName: 'Lovelace', emails: ['ada@example.org'] }, { type: 'system', id: 'test' });
});
afterAll(() => core?.close());

const put = (id: string, value: string | null, as = core.request) => as(`/api/v1/contacts/${id}/secrets/vault.pin`, { method: 'PUT', json: { value } });
const reveal = (id: string, as = core.request) => as(`/api/v1/contacts/${id}/secrets/vault.pin/reveal`, { method: 'POST' });

describe('a secret contact attribute', () => {
  test('is set encrypted, marked on the contact, and revealed only on purpose', async () => {
    const res = await put(contact.id, PIN);
    expect(res.status).toBe(200);
    const written = (await res.json()) as ContactDto;
    expect(written.attributes.vault).toEqual({ pin: { secret: 'set', updatedAt: expect.any(String) } });
    expect(written.version).toBe(contact.version + 1);

    const read = await (await core.request(`/api/v1/contacts/${contact.id}`)).text();
    expect(read).not.toContain(PIN);
    const shown = await reveal(contact.id);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(await shown.json()).toEqual({ key: 'vault.pin', value: PIN });

    // Encrypted at rest: the row holds a ciphertext, no table holds the PIN in clear.
    const rows = (await core.dialbook.orm.em.getConnection().execute('select value from contact_secret')) as { value: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.value).toMatch(/^v1\./);
    for (const table of ['contact', 'history', 'audit_event', 'contact_secret']) {
      const dump = JSON.stringify(await core.dialbook.orm.em.getConnection().execute(`select * from ${table}`));
      expect(dump, table).not.toContain(PIN);
    }
    // The reveal is in the audit log (a POST), without the value.
    const audit = await (await core.request('/api/v1/audit?pageSize=100')).text();
    expect(audit).toContain('/secrets/vault.pin/reveal');
    expect(audit).not.toContain(PIN);
    // History says when it changed, and events carry the marker only.
    const history = (await (await core.request(`/api/v1/contacts/${contact.id}/history`)).json()) as { items: { field: string; new: unknown }[] };
    expect(history.items[0]).toMatchObject({ field: 'attributes', new: { vault: { pin: { secret: 'set' } } } });
    expect(JSON.stringify(events.all)).not.toContain(PIN);
    expect(events.of('contact.updated').at(-1)!.changes[0]!.field).toBe('attributes');
  });

  test('writing the same value again changes nothing; clearing removes the marker', async () => {
    const before = (await (await core.request(`/api/v1/contacts/${contact.id}`)).json()) as ContactDto;
    const same = (await (await put(contact.id, PIN)).json()) as ContactDto;
    expect(same.version).toBe(before.version);
    const cleared = (await (await put(contact.id, null)).json()) as ContactDto;
    expect(cleared.attributes.vault).toBeUndefined();
    expect(await (await reveal(contact.id)).json()).toEqual({ key: 'vault.pin', value: null });
    expect(await put(contact.id, PIN).then((r) => r.status)).toBe(200);
  });

  test('an ordinary edit cannot write, forge or drop the secret', async () => {
    const stored = (await (await core.request(`/api/v1/contacts/${contact.id}`)).json()) as ContactDto;
    const forged = await core.request(`/api/v1/contacts/${contact.id}`, { method: 'PATCH', json: { attributes: { vault: { pin: '1111' } } } });
    expect(forged.status).toBe(422);
    expect(await forged.json()).toMatchObject({ field: 'attributes.vault.pin' });
    // A form sending the attributes back as read, or without the namespace, leaves the marker as it is.
    const resent = (await (await core.request(`/api/v1/contacts/${contact.id}`, { method: 'PATCH', json: { title: 'Countess', attributes: stored.attributes } })).json()) as ContactDto;
    expect(resent.attributes.vault).toEqual(stored.attributes.vault);
    const dropped = (await (await core.request(`/api/v1/contacts/${contact.id}`, { method: 'PATCH', json: { attributes: { other: { x: 1 } } } })).json()) as ContactDto;
    expect(dropped.attributes).toEqual({ other: { x: 1 }, vault: stored.attributes.vault });
    expect(await (await reveal(contact.id)).json()).toEqual({ key: 'vault.pin', value: PIN });
    const created = await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'Eve', attributes: { vault: { pin: '2222' } } } });
    expect(created.status).toBe(422);
    expect(await created.json()).toMatchObject({ field: 'attributes.vault.pin' });
  });

  test('only staff and admins set or reveal it; unknown keys and bad values are refused', async () => {
    const user = await core.createUser({ role: 'user', siteIds: [core.site.id] });
    expect((await reveal(contact.id, user.request)).status).toBe(403);
    expect((await put(contact.id, '1', user.request)).status).toBe(403);
    const staff = await core.createUser({ role: 'staff' });
    expect(await (await reveal(contact.id, staff.request)).json()).toEqual({ key: 'vault.pin', value: PIN });
    const unknown = await core.request(`/api/v1/contacts/${contact.id}/secrets/vault.nope/reveal`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('vault.pin');
    expect((await put(contact.id, 'x'.repeat(2000))).status).toBe(422);
  });

  test('a permanent delete removes the secret with the contact', async () => {
    const c = await core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'Gone' }, { type: 'system', id: 'test' });
    await put(c.id, '999999');
    await core.request(`/api/v1/contacts/${c.id}`, { method: 'DELETE' });
    expect((await core.request(`/api/v1/contacts/${c.id}/permanent`, { method: 'DELETE' })).status).toBe(204);
    const left = (await core.dialbook.orm.em.getConnection().execute('select contact_id from contact_secret where contact_id = ?', [c.id])) as unknown[];
    expect(left).toEqual([]);
  });
});

describe('without DIALBOOK_SECRET_KEY', () => {
  let bare: TestCore;
  beforeAll(async () => {
    bare = await createTestCore({ plugins: { vault }, secretKey: null });
  });
  afterAll(() => bare?.close());

  test('setting a secret is refused with what to do, and nothing is written', async () => {
    const c = await bare.dialbook.contacts.create({ siteId: bare.site.id, firstName: 'Keyless' }, { type: 'system', id: 'test' });
    const res = await bare.request(`/api/v1/contacts/${c.id}/secrets/vault.pin`, { method: 'PUT', json: { value: '1234' } });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('DIALBOOK_SECRET_KEY');
    expect(((await (await bare.request(`/api/v1/contacts/${c.id}`)).json()) as ContactDto).version).toBe(c.version);
  });
});
