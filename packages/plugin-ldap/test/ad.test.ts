/**
 * The Active Directory preset against slapd holding AD-shaped entries (@dialbook/test-slapd's ad-test.schema:
 * objectGUID bytes, sAMAccountName, otherTelephone, ipPhone, uSNChanged, a root DSE with
 * highestCommittedUSN), more of them than the size limit.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { ContactDto } from '@dialbook/core';
import { formatGuid, type ProbeReport, type SearchHit } from '@dialbook/plugin-ldap';
import { attr, changePhoneLdif, generatePeople, maxUsn, describeWithSlapd, startSlapd, type LdifEntry, type Slapd } from '@dialbook/test-slapd';
import { configure, json, ldapContacts, startCore, sync, type Core } from './helpers.js';

const N = 1100;
const people = generatePeople(N, { ad: true, seed: 7 });
const values = (e: LdifEntry, a: string) => [e.attributes[a] ?? []].flat().map(String);
const guidOf = (e: LdifEntry) => formatGuid(e.attributes.objectGUID as Uint8Array);
/** sAMAccountName is cut to 20 characters (as AD does), so a few long names collide: UID conflicts. */
const sams = people.map((e) => attr(e, 'sAMAccountName')!.toLowerCase());
const duplicates = sams.length - new Set(sams).size;
const unique = (e: LdifEntry) => sams.filter((s) => s === attr(e, 'sAMAccountName')!.toLowerCase()).length === 1;
const rich = people.find((e) => e.attributes.otherTelephone && e.attributes.ipPhone && e.attributes.mobile && e.attributes.department && unique(e))!;

describeWithSlapd('sync from an Active-Directory-shaped directory (preset ad)', () => {
  let dir: Slapd;
  let core: Core | undefined;
  beforeAll(async () => {
    dir = await startSlapd({ entries: people, adSchema: true });
  });
  afterAll(async () => {
    await dir?.stop();
  });
  afterEach(async () => {
    await core?.close();
    core = undefined;
  });

  it('maps AD attributes, identifies entries by objectGUID, and syncs incrementally by uSNChanged', async () => {
    core = await startCore();
    await configure(core, dir, { preset: 'ad' });

    const report = await json<ProbeReport>(core, '/api/v1/plugins/ldap/test', { method: 'POST', json: { siteId: core.site.id } });
    expect(report.ok).toBe(true);
    expect(report.message).toContain('incremental sync by uSNChanged is available');
    expect(report.steps.find((s) => s.step === 'mapping')!.message).toContain('identity: objectGUID');

    const first = await sync(core);
    expect(duplicates).toBeGreaterThan(0);
    expect(first).toMatchObject({ mode: 'full', entries: N, created: N - duplicates, skipped: duplicates, newConflicts: duplicates, failed: 0, pages: 3, marker: String(maxUsn(people)) });
    const all = await ldapContacts(core);
    expect(all).toHaveLength(N - duplicates);
    const conflicts = await json<{ items: { kind: string; uid: string }[] }>(core, `/api/v1/plugins/ldap/conflicts?siteId=${core.site.id}`);
    expect(conflicts.items).toHaveLength(duplicates);
    expect(conflicts.items.every((c) => c.kind === 'duplicate' && c.uid.length === 20)).toBe(true);
    const c = all.find((x) => x.externalId === guidOf(rich))!;
    expect(c).toMatchObject({
      department: attr(rich, 'department'),
      organization: attr(rich, 'company'),
      attributes: { ldap: { uid: attr(rich, 'sAMAccountName'), dn: rich.dn } },
    });
    expect(c.phones.map((p) => [p.type, p.number])).toEqual([
      ...values(rich, 'telephoneNumber').map((n) => ['work', n]),
      ...values(rich, 'otherTelephone').map((n) => ['work', n]),
      ...values(rich, 'mobile').map((n) => ['mobile', n]),
      ['other', attr(rich, 'ipPhone')],
    ]);

    // A change as AD records it (new uSNChanged): a scheduled-style run reads just that entry.
    const usn = maxUsn(people) + 1;
    await dir.modify(changePhoneLdif(rich.dn, ['+49 89 1234500'], { ad: { usn } }));
    const inc = await sync(core, { mode: 'auto' });
    expect(inc).toMatchObject({ mode: 'incremental', entries: 1, updated: 1, deleted: 0 });
    const after = (await ldapContacts(core)).find((x) => x.id === c.id)!;
    expect(after.phones.filter((p) => p.type === 'work').map((p) => p.number)).toEqual(['+49 89 1234500', ...values(rich, 'otherTelephone')]);

    // Search by login name, import by objectGUID (compared as bytes in the filter).
    const hits = await json<{ items: SearchHit[] }>(core, `/api/v1/plugins/ldap/search?siteId=${core.site.id}&q=${attr(rich, 'sAMAccountName')}`);
    expect(hits.items.map((h) => h.externalId)).toContain(guidOf(rich));
    const imported = await json<{ contact: ContactDto; created: boolean }>(core, '/api/v1/plugins/ldap/import', { method: 'POST', json: { siteId: core.site.id, externalId: guidOf(rich) } });
    expect(imported).toMatchObject({ created: false, contact: { id: c.id } });
  }, 180_000);
});
