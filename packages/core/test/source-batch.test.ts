import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, spyEvents, type EventSpy, type TestCore } from '@dialbook/core/testing';
import { DialbookError, type SourceItemResult, type UpsertResult } from '@dialbook/core';

/**
 * `contacts.upsertManyFromSource`: a page of a source in one transaction. It must decide
 * exactly what one `upsertFromSource` per item decides, with the same History and events.
 */
let core: TestCore;
const spied = ['contact.created', 'contact.updated', 'contact.restored', 'contact.synced', 'phonebook.changed'] as const;
let events: EventSpy<(typeof spied)[number]>;
const actor = { type: 'plugin' as const, id: 'dir', name: 'dir' };

beforeAll(async () => {
  core = await createTestCore();
  events = spyEvents(core, spied);
  // Another plugin's filter refuses one name: that item fails, the rest of the batch is written.
  core.dialbook.hooks.filter('contact.beforeSave', (value) => {
    if (value.input.lastName === 'Refused') throw new DialbookError('ACME_REFUSED', 'acme refuses this contact', { status: 422, field: 'lastName' });
    return value;
  });
});
afterAll(() => core?.close());

const ok = (r: SourceItemResult | undefined): UpsertResult => {
  if (!r || 'error' in r) throw new Error(`expected a written item, got ${r && 'error' in r ? r.error.message : 'nothing'}`);
  return r;
};

describe('upsertManyFromSource', () => {
  test('creates, updates, restores, leaves unchanged contacts unwritten, and reports bad items per item', async () => {
    const c = core.dialbook.contacts;
    const site = core.site.id;
    await c.upsertFromSource(site, 'dir', 'e-1', { firstName: 'Eva', lastName: 'Ernst', phones: [{ type: 'work', number: '+49 30 1111111' }] }, actor);
    const same = ok(await c.upsertFromSource(site, 'dir', 'e-2', { firstName: 'Otto', lastName: 'Oft' }, actor));
    const gone = ok(await c.upsertFromSource(site, 'dir', 'e-3', { firstName: 'Gabi', lastName: 'Gone' }, actor));
    await c.softDelete(gone.contact.id, actor);
    // An admin's tag survives: fields the source does not send stay.
    await c.update(same.contact.id, { tags: ['vip'] }, { type: 'system', id: 'admin' });
    events.clear();

    const results = await c.upsertManyFromSource(
      site,
      'dir',
      [
        { externalId: 'e-1', body: { firstName: 'Eva', lastName: 'Ernst-Neu', attributes: { dir: { dn: 'uid=eva' } }, phones: [{ type: 'work', number: '+49 30 2222222' }, { type: 'mobile', number: '+49 171 3333333' }] } },
        { externalId: 'e-2', body: { firstName: 'Otto', lastName: 'Oft' } },
        { externalId: 'e-3', body: { firstName: 'Gabi', lastName: 'Gone' } },
        { externalId: 'e-4', body: { firstName: 'Neu', lastName: 'Näher', emails: ['neu@example.com'] } },
        { externalId: 'e-5', body: { emails: ['not an address'] } },
        { externalId: 'e-6', body: { firstName: 'Rita', lastName: 'Refused' } },
        { externalId: 'e-4', body: { firstName: 'Neu', lastName: 'Nochmal' } },
      ],
      actor,
    );
    expect(results).toHaveLength(7);
    const [changed, unchanged, restored, created, invalid, refused, twice] = results;

    expect(ok(changed).changes.map((x) => x.field).sort()).toEqual(['attributes', 'displayName', 'lastName', 'phones']);
    expect(ok(changed).contact.phones.map((p) => p.e164)).toEqual(['+49302222222', '+491713333333']);
    expect(ok(unchanged)).toMatchObject({ created: false, restored: false, changes: [] });
    expect(ok(unchanged).contact.version).toBe(2);
    expect(ok(unchanged).contact.tags).toEqual(['vip']);
    // What an unchanged item reports is the stored contact, exactly as get() reads it.
    expect(ok(unchanged).contact).toEqual(await c.get(same.contact.id));
    expect(ok(restored).contact).toEqual(await c.get(gone.contact.id));
    expect(ok(changed).contact).toEqual(await c.get(ok(changed).contact.id));
    expect(ok(restored)).toMatchObject({ created: false, restored: true, changes: [] });
    expect(ok(restored).contact.deleted).toBe(false);
    expect(ok(created)).toMatchObject({ created: true });
    expect(await c.get(ok(created).contact.id)).toMatchObject({ firstName: 'Neu', lastName: 'Nochmal', emails: ['neu@example.com'], source: 'dir', externalId: 'e-4', deleted: false });
    expect((await c.history(ok(created).contact.id)).map((h) => h.field).sort()).toEqual(['created', 'displayName', 'lastName']);
    // The same externalId twice in one batch: the second one updates what the first created.
    expect(ok(twice)).toMatchObject({ created: false });
    expect(ok(twice).contact.id).toBe(ok(created).contact.id);
    expect(ok(twice).contact.lastName).toBe('Nochmal');
    expect(invalid && 'error' in invalid && invalid.error.status).toBe(422);
    expect(invalid && 'error' in invalid && invalid.error.message).toMatch(/email/i);
    expect(refused && 'error' in refused && refused.error.message).toMatch(/acme refuses/);

    // What the database holds, read back through the public service.
    const e1 = await c.get(ok(changed).contact.id);
    expect(e1.lastName).toBe('Ernst-Neu');
    expect(e1.phones).toHaveLength(2);
    expect(e1).toMatchObject({ attributes: { dir: { dn: 'uid=eva' } }, version: 2, displayName: 'Eva Ernst-Neu' });
    expect((await c.lookup('+49 171 3333333', { siteId: site })).map((x) => x.id)).toEqual([e1.id]);
    expect(await c.lookup('+49 30 1111111', { siteId: site })).toEqual([]);
    const history = await c.history(e1.id);
    expect(history.filter((h) => h.field === 'lastName').at(-1)).toMatchObject({ old: 'Ernst', new: 'Ernst-Neu', actor: 'plugin:dir' });
    expect((await c.history(ok(restored).contact.id)).map((h) => h.field)).toContain('restored');
    const listed = await c.list({ siteId: site, source: 'dir', status: 'all', pageSize: 50 });
    expect(listed.items.map((x) => x.externalId).sort()).toEqual(['e-1', 'e-2', 'e-3', 'e-4']);

    // Events after the commit: one per change, contact.synced for every written item, one phonebook.changed for the batch.
    const named = (n: (typeof spied)[number]) => events.of(n).length;
    expect(named('contact.synced')).toBe(5);
    expect(named('contact.created')).toBe(1);
    expect(named('contact.restored')).toBe(1);
    expect(named('contact.updated')).toBe(2);
    expect(named('phonebook.changed')).toBeGreaterThanOrEqual(1);
  });

  test('a batch of unchanged contacts writes nothing and emits no change', async () => {
    const c = core.dialbook.contacts;
    const items = Array.from({ length: 30 }, (_, i) => ({ externalId: `q-${i}`, body: { firstName: 'Quiet', lastName: `Nr ${i}`, phones: [{ type: 'work' as const, number: `+49 30 5550${String(i).padStart(3, '0')}` }] } }));
    const first = await c.upsertManyFromSource(core.site.id, 'quiet', items, actor);
    expect(first.every((r) => ok(r).created)).toBe(true);
    events.clear();
    const again = await c.upsertManyFromSource(core.site.id, 'quiet', items, actor);
    expect(again.every((r) => !ok(r).created && ok(r).changes.length === 0 && ok(r).contact.version === 1)).toBe(true);
    expect(events.all.filter((e) => e.name !== 'contact.synced')).toEqual([]);
  });

  // Issue 10, defect 7: a directory's cn equal to givenName + sn, then sn changed and cn kept.
  test.each([
    ['upsertFromSource', async (site: string, externalId: string, body: { firstName: string; lastName: string; displayName: string }) => ok(await core.dialbook.contacts.upsertFromSource(site, 'names', externalId, body, actor))],
    ['upsertManyFromSource', async (site: string, externalId: string, body: { firstName: string; lastName: string; displayName: string }) => ok((await core.dialbook.contacts.upsertManyFromSource(site, 'names', [{ externalId, body }], actor))[0])],
  ] as const)('%s: a display name the source sends is kept when the surname changes, and a second run changes nothing', async (how, upsert) => {
    const site = core.site.id;
    const created = await upsert(site, how, { firstName: 'Søren', lastName: 'Weiß', displayName: 'Søren Weiß' });
    expect(created.contact.displayName).toBe('Søren Weiß');
    const renamed = await upsert(site, how, { firstName: 'Søren', lastName: 'Müller-Lüdenscheidt', displayName: 'Søren Weiß' });
    expect(renamed.changes.map((x) => x.field)).toEqual(['lastName']);
    expect(renamed.contact).toMatchObject({ lastName: 'Müller-Lüdenscheidt', displayName: 'Søren Weiß' });
    const again = await upsert(site, how, { firstName: 'Søren', lastName: 'Müller-Lüdenscheidt', displayName: 'Søren Weiß' });
    expect(again.changes).toEqual([]);
    expect(await core.dialbook.contacts.get(created.contact.id)).toMatchObject({ displayName: 'Søren Weiß', version: 2 });
    expect((await core.dialbook.contacts.history(created.contact.id)).map((h) => h.field).sort()).toEqual(['created', 'lastName']);
    // A source that sends no display name still gets one that follows the names.
    const auto = await upsert(site, `${how}-auto`, { firstName: 'Ida', lastName: 'Alt', displayName: '' });
    expect((await upsert(site, `${how}-auto`, { firstName: 'Ida', lastName: 'Neu', displayName: '' })).contact.displayName).toBe('Ida Neu');
    expect(auto.contact.displayName).toBe('Ida Alt');
  });

  test('another site is refused as a whole', async () => {
    await expect(core.dialbook.contacts.upsertManyFromSource('00000000-0000-4000-8000-000000000000', 'dir', [{ externalId: 'x', body: { firstName: 'X' } }], actor)).rejects.toMatchObject({ status: 422 });
  });
});
