/**
 * The end-to-end test of issue 12: an LDAP sync of 2,000 entries from a real slapd
 * (@dialbook/test-slapd, plugin-ldap) with CUCM enrichment against the double, which injects
 * throttling faults (axlcode -1 memory, "Query request too large", HTTP 503) and enforces the
 * RisPort budget (5 a minute here; the plugin's clock and the double's run 20 times faster).
 *
 * - every contact ends enriched (user id, phones, PIN);
 * - RisPort got no more than its budget in any minute, and never had to refuse a request;
 * - the sync is not stretched: no CUCM request at all happened before the sync had finished;
 * - no PIN appears in the captured log, the audit table, the History table, `contact.*` event
 *   payloads, the Yealink directory XML or a full read of the contacts (core has no export route;
 *   `GET /contacts` page by page is what an export reads).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ContactDto } from '@dialbook/core';
import { spyEvents } from '@dialbook/core/testing';
import ldap from '@dialbook/plugin-ldap';
import yealink from '@dialbook/plugin-yealink';
import { attr, describeWithSlapd, generatePeople, startSlapd, type Slapd } from '@dialbook/test-slapd';
import { startCucmDouble, type CucmDouble } from './double/server.js';
import { allContacts, configure, fastClock, json, startCore, type Core } from './plugin-helpers.js';

const ENTRIES = 2000;
const RIS_PER_MINUTE = 5;
const clock = fastClock(20);
const people = generatePeople(ENTRIES, { seed: 12 });
const uids = people.map((e) => attr(e, 'uid')!);
/** uid → PIN: 8 digits, 9 first, so a leak is easy to find among the text's digit runs. */
const pins = new Map(uids.map((uid, i) => [uid, `9${String(i + 1).padStart(7, '0')}`]));
const pinSet = new Set(pins.values());

let dir: Slapd;
let cucm: CucmDouble;
let core: Core;
const logs: string[] = [];

/** Digit runs of `text` that are PINs. */
const leaked = (text: string) => [...new Set((text.match(/\d+/g) ?? []).filter((d) => pinSet.has(d)))];

describeWithSlapd(`LDAP sync of ${ENTRIES.toLocaleString('en')} entries with CUCM enrichment`, () => {
  beforeAll(async () => {
    [dir, cucm] = await Promise.all([startSlapd({ entries: people }), startCucmDouble({ now: clock.now, risPerMinute: RIS_PER_MINUTE })]);
    const seen = Math.floor(clock.now() / 1000) - 60;
    uids.forEach((uid, i) => {
      const name = `SEP${(0x100000 + i).toString(16).toUpperCase().padStart(12, '0')}`;
      cucm.data.addPhone({ name, owner: uid, description: `Desk of ${uid}`, lines: [{ index: 1, dn: String(20000 + i), partition: 'PT_Internal' }], registrations: i % 3 ? [{ node: 'cucm-sub1', status: 'Registered', ip: '10.2.0.1', timestamp: seen }] : [] });
      cucm.data.addUser({ userid: uid, firstName: 'x', lastName: uid, associatedDevices: [name] });
      cucm.data.addFac({ name: uid, code: pins.get(uid)!, authorizationLevel: 10 });
    });
    core = await startCore({ clock, plugins: { ldap, yealink }, core: { logger: pino({ level: 'debug' }, { write: (s: string) => void logs.push(s) }) } });
    await json(core, `/api/v1/settings/ldap?siteId=${core.site.id}`, { method: 'PATCH', json: { url: dir.url, bindDN: dir.bindDN, bindPassword: dir.bindPassword, baseDN: dir.baseDN, pageSize: 500 } });
    await configure(core, cucm, { readOnlySql: true, concurrency: 6, risport: { perMinute: RIS_PER_MINUTE } });
  }, 120_000);
  afterAll(async () => {
    await core?.close();
    await Promise.all([dir?.stop(), cucm?.close()]);
  });

  it('every contact ends enriched; RisPort stays in its budget; the sync is not held up; no PIN leaks', { timeout: 90_000 }, async () => {
    // Throttling on the way: CUCM's memory fault and 503 are waited out, "too large" splits the SQL batch.
    cucm.fail('executeSQLQuery', 'memory', { times: 2 });
    cucm.fail('executeSQLQuery', 'too-large', { times: 1, rows: 60 });
    cucm.fail('getFacInfo', 'memory', { times: 3 });
    cucm.fail('getFacInfo', 'busy', { times: 3 });

    const events = spyEvents(core, ['contact.created', 'contact.updated', 'sync.finished']);
    let atSyncEnd: { axl: number; risport: number } | null = null;
    core.dialbook.hooks.on('sync.finished', () => {
      atSyncEnd = { axl: Object.values(cucm.counts.axl).reduce((a, b) => a + b, 0), risport: cucm.counts.risport.requests };
    });

    const started = Date.now();
    const outcome = await json<{ created: number; failed: number }>(core, '/api/v1/plugins/ldap/sync', { method: 'POST', json: { siteId: core.site.id } });
    const syncMs = Date.now() - started;
    expect(outcome).toMatchObject({ created: ENTRIES, failed: 0 });
    // Enrichment starts only once the sync job has ended: CUCM had not been asked anything yet.
    expect(atSyncEnd).toEqual({ axl: 0, risport: 0 });

    await core.dialbook.contacts.enrichment.settled();
    const enrichMs = Date.now() - started - syncMs;
    const all = await allContacts(core);
    expect(all).toHaveLength(ENTRIES);
    const bare = all.filter((c) => !(c.attributes.cucm?.phones as unknown[] | undefined)?.length || !c.attributes.cucm?.pin);
    expect(bare.map((c) => c.displayName)).toEqual([]);
    const pending = await json<{ enrichers: { id: string; pending: number }[] }>(core, '/api/v1/enrichers');
    expect(pending.enrichers.find((e) => e.id === 'cucm')!.pending).toBe(0);
    const sample = all[1234]!;
    const uid = sample.attributes.ldap!.uid as string;
    expect(sample.attributes.cucm).toMatchObject({ userId: uid, phones: [expect.objectContaining({ model: 'Cisco 8841', lines: [expect.objectContaining({ partition: 'PT_Internal' })] })] });
    expect((await json<{ value: string }>(core, `/api/v1/contacts/${sample.id}/secrets/cucm.pin/reveal`, { method: 'POST' })).value).toBe(pins.get(uid));

    // The faults happened and were got through.
    expect(cucm.counts.axl.executeSQLQuery).toBeGreaterThanOrEqual(ENTRIES / 100 + 3);
    expect(logs.join('\n')).toMatch(/"type":"page-shrunk","operation":"executeSQLQuery"/);
    // RisPort: one request per batch of 200, never more than the budget in a minute, none refused.
    expect(cucm.counts.risport.accepted).toBe(ENTRIES / 200);
    expect(cucm.counts.risport.maxInWindow).toBeLessThanOrEqual(RIS_PER_MINUTE);
    expect(cucm.counts.risport.rateLimited).toBe(0);
    console.log(`e2e: LDAP sync of ${ENTRIES} entries ${syncMs} ms; enrichment after it ${enrichMs} ms (${cucm.counts.axl.getFacInfo} getFacInfo, ${cucm.counts.axl.executeSQLQuery} executeSQLQuery, ${cucm.counts.risport.accepted} RisPort requests)`);

    // No PIN anywhere a PIN must never be.
    const rows = (sql: string) => core.dialbook.orm.em.fork().getConnection().execute(sql) as Promise<unknown[]>;
    const pb = await json<{ id: string }>(core, '/api/v1/phonebooks', { method: 'POST', json: { siteId: core.site.id, name: 'Everyone', filter: {} } }, 201);
    const cred = await json<{ username: string; secret: string }>(core, `/api/v1/phonebooks/${pb.id}/credentials`, { method: 'POST', json: { name: 'Lobby T46S' } }, 201);
    const xml = await (
      await core.request(`/directory/${pb.id}/yealink`, { anonymous: true, headers: { authorization: `Basic ${Buffer.from(`${cred.username}:${cred.secret}`).toString('base64')}`, 'user-agent': 'Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56' } })
    ).text();
    expect(xml).toContain('<YealinkIPPhoneBook');
    const exported = JSON.stringify(all satisfies ContactDto[]);
    const places: Record<string, string> = {
      log: logs.join('\n'),
      audit: JSON.stringify(await rows('select * from audit_event')),
      history: JSON.stringify(await rows('select * from history')),
      events: JSON.stringify(events.all),
      directory: xml,
      contacts: exported,
    };
    expect(places.log!.length).toBeGreaterThan(1_000);
    expect(events.of('contact.updated').length).toBeGreaterThanOrEqual(ENTRIES);
    expect(leaked(`{"note":"pin ${pins.get(uid)}"}`)).toEqual([pins.get(uid)]); // the grep finds a PIN where there is one
    for (const [place, text] of Object.entries(places)) expect(leaked(text), place).toEqual([]);
    events.stop();
  });
});
