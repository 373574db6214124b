/**
 * Sync against a real OpenLDAP slapd (@dialbook/test-slapd) with 2,600 inetOrgPerson entries
 * and a size limit of 1,000 for the bind account: paging, umlauts, multi-valued numbers,
 * History, incremental and full runs with entries added/changed/renamed/removed between them,
 * the delete guard against a filter that finds nothing, and a server that dies mid-sync.
 * Runs on SQLite, and on PostgreSQL with DIALBOOK_TEST_DATABASE_URL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContactDto } from '@dialbook/core';
import { attr, changePhoneLdif, joinLdif, defaultPeople, DEFAULT_PEOPLE, otherForm, renameLdif, replaceLdif, describeWithSlapd, startSlapd, type LdifEntry, type Slapd } from '@dialbook/test-slapd';
import { byUid, configure, enricher, historyOf, json, ldapContacts, listen, notifications, startCore, sync, type Core } from './helpers.js';

const people = defaultPeople();
const uidOf = (e: LdifEntry) => attr(e, 'uid')!;
const phonesOf = (e: LdifEntry) => [e.attributes.telephoneNumber ?? []].flat().map(String);
/** An entry with two work numbers, one with a mobile, one with ß or an umlaut in its surname. */
const twoNumbers = people.find((e) => phonesOf(e).length === 2 && e.attributes.mobile)!;
const umlaut = people.find((e) => /[ßäöü]/.test(attr(e, 'sn') ?? '') && attr(e, 'givenName'))!;

describeWithSlapd('sync from OpenLDAP (2,600 entries, size limit 1,000)', () => {
  let dir: Slapd;
  let core: Core | undefined;

  beforeAll(async () => {
    dir = await startSlapd({ entries: people });
  });
  afterAll(async () => {
    await dir?.stop();
  });
  afterEach(async () => {
    await core?.close();
    core = undefined;
    if (!dir.running) await dir.start();
  });

  it('the bind account really is limited: a plain search stops at 1,000', async () => {
    const plain = await dir.ldapsearch(['-LLL', '-b', dir.baseDN, '(objectClass=inetOrgPerson)', '1.1'], { as: 'reader' });
    expect(plain.code).toBe(4); // sizeLimitExceeded
    expect(plain.stdout.match(/^dn:/gm)).toHaveLength(1000);
  });

  it('reads every entry through paged search, with umlauts and multi-valued numbers, History and events', async () => {
    core = await startCore({ enricher });
    const events = listen(core);
    await configure(core, dir, { pageSize: 500 });

    const first = await sync(core);
    expect(first).toMatchObject({ mode: 'full', entries: DEFAULT_PEOPLE, pages: 6, created: DEFAULT_PEOPLE, updated: 0, deleted: 0, failed: 0, deletionBlocked: null });
    expect(events.synced).toBe(DEFAULT_PEOPLE);
    expect(events.finished).toEqual([{ source: 'ldap', siteId: core.site.id, created: DEFAULT_PEOPLE, updated: 0, deleted: 0, unchanged: 0, failed: 0 }]);

    const all = await ldapContacts(core);
    expect(all).toHaveLength(DEFAULT_PEOPLE);
    // Every identity is an entryUUID, every contact knows its DN and uid.
    expect(all.every((c) => /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(c.externalId!) && typeof c.attributes.ldap?.dn === 'string')).toBe(true);

    const multi = byUid(all, uidOf(twoNumbers))!;
    expect(multi.phones.filter((p) => p.type === 'work').map((p) => p.number)).toEqual(phonesOf(twoNumbers));
    expect(multi.phones.filter((p) => p.type === 'mobile')).toHaveLength(1);
    // Found by the other spelling of its number (national ↔ international).
    const found = await json<{ items: ContactDto[] }>(core, `/api/v1/contacts/lookup?siteId=${core.site.id}&number=${encodeURIComponent(otherForm(phonesOf(twoNumbers)[1]!))}`);
    expect(found.items.map((c) => c.id)).toEqual([multi.id]);

    const u = byUid(all, uidOf(umlaut))!;
    expect(u).toMatchObject({ firstName: attr(umlaut, 'givenName'), lastName: attr(umlaut, 'sn'), source: 'ldap' });
    // Accent-folding search of the core reaches the imported names.
    const folded = attr(umlaut, 'sn')!.replace('ß', 'ss').normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    const search = await json<{ items: ContactDto[] }>(core, `/api/v1/contacts?siteId=${core.site.id}&q=${encodeURIComponent(folded)}&pageSize=500`);
    expect(search.items.map((c) => c.id)).toContain(u.id);
    expect(await historyOf(core, u.id)).toEqual([
      expect.objectContaining({ field: 'attributes', actor: 'plugin:enricher' }),
      expect.objectContaining({ field: 'created', actor: 'plugin:ldap', actorName: 'plugin ldap' }),
    ]);
    // The enricher's data is there, and a second sync keeps it: nothing changed, no History.
    expect(u.attributes.cucm).toEqual({ pin: expect.stringMatching(/^9/) });

    const second = await sync(core);
    expect(second).toMatchObject({ mode: 'full', entries: DEFAULT_PEOPLE, created: 0, updated: 0, unchanged: DEFAULT_PEOPLE, deleted: 0 });
    const again = byUid(await ldapContacts(core), uidOf(umlaut))!;
    expect(again.version).toBe(u.version);
    expect(again.attributes.cucm).toEqual(u.attributes.cucm);
    expect(events.synced).toBe(2 * DEFAULT_PEOPLE);

    const notes = await notifications(core);
    expect(notes.filter((n) => n.title === 'LDAP "ldap": site "test" synced')).toHaveLength(2);
  }, 240_000);

  it('entries added, changed, renamed and removed between syncs: incremental reads only those, full removes', async () => {
    core = await startCore();
    await configure(core, dir, { pageSize: 1000 });
    expect((await sync(core)).created).toBe(DEFAULT_PEOPLE);
    const before = await ldapContacts(core);

    const [changed, renamed, removed1, removed2] = [people[100]!, people[101]!, people[102]!, people[103]!];
    await dir.modify(changePhoneLdif(changed.dn, ['+49 30 5550001', '+49 30 5550002']));
    await dir.modify(renameLdif(renamed.dn, 'uid=renamed.person'));
    await dir.add([{ dn: `uid=new.person,ou=people,${dir.baseDN}`, attributes: { objectClass: ['inetOrgPerson'], uid: 'new.person', cn: 'Neue Person', sn: 'Pérez-Müller', givenName: 'Inès', telephoneNumber: '030 5550003' } }]);
    await dir.remove([removed1.dn, removed2.dn]);
    try {
      // Incremental: only what changed since the last run (the removal is invisible to it).
      const inc = await sync(core, { mode: 'incremental' });
      expect(inc).toMatchObject({ mode: 'incremental', entries: 3, created: 1, updated: 2, deleted: 0, unchanged: 0 });
      let now = await ldapContacts(core);
      const c = byUid(now, uidOf(changed))!;
      expect(c.phones.map((p) => p.number)).toEqual(['+49 30 5550001', '+49 30 5550002', ...byUid(before, uidOf(changed))!.phones.filter((p) => p.type !== 'work').map((p) => p.number)]);
      const h = await historyOf(core, c.id);
      expect(h[0]).toMatchObject({ field: 'phones', actor: 'plugin:ldap' });
      // A rename keeps the entryUUID, so it is the same contact, now with its new DN (and uid, the RDN).
      const r = now.find((x) => x.id === byUid(before, uidOf(renamed))!.id)!;
      expect(r.attributes.ldap).toEqual({ uid: 'renamed.person', dn: `uid=renamed.person,ou=people,${dir.baseDN}` });
      expect(r.firstName).toBe(attr(renamed, 'givenName') ?? null);
      expect(byUid(now, 'new.person')).toMatchObject({ firstName: 'Inès', lastName: 'Pérez-Müller' });
      expect(now).toHaveLength(DEFAULT_PEOPLE + 1);

      // Nothing changed since. The marker stays 5 minutes behind a run's start (clock skew), so the
      // three fresh changes are read once more — and change nothing.
      expect(await sync(core, { mode: 'incremental' })).toMatchObject({ mode: 'incremental', entries: 3, unchanged: 3, created: 0, updated: 0 });

      // Full: the removed entries' contacts are soft-deleted (restorable, History kept), never purged.
      const full = await sync(core, { mode: 'full' });
      expect(full).toMatchObject({ mode: 'full', entries: DEFAULT_PEOPLE - 1, deleted: 2, unchanged: DEFAULT_PEOPLE - 1, deletionBlocked: null });
      now = await ldapContacts(core);
      expect(now).toHaveLength(DEFAULT_PEOPLE - 1);
      const gone = await ldapContacts(core, 'deleted');
      expect(gone.map((x) => x.attributes.ldap?.uid).sort()).toEqual([uidOf(removed1), uidOf(removed2)].sort());
      expect((await historyOf(core, gone[0]!.id))[0]).toMatchObject({ field: 'deleted', actor: 'plugin:ldap' });

      // A value removed in the directory clears the field.
      await dir.modify(replaceLdif(changed.dn, { telephoneNumber: [], title: [] }));
      await sync(core, { mode: 'incremental' });
      expect(byUid(await ldapContacts(core), uidOf(changed))!.phones.filter((p) => p.type === 'work')).toEqual([]);
    } finally {
      // Put the directory back for the next tests.
      await dir.modify(joinLdif(renameLdif(`uid=renamed.person,ou=people,${dir.baseDN}`, `uid=${uidOf(renamed)}`)));
      await dir.remove([`uid=new.person,ou=people,${dir.baseDN}`]);
      await dir.add([removed1, removed2]);
      await dir.modify(replaceLdif(changed.dn, { telephoneNumber: phonesOf(changed), ...(attr(changed, 'title') ? { title: attr(changed, 'title')! } : {}) }));
    }
  }, 300_000);

  it('a filter that finds nothing deletes nothing: the guard stops, notifies, and lets a confirmed run through', async () => {
    core = await startCore();
    await configure(core, dir);
    expect((await sync(core)).created).toBe(DEFAULT_PEOPLE);

    // A typo in the object class: valid syntax, zero entries.
    await configure(core, dir, { filter: '(objectClass=inetOrgPersn)' });
    const empty = await sync(core);
    expect(empty).toMatchObject({ entries: 0, deleted: 0, deletionBlocked: { wouldDelete: DEFAULT_PEOPLE, of: DEFAULT_PEOPLE, share: 1, maxShare: 0.2 } });
    expect(await ldapContacts(core)).toHaveLength(DEFAULT_PEOPLE);
    const warning = (await notifications(core)).find((n) => n.level === 'warning')!;
    expect(warning.title).toBe('LDAP "ldap": nothing was deleted in site "test"');
    expect(warning.body).toContain('The directory returned no entry at all for the filter (objectClass=inetOrgPersn) under dc=example,dc=org');
    // The action reports it as not ok; the same situation is not notified twice.
    const action = await json<{ ok: boolean; message: string }>(core, '/api/v1/actions/ldap.sync', { method: 'POST', json: { siteId: core.site.id } });
    expect(action).toMatchObject({ ok: false, message: expect.stringContaining(`${DEFAULT_PEOPLE} deletion(s) held back`) });
    expect((await notifications(core)).filter((n) => n.level === 'warning')).toHaveLength(1);
    // The status says the next scheduled run is full again (a blocked run is no full run).
    const status = await json<{ lastStatus: string; nextMode: { mode: string } }>(core, `/api/v1/plugins/ldap/status?siteId=${core.site.id}`);
    expect(status).toMatchObject({ lastStatus: 'blocked', nextMode: { mode: 'full' } });

    // A syntactically broken filter is refused when saved.
    const bad = await core.request(`/api/v1/settings/ldap?siteId=${core.site.id}`, { method: 'PATCH', json: { filter: '(&(objectClass=person)' } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { field: string }).field).toBe('filter');

    // A narrower filter that drops 25 % (more than the 20 % allowed) is held back too …
    await configure(core, dir, { filter: '(&(objectClass=inetOrgPerson)(!(uid=a*))(!(uid=b*))(!(uid=s*)))' });
    const narrow = await sync(core);
    expect(narrow.deletionBlocked).toMatchObject({ of: DEFAULT_PEOPLE });
    expect(narrow.deletionBlocked!.share).toBeGreaterThan(0.2);
    expect(narrow.deleted).toBe(0);
    // … until someone confirms it.
    const confirmed = await sync(core, { confirmDeletions: true });
    expect(confirmed.deleted).toBe(narrow.deletionBlocked!.wouldDelete);
    expect(confirmed.deletionBlocked).toBeNull();
    expect(await ldapContacts(core)).toHaveLength(DEFAULT_PEOPLE - confirmed.deleted);
  }, 300_000);

  it('the server dies mid-sync: a clear error, nothing deleted, every contact whole; the next run finishes', async () => {
    core = await startCore();
    await configure(core, dir, { pageSize: 200 });
    expect((await sync(core)).created).toBe(DEFAULT_PEOPLE);
    // One entry gone from the directory, one changed: a completed full run would delete and update.
    const removed = people[5]!;
    const changed = people[2000]!;
    await dir.remove([removed.dn]);
    await dir.modify(changePhoneLdif(changed.dn, ['+49 30 7770000']));
    try {
      // Kill slapd while the sync is busy with its 3rd page.
      let n = 0;
      let progress: unknown;
      const jobs = core.dialbook.jobs;
      core.dialbook.hooks.on('contact.synced', () => {
        if (++n !== 450) return;
        progress = { ...jobs.list().running[0] };
        dir.kill();
      });
      const res = await core.request('/api/v1/plugins/ldap/sync', { method: 'POST', json: { siteId: core.site.id } });
      expect(res.status).toBe(502);
      // Progress was visible while it ran (GET /api/v1/jobs).
      expect(progress).toMatchObject({ id: `ldap.sync:${core.site.id}`, status: 'running', done: 400, message: 'page 2' });
      const problem = (await res.json()) as { code: string; detail: string };
      expect(problem.code).toBe('DIALBOOK_LDAP_CONNECTION');
      expect(problem.detail).toMatch(/^LDAP "ldap": the full sync of site "test" failed: the connection to 127\.0\.0\.1:\d+ was lost during the search\. .* (\d+) entries had been read .*Nothing was deleted; the next sync starts over\.$/);
      const after = await ldapContacts(core, 'all');
      expect(after.filter((c) => c.deleted)).toEqual([]);
      expect(after).toHaveLength(DEFAULT_PEOPLE);
      // Every contact is whole: the numbers of each are exactly those of its entry.
      for (const e of people.slice(0, 600)) {
        if (e === removed) continue;
        expect(byUid(after, uidOf(e))!.phones.filter((p) => p.type === 'work').map((p) => p.number)).toEqual(phonesOf(e));
      }
      const note = (await notifications(core)).find((x) => x.level === 'error')!;
      expect(note).toMatchObject({ title: 'LDAP "ldap": sync of site "test" failed', body: problem.detail });
      const status = await json<{ lastStatus: string; lastFullAt: string | null }>(core, `/api/v1/plugins/ldap/status?siteId=${core.site.id}`);
      expect(status.lastStatus).toBe('failed');

      // Back up: the next full run completes the work.
      await dir.start();
      const next = await sync(core);
      expect(next).toMatchObject({ entries: DEFAULT_PEOPLE - 1, deleted: 1, updated: 1 });
      expect(byUid(await ldapContacts(core), uidOf(changed))!.phones.find((p) => p.type === 'work')!.number).toBe('+49 30 7770000');
    } finally {
      if (!dir.running) await dir.start();
      await dir.add([removed]);
      await dir.modify(changePhoneLdif(changed.dn, phonesOf(changed)));
    }
  }, 300_000);

  it('a server that stops answering runs into the timeout, and nothing is deleted', async () => {
    core = await startCore();
    await configure(core, dir, { timeoutSeconds: 1, filter: '(uid=a*)' });
    const first = await sync(core);
    expect(first.created).toBeGreaterThan(10);
    await dir.pause();
    try {
        const res = await core.request('/api/v1/plugins/ldap/sync', { method: 'POST', json: { siteId: core.site.id } });
        expect(res.status).toBe(502);
        expect(((await res.json()) as { detail: string }).detail).toMatch(/did not answer in time|no answer from/);
    } finally {
      dir.resume();
    }
    expect(await ldapContacts(core)).toHaveLength(first.created);
  }, 60_000);
});

describe('fixture', () => {
  it('has what the tests above rely on', () => {
    expect(twoNumbers).toBeDefined();
    expect(umlaut).toBeDefined();
  });
});
