/**
 * UID conflicts against slapd: two entries with one uid, and an entry whose uid a contact of
 * another source already holds. Held back, listed, notified, resolved with keep / overwrite /
 * link, and the decisions hold across syncs.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { ContactDto } from '@dialbook/core';
import type { ConflictDto } from '@dialbook/plugin-ldap';
import { changePhoneLdif, generatePeople, describeWithSlapd, startSlapd, type LdifEntry, type Slapd } from '@dialbook/test-slapd';
import { byUid, configure, historyOf, json, ldapContacts, notifications, startCore, sync, type Core } from './helpers.js';

const base = 'dc=example,dc=org';
const people = generatePeople(40, { seed: 5 });
const person = (rdn: string, uid: string, given: string, sn: string, phone: string): LdifEntry => ({
  dn: `${rdn},ou=people,${base}`,
  attributes: { objectClass: ['inetOrgPerson'], uid, givenName: given, sn, cn: `${given} ${sn}`, telephoneNumber: phone },
});
/** Two entries claiming `dup.one`; one entry each for the uids a manual and an HR contact hold. */
const DUP1 = person('uid=dup.one', 'dup.one', 'Dana', 'Erste', '030 4440001');
const DUP2 = person('cn=Dana Zweite', 'dup.one', 'Dana', 'Zweite', '030 4440002');
const MANUAL = person('uid=mhuber', 'mhuber', 'Maria', 'Huber', '030 4440003');
const HR = person('uid=kbauer', 'kbauer', 'Klaus', 'Bauer', '030 4440004');

describeWithSlapd('UID conflicts', () => {
  let dir: Slapd;
  let core: Core | undefined;
  beforeAll(async () => {
    dir = await startSlapd({ entries: [...people, DUP1, DUP2, MANUAL, HR] });
  });
  afterAll(async () => {
    await dir?.stop();
  });
  afterEach(async () => {
    await core?.close();
    core = undefined;
  });

  const conflicts = async (c: Core, status = 'open') => (await json<{ items: ConflictDto[] }>(c, `/api/v1/plugins/ldap/conflicts?siteId=${c.site.id}&status=${status}`)).items;
  const resolve = (c: Core, id: string, action: string, status = 200) => json<{ conflict: ConflictDto; contact: ContactDto | null }>(c, `/api/v1/plugins/ldap/conflicts/${id}/resolve`, { method: 'POST', json: { action } }, status);

  it('holds entries back, lists them, and applies keep, overwrite and link across syncs', async () => {
    core = await startCore();
    const c = core;
    // A manual contact carrying the uid as attribute, an HR import keyed by login name.
    const manual = await json<ContactDto>(c, '/api/v1/contacts', { method: 'POST', json: { siteId: c.site.id, firstName: 'Maria', lastName: 'Huber-Alt', attributes: { ldap: { uid: 'MHuber' } }, tags: ['vip'] } }, 201);
    const hr = await json<ContactDto>(c, '/api/v1/contacts', { method: 'POST', json: { siteId: c.site.id, source: 'hr', externalId: 'kbauer', firstName: 'Klaus', lastName: 'Bauer' } }, 201);
    await configure(c, dir);

    const first = await sync(c);
    expect(first).toMatchObject({ entries: 44, created: 41, skipped: 3, conflicts: 3, newConflicts: 3, failed: 0 });
    const open = await conflicts(c);
    expect(open.map((x) => [x.kind, x.uid]).sort()).toEqual([
      ['duplicate', 'dup.one'],
      ['other-source', 'kbauer'],
      ['other-source', 'mhuber'],
    ]);
    const mConflict = open.find((x) => x.uid === 'mhuber')!;
    expect(mConflict).toMatchObject({ status: 'open', entry: { dn: MANUAL.dn, name: 'Maria Huber', data: { lastName: 'Huber' } }, other: { contactId: manual.id, source: 'manual', name: 'Maria Huber-Alt' } });
    const hConflict = open.find((x) => x.uid === 'kbauer')!;
    expect(hConflict.other).toMatchObject({ contactId: hr.id, source: 'hr', externalId: 'kbauer' });
    const dConflict = open.find((x) => x.uid === 'dup.one')!;
    const dupContact = byUid(await ldapContacts(c), 'dup.one')!;
    expect(dConflict.other.contactId).toBe(dupContact.id);
    const heldDn = dConflict.entry.dn;
    expect([DUP1.dn, DUP2.dn]).toContain(heldDn);
    expect((await notifications(c)).find((n) => n.level === 'warning')!.title).toBe('LDAP "ldap": 3 UID conflict(s) in site "test" need a decision');
    // Importing a held entry says why it cannot.
    const imp = await c.request('/api/v1/plugins/ldap/import', { method: 'POST', json: { siteId: c.site.id, dn: MANUAL.dn } });
    expect(imp.status).toBe(409);
    expect(await imp.json()).toMatchObject({ code: 'DIALBOOK_LDAP_UID_CONFLICT', detail: expect.stringContaining(`resolve conflict ${mConflict.id} first`) });

    // A second sync sees the same conflicts, raises no new ones.
    expect(await sync(c)).toMatchObject({ skipped: 3, conflicts: 3, newConflicts: 0, created: 0 });

    // keep: the HR contact stays as it is, the entry stays out.
    expect((await resolve(c, hConflict.id, 'keep')).conflict).toMatchObject({ status: 'resolved', resolution: 'keep', resolvedBy: 'admin@test.invalid' });
    // link: the manual contact becomes the entry's (data from the directory, its tags kept).
    const linked = await resolve(c, mConflict.id, 'link');
    expect(linked.contact).toMatchObject({ id: manual.id, source: 'manual', lastName: 'Huber', phones: [expect.objectContaining({ number: '030 4440003' })], tags: ['vip'], attributes: { ldap: { uid: 'mhuber', dn: MANUAL.dn } } });
    expect((await historyOf(c, manual.id)).map((h) => [h.field, h.actor])).toEqual(expect.arrayContaining([['lastName', 'plugin:ldap'], ['phones', 'plugin:ldap']]));
    // link is for another source's contact; two entries take keep or overwrite.
    expect(await resolve(c, dConflict.id, 'link', 422)).toMatchObject({ code: 'DIALBOOK_LDAP_CONFLICT_LINK' });
    // overwrite: the contact moves to the held entry (History kept), the other entry is kept out.
    const moved = await resolve(c, dConflict.id, 'overwrite');
    expect(moved.contact).toMatchObject({ id: dupContact.id, externalId: dConflict.entry.identity, attributes: { ldap: { dn: heldDn } } });

    const third = await sync(c);
    expect(third).toMatchObject({ created: 0, skipped: 2, newConflicts: 0, conflicts: 0 });
    expect(await conflicts(c)).toEqual([]);
    expect((await conflicts(c, 'resolved')).map((x) => [x.uid, x.resolution]).sort()).toEqual([
      ['dup.one', 'keep'],
      ['dup.one', 'overwrite'],
      ['kbauer', 'keep'],
      ['mhuber', 'link'],
    ]);
    expect((await json<ContactDto>(c, `/api/v1/contacts/${hr.id}`)).phones).toEqual([]);

    // The linked contact follows its entry …
    await dir.modify(changePhoneLdif(MANUAL.dn, ['030 4449999']));
    expect((await sync(c)).updated).toBe(1);
    expect((await json<ContactDto>(c, `/api/v1/contacts/${manual.id}`)).phones.map((p) => p.number)).toEqual(['030 4449999']);
    // … and goes when it goes; the kept HR contact does not (it is not the directory's).
    await dir.remove([MANUAL.dn, HR.dn]);
    const last = await sync(c);
    expect(last).toMatchObject({ deleted: 1, deletionBlocked: null });
    expect(await json<ContactDto>(c, `/api/v1/contacts/${manual.id}`)).toMatchObject({ deleted: true });
    expect(await json<ContactDto>(c, `/api/v1/contacts/${hr.id}`)).toMatchObject({ deleted: false });
    expect((await conflicts(c, 'gone')).map((x) => x.uid).sort()).toEqual(['kbauer', 'mhuber']);
    await dir.add([MANUAL, HR]);
  }, 120_000);
});
