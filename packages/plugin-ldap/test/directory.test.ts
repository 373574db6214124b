/**
 * Test connection, live search and import of one entry against slapd; the core's generic
 * source routes. A small directory: here the point is the answers, not the volume.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { systemActor, type ContactDto } from '@dialbook/core';
import type { ProbeReport, SearchHit } from '@dialbook/plugin-ldap';
import { attr, generatePeople, otherForm, describeWithSlapd, startSlapd, type Slapd } from '@dialbook/test-slapd';
import { createTestCore } from '@dialbook/core/testing';
import ldap from '@dialbook/plugin-ldap';
import { configure, json, ldapContacts, startCore, type Core } from './helpers.js';

const people = generatePeople(60, { seed: 11 });
const star = people.find((e) => attr(e, 'cn') === 'Star*Support')!;
const hotline = people.find((e) => attr(e, 'cn') === 'Hotline (24/7)')!;
const weiss = people.find((e) => attr(e, 'cn') === 'Jörg Weiß (Vertretung)')!;
const withPhone = people.find((e) => attr(e, 'telephoneNumber') && e !== star && e !== hotline)!;

describeWithSlapd('test connection, search and import against slapd', () => {
  let dir: Slapd;
  let core: Core;
  beforeAll(async () => {
    dir = await startSlapd({ entries: people });
    core = await startCore();
    await configure(core, dir);
  });
  afterAll(async () => {
    await core?.close();
    await dir?.stop();
  });
  afterEach(() => {
    if (!dir.running) return dir.start();
  });

  const test = (settings?: Record<string, unknown>) => json<ProbeReport>(core, '/api/v1/plugins/ldap/test', { method: 'POST', json: { siteId: core.site.id, ...(settings ? { settings } : {}) } });

  it('test connection: every step passes with good settings', async () => {
    const r = await test();
    expect(r).toMatchObject({ ok: true, stage: null, sample: { dn: expect.any(String), identity: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    expect(r.steps.map((s) => [s.step, s.ok])).toEqual([
      ['dns', true],
      ['tcp', true],
      ['bind', true],
      ['baseDN', true],
      ['filter', true],
      ['mapping', true],
    ]);
    expect(r.message).toMatch(new RegExp(`^Connected to 127\\.0\\.0\\.1:${dir.port} \\(plain\\) and bound as "cn=reader,dc=example,dc=org"; \\(objectClass=inetOrgPerson\\) finds entries under "dc=example,dc=org", e\\.g\\. ".+" \\(.+\\); incremental sync by modifyTimestamp is available\\.$`));
    // The action and the contact source say the same.
    expect(await json(core, '/api/v1/actions/ldap.test', { method: 'POST', json: { siteId: core.site.id } })).toMatchObject({ ok: true, message: r.message });
    expect(await core.dialbook.registries.contactSources.require('ldap').test!()).toEqual({ ok: true, message: `site "test": ${r.message}` });
  });

  it('test connection names the step that failed, in words', async () => {
    const bind = await test({ bindPassword: 'wrong' });
    expect(bind).toMatchObject({ ok: false, stage: 'bind', message: 'bind: the server refused the bind DN or password (invalid credentials) for "cn=reader,dc=example,dc=org". Check bindDN and bindPassword; the account may also be locked or expired.' });
    expect(bind.steps.map((s) => [s.step, s.ok])).toEqual([['dns', true], ['tcp', true], ['bind', false]]);

    expect(await test({ baseDN: 'ou=nowhere,dc=example,dc=org' })).toMatchObject({ ok: false, stage: 'baseDN', message: expect.stringContaining('base DN: "ou=nowhere,dc=example,dc=org" does not exist on the server') });
    expect(await test({ filter: '(objectClass=inetOrgPersn)' })).toMatchObject({ ok: false, stage: 'filter', message: expect.stringContaining('filter: no entry under "dc=example,dc=org" (scope sub) matches (objectClass=inetOrgPersn)') });
    expect(await test({ filter: '(&(uid=x)' })).toMatchObject({ ok: false, stage: 'settings', message: expect.stringContaining('filter: not a valid LDAP filter') });
    expect(await test({ url: `ldaps://127.0.0.1:${dir.port}`, bindPassword: dir.bindPassword })).toMatchObject({ ok: false, stage: 'tls', message: expect.stringMatching(/^TLS: /) });
    expect(await test({ startTls: true, bindPassword: dir.bindPassword })).toMatchObject({ ok: false, stage: 'tls', message: expect.stringMatching(/^TLS: StartTLS failed on 127\.0\.0\.1:\d+/) });
    expect(await test({ bindDN: '', bindPassword: null })).toMatchObject({ ok: false, stage: 'baseDN', message: expect.stringContaining('An anonymous bind may simply not be allowed to see it') }); // the directory hides everything from anonymous binds
    expect(await test({ bindPassword: null })).toMatchObject({ ok: false, stage: 'settings', message: expect.stringContaining('no bindPassword') });
    // The saved password never goes to another server (a staff user could point the URL at their own).
    expect(await test({ url: 'ldap://attacker.example' })).toMatchObject({ ok: false, stage: 'settings', message: 'settings: enter bindPassword again to test with a changed url (the saved password is only sent to the saved server)' });

    dir.kill();
    await dir.exited(); // refused only once the process is gone; before that the connection is merely cut
    expect(await test()).toMatchObject({ ok: false, stage: 'tcp', message: `TCP: 127.0.0.1:${dir.port} refused the connection. Is the directory server running, and is ${dir.port} its LDAP port?` });
  });

  it('search: across uid, names, mail and numbers; the term is escaped, never syntax', async () => {
    const search = async (q: string) => (await json<{ items: SearchHit[] }>(core, `/api/v1/plugins/ldap/search?siteId=${core.site.id}&q=${encodeURIComponent(q)}`)).items;
    // "*" and "(" are searched for as characters.
    expect((await search('*')).map((h) => h.dn)).toEqual([star.dn]);
    expect((await search('line (24/7')).map((h) => h.displayName)).toEqual(['Hotline (24/7)']);
    // An injection attempt finds nothing (and is no error).
    expect(await search('*)(objectClass=*')).toEqual([]);
    expect(await search('x)(|(uid=*')).toEqual([]);
    // Umlauts, uid, mail, and a number written the other way round.
    expect((await search('Weiß')).map((h) => h.dn)).toContain(weiss.dn);
    expect((await search(attr(withPhone, 'uid')!)).map((h) => h.dn)).toContain(withPhone.dn);
    const number = attr(withPhone, 'telephoneNumber')!;
    expect((await search(otherForm(number))).map((h) => h.dn)).toContain(withPhone.dn);
    const hit = (await search(attr(withPhone, 'uid')!))[0]!;
    expect(hit).toMatchObject({ externalId: expect.stringMatching(/^[0-9a-f-]{36}$/), uid: attr(withPhone, 'uid'), detail: expect.stringContaining(attr(withPhone, 'uid')!) });
    // The contact source's search (for the core and the UI).
    const entries = await core.dialbook.registries.contactSources.require('ldap').search!('Hotline', { siteId: core.site.id });
    expect(entries).toEqual([{ externalId: expect.any(String), displayName: 'Hotline (24/7)', detail: expect.stringContaining(hotline.dn) }]);
  });

  it('import one entry by DN: created, then updated; an entry outside the filter is not found', async () => {
    const first = await core.request('/api/v1/plugins/ldap/import', { method: 'POST', json: { siteId: core.site.id, dn: weiss.dn } });
    expect(first.status).toBe(201);
    const { contact } = (await first.json()) as { contact: ContactDto };
    expect(contact).toMatchObject({ source: 'ldap', firstName: 'Jörg', lastName: 'Weiß', displayName: 'Jörg Weiß (Vertretung)' });
    const again = await json<{ created: boolean; contact: ContactDto }>(core, '/api/v1/plugins/ldap/import', { method: 'POST', json: { siteId: core.site.id, dn: weiss.dn.toUpperCase().replace('DC=EXAMPLE,DC=ORG', 'dc=example,dc=org') } });
    expect(again).toMatchObject({ created: false, contact: { id: contact.id } });
    // The source's importOne takes the identity too.
    const byId = await core.dialbook.registries.contactSources.require('ldap').importOne!(contact.externalId!, { siteId: core.site.id, actor: systemActor });
    expect(byId.id).toBe(contact.id);

    const reader = await core.request('/api/v1/plugins/ldap/import', { method: 'POST', json: { siteId: core.site.id, dn: dir.bindDN } });
    expect(reader.status).toBe(404);
    expect(((await reader.json()) as { detail: string }).detail).toBe(`no entry ${dir.bindDN} under "dc=example,dc=org" matches the filter (objectClass=inetOrgPerson)`);
    expect((await core.request('/api/v1/plugins/ldap/import', { method: 'POST', json: { siteId: core.site.id, dn: 'uid=nobody,ou=people,dc=example,dc=org' } })).status).toBe(404);
    expect((await core.request('/api/v1/plugins/ldap/import', { method: 'POST', json: { siteId: core.site.id } })).status).toBe(422);
  });

  it("the core's generic sync route and job list run the source", async () => {
    const result = await json<{ created: number; unchanged: number; mode: string }>(core, '/api/v1/sources/ldap/sync', { method: 'POST', json: { siteId: core.site.id } });
    expect(result).toMatchObject({ mode: 'full', created: people.length - 1, unchanged: 1 });
    const jobs = await json<{ finished: { id: string; status: string; done: number }[] }>(core, '/api/v1/jobs');
    expect(jobs.finished[0]).toMatchObject({ id: `ldap.sync:${core.site.id}`, status: 'succeeded', done: people.length });
    expect(await ldapContacts(core)).toHaveLength(people.length);
  });

  it('two instances of the plugin (two directories) share the tables, each with its own contacts', async () => {
    const two = await createTestCore({ plugins: { 'ldap-people': ldap, 'ldap-external': ldap } });
    try {
      const set = (id: string, baseDN: string) =>
        json(two, `/api/v1/settings/${id}?siteId=${two.site.id}`, { method: 'PATCH', json: { url: dir.url, bindDN: dir.bindDN, bindPassword: dir.bindPassword, baseDN } });
      await set('ldap-people', `ou=people,${dir.baseDN}`);
      await set('ldap-external', `ou=external,${dir.baseDN}`);
      const run = (id: string) => json<{ created: number }>(two, `/api/v1/plugins/${id}/sync`, { method: 'POST', json: { siteId: two.site.id } });
      const external = people.filter((e) => e.dn.includes('ou=external')).length;
      expect(external).toBeGreaterThan(0);
      expect((await run('ldap-people')).created).toBe(people.length - external);
      expect((await run('ldap-external')).created).toBe(external);
      expect(await ldapContacts(two, 'active', 'ldap-external')).toHaveLength(external);
      // A second run of one instance leaves the other's contacts alone.
      expect(await run('ldap-people')).toMatchObject({ created: 0, deleted: 0 });
      expect(await ldapContacts(two, 'active', 'ldap-external')).toHaveLength(external);
    } finally {
      await two.close();
    }
  });
});
