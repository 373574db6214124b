/**
 * Issue 10, found by a run against a directory the tests never saw, reproduced against slapd:
 * - a surname changed in the directory, the cn (OpenLDAP) or displayName (AD) kept: the contact's
 *   display name stays what the entry says, one History row, and the next sync changes nothing;
 * - a NUL (or any control character) in a search term is refused with 422 naming `q`, by the route
 *   and by the plugin's own search (the contact source), instead of matching every entry.
 * One slapd with the AD test schema holds both an OpenLDAP-style and an AD-shaped branch; the test
 * site syncs the first (preset openldap), a second site the other (preset ad).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactDto, SiteDto } from '@dialbook/core';
import type { SearchHit } from '@dialbook/plugin-ldap';
import { generatePeople, replaceLdif, describeWithSlapd, startSlapd, type LdifEntry, type Slapd } from '@dialbook/test-slapd';
import { byDn, configure, historyOf, json, startCore, type Core } from './helpers.js';

const BASE = 'dc=example,dc=org';
const PEOPLE = `ou=people,${BASE}`;
const AD = `ou=ad,${BASE}`;
const soren: LdifEntry = {
  dn: `uid=soren.issue10,${PEOPLE}`,
  attributes: { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid: 'soren.issue10', cn: 'Søren Weiß', givenName: 'Søren', sn: 'Weiß', mail: 'soren.weiss@example.org', telephoneNumber: '030 5550100' },
};
const USN = 200_000;
const sorenAd: LdifEntry = {
  dn: `cn=Søren Weiß,${AD}`,
  attributes: {
    objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'user'],
    objectCategory: 'person',
    cn: 'Søren Weiß',
    givenName: 'Søren',
    sn: 'Weiß',
    displayName: 'Søren Weiß',
    sAMAccountName: 'soren.issue10',
    userPrincipalName: 'soren.issue10@example.org',
    mail: 'soren.weiss@example.org',
    telephoneNumber: '030 5550200',
    objectGUID: Buffer.from('5f1e0c9a2b7d4e31a8c6d0f4b2e19a77', 'hex'),
    whenCreated: '20240101080000.0Z',
    whenChanged: '20240101080000.0Z',
    uSNCreated: String(USN),
    uSNChanged: String(USN),
  },
};
const others = generatePeople(30, { seed: 10, baseDN: BASE, externalEvery: 0 });

describeWithSlapd('issue 10 against slapd', () => {
  let dir: Slapd;
  let core: Core;
  let adSite: SiteDto;
  beforeAll(async () => {
    dir = await startSlapd({ entries: [soren, sorenAd, ...others], adSchema: true });
    core = await startCore();
    await configure(core, dir, { baseDN: PEOPLE });
    adSite = await core.dialbook.sites.create({ name: 'AD', slug: 'ad', defaultCountry: 'DE' });
    const res = await core.request(`/api/v1/settings/ldap?siteId=${adSite.id}`, { method: 'PATCH', json: { url: dir.url, bindDN: dir.bindDN, bindPassword: dir.bindPassword, baseDN: AD, preset: 'ad' } });
    expect(res.status, await res.clone().text()).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await core?.close();
    await dir?.stop();
  });

  const syncSite = (siteId: string) => json<{ created: number; updated: number; unchanged: number; failed: number }>(core, '/api/v1/plugins/ldap/sync', { method: 'POST', json: { siteId, mode: 'full' } });
  const contactOf = async (siteId: string, dn: string): Promise<ContactDto> => {
    const items = (await json<{ items: ContactDto[] }>(core, `/api/v1/contacts?siteId=${siteId}&source=ldap&pageSize=100`)).items;
    const c = byDn(items, dn);
    expect(c, dn).toBeDefined();
    return c!;
  };

  describe('a surname changes, the name the entry shows stays', () => {
    it.each([
      ['OpenLDAP (cn kept)', () => core.site.id, soren.dn, {}],
      ['Active Directory (displayName kept)', () => adSite.id, sorenAd.dn, { ad: { usn: USN + 1 } }],
    ] as const)('%s', async (_name, site, dn, touch) => {
      const siteId = site();
      expect(await syncSite(siteId)).toMatchObject({ created: expect.any(Number), failed: 0 });
      const before = await contactOf(siteId, dn);
      expect(before).toMatchObject({ firstName: 'Søren', lastName: 'Weiß', displayName: 'Søren Weiß' });

      await dir.modify(replaceLdif(dn, { sn: 'Müller-Lüdenscheidt' }, touch));
      expect(await syncSite(siteId)).toMatchObject({ updated: 1, failed: 0 });
      const after = await contactOf(siteId, dn);
      expect(after.id).toBe(before.id);
      expect(after).toMatchObject({ lastName: 'Müller-Lüdenscheidt', displayName: 'Søren Weiß', version: before.version + 1 });
      const history = (await historyOf(core, after.id)).map((h) => h.field);
      expect(history.sort()).toEqual(['created', 'lastName']);

      // Nothing changed in the directory: nothing changes here, no History row.
      expect(await syncSite(siteId)).toMatchObject({ created: 0, updated: 0, failed: 0 });
      expect(await contactOf(siteId, dn)).toMatchObject({ displayName: 'Søren Weiß', version: after.version });
      expect(await historyOf(core, after.id)).toHaveLength(2);

      // The one-entry import (upsertFromSource rather than a batch) agrees.
      const imported = await json<{ created: boolean; contact: ContactDto }>(core, '/api/v1/plugins/ldap/import', { method: 'POST', json: { siteId, dn } });
      expect(imported.contact).toMatchObject({ id: after.id, displayName: 'Søren Weiß', version: after.version });
      expect(await historyOf(core, after.id)).toHaveLength(2);
    }, 60_000);
  });

  describe('actions', () => {
    it('"Sync now" without a site runs one tracked job per configured site (GET /api/v1/jobs)', async () => {
      const result = await json<{ ok: boolean; message: string }>(core, '/api/v1/actions/ldap.sync', { method: 'POST' });
      expect(result.ok).toBe(true);
      expect(result.message.split('\n').sort()).toEqual([expect.stringMatching(/^site "ad": full sync: 1 entry read; /), expect.stringMatching(/^site "test": full sync: 31 entries read; /)]);
      const jobs = await json<{ running: unknown[]; finished: { id: string; owner: string; status: string; done: number }[] }>(core, '/api/v1/jobs');
      expect(jobs.running).toEqual([]);
      expect(jobs.finished.slice(0, 2)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: `ldap.sync:${adSite.id}`, owner: 'ldap', status: 'succeeded', done: 1 }),
          expect.objectContaining({ id: `ldap.sync:${core.site.id}`, owner: 'ldap', status: 'succeeded', done: 31 }),
        ]),
      );
    });

    it('a site-limited user sees the actions and health of the sites it is set up for, and only theirs', async () => {
      const elsewhere = await core.dialbook.sites.create({ name: 'Elsewhere', slug: 'elsewhere', defaultCountry: 'DE' });
      const view = async (siteIds: string[]) => {
        const user = await core.createUser({ role: 'user', siteIds });
        const plugin = (await json<{ items: { id: string; actions: { id: string }[]; health: { message: string }[] }[] }>(core, '/api/v1/plugins', { headers: { authorization: `Bearer ${user.token}` }, anonymous: true })).items.find((p) => p.id === 'ldap')!;
        return { actions: plugin.actions.map((a) => a.id), health: plugin.health.map((h) => h.message) };
      };
      expect(await view([adSite.id])).toEqual({ actions: ['ldap.test', 'ldap.sync'], health: [expect.stringMatching(/^site "ad": full sync/)] });
      expect(await view([elsewhere.id])).toEqual({ actions: [], health: ['not set up for any site'] });
      expect((await view([core.site.id, adSite.id])).health[0]!.split('\n')).toHaveLength(2);
    });
  });

  describe('control characters in a search term', () => {
    const search = (q: string) => core.request(`/api/v1/plugins/ldap/search?siteId=${core.site.id}&q=${encodeURIComponent(q)}`);

    it.each([
      ['NUL', '\u0000'],
      ['NUL inside a word', 'sw\u0000eiss'],
      ['another C0 control', 'a\u0001b'],
      ['DEL', 'a\u007F'],
      ['a C1 control (NEL)', 'weiß\u0085'],
    ])('%s: 422 naming q, no search', async (_what, q) => {
      const res = await search(q);
      expect(res.status).toBe(422);
      const problem = (await res.json()) as { code: string; field: string; detail: string };
      // The core names query parameters `query.<name>`.
      expect(problem).toMatchObject({ code: 'DIALBOOK_VALIDATION', field: 'query.q' });
      // The core's own guard may answer first for some characters (with its own words); the plugin's schema refuses the rest.
      expect(problem.detail).toMatch(/control character.*U\+00[0-9A-F]{2}/);
    });

    it("the plugin's own search refuses them too (the contact source, called without the route)", async () => {
      const source = core.dialbook.registries.contactSources.require('ldap');
      await expect(source.search!('\u0000', { siteId: core.site.id })).rejects.toMatchObject({ status: 422, field: 'q', code: 'DIALBOOK_VALIDATION' });
      await expect(source.search!('mail\u0000', { siteId: core.site.id })).rejects.toMatchObject({ status: 422, field: 'q' });
    });

    it('an ordinary term still finds the entry', async () => {
      const res = await search('soren.issue10');
      expect(res.status).toBe(200);
      expect(((await res.json()) as { items: SearchHit[] }).items.map((h) => h.dn)).toEqual([soren.dn]);
    });
  });
});
