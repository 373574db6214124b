/**
 * The phone routes against the double: lookup by MAC in every written form, search paged through
 * CUCM (the page halved when CUCM says "too large"), the phones of a user and of a contact, with
 * registration from RisPort — and rows without their state, rather than late, when the cluster's
 * RisPort budget is used up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneRow } from '../src/index.js';
import { startCucmDouble, type CucmDouble } from './double/server.js';
import { configure, createContact, fastClock, json, startCore, type Core } from './plugin-helpers.js';

const clock = fastClock(30);
let cucm: CucmDouble;
let core: Core;

beforeAll(async () => {
  cucm = await startCucmDouble({ now: clock.now });
  cucm.data.seed({ users: 30, phonesPerUser: 2, now: clock.now() });
  core = await startCore({ clock });
  await configure(core, cucm);
});
afterAll(async () => {
  await core?.close();
  await cucm?.close();
});

type Answer = { items: PhoneRow[]; message?: string; truncated?: boolean };
const get = (path: string, status = 200) => json<Answer>(core, `/api/v1/plugins/cucm${path}`, undefined, status);

describe('phone routes', () => {
  it('lookup by MAC in any written form: the phone, its lines and its registration', async () => {
    const forms = ['00:00:00:00:00:10', '0000.0000.0010', '00-00-00-00-00-10', 'sep000000000010', '000000000010'];
    for (const mac of forms) {
      const r = await get(`/phones/lookup?mac=${encodeURIComponent(mac)}&siteId=${core.site.id}`);
      expect(r.items.map((p) => p.name), mac).toEqual(['SEP000000000010']);
    }
    const [row] = (await get('/phones/lookup?mac=00:00:00:00:00:10')).items;
    expect(row).toEqual({
      name: 'SEP000000000010',
      mac: '00:00:00:00:00:10',
      model: 'Cisco 8841',
      description: 'Desk phone of First1 Last1',
      owner: 'user0001',
      devicePool: 'DP_HQ',
      lines: ['10000 (PT_Internal) First1 Last1'],
      status: { label: 'Registered', tone: 'good' },
      ip: '10.1.0.16',
      firmware: 'sip88xx.14-2-1-0001-14',
      lastSeen: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    // n % 5 === 0 never registered (user 5's first phone: 5 * 16 = 80).
    expect((await get('/phones/lookup?mac=SEP000000000050')).items[0]!.status).toEqual({ label: 'Not registered', tone: 'neutral' });
  });

  it('a malformed MAC is 422 with the reason; an unknown phone an empty list with a message', async () => {
    const bad = await core.request('/api/v1/plugins/cucm/phones/lookup?mac=00:1a:2b');
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ code: 'DIALBOOK_CUCM_INVALID_MAC', detail: expect.stringContaining('has 6 hex digits; a MAC address has 12') });
    expect(await get('/phones/lookup?mac=00:00:00:00:ff:ff')).toEqual({ items: [], message: 'CUCM has no phone SEP00000000FFFF.' });
    expect((await core.request('/api/v1/plugins/cucm/phones/lookup')).status).toBe(422);
  });

  it('search by description is paged through CUCM, halving the page when the answer is too large', async () => {
    cucm.configure({ rowLimit: 25 });
    cucm.reset();
    try {
      const r = await get('/phones/search?description=Desk%20phone&limit=1000');
      expect(r.items).toHaveLength(60);
      expect(r.truncated).toBe(false);
      expect(cucm.counts.axl.listPhone).toBeGreaterThan(3);
      expect(cucm.lastRequest('listPhone')?.body).toMatch(/<description>%Desk phone%<\/description>/);
      expect(cucm.lastRequest('listPhone')?.body).toMatch(/<skip>\d+<\/skip>/);
      // Up to 100 rows get their lines (listPhone has none).
      expect(r.items.every((p) => p.lines.length === 1)).toBe(true);
    } finally {
      cucm.configure({ rowLimit: Number.POSITIVE_INFINITY });
    }
  });

  it('search by name pattern, by MAC, with an owner filter and a limit', async () => {
    const prefixed = [...cucm.data.phones.keys()].filter((n) => n.startsWith('SEP0000000001'));
    expect(prefixed).toHaveLength(30);
    expect((await get('/phones/search?name=SEP0000000001%25')).items.map((p) => p.name).sort()).toEqual(prefixed.sort());
    expect((await get('/phones/search?name=00:00:00:00:00:11')).items.map((p) => p.name)).toEqual(['SEP000000000011']);
    const owned = await get('/phones/search?owner=USER0003');
    expect(owned.items.map((p) => p.name)).toEqual(['SEP000000000030', 'SEP000000000031']);
    const few = await get('/phones/search?limit=5');
    expect(few).toMatchObject({ truncated: true, message: 'More than 5 phones match; narrow the search.' });
    expect(few.items).toHaveLength(5);
  });

  it('the phones of a user: associated and owned, with how; an unknown user is 404', async () => {
    const r = await get('/phones/owned?user=user0002');
    expect(r.items.map((p) => [p.name, p.link, p.owner, p.status?.label])).toEqual([
      ['SEP000000000020', 'associated, owner', 'user0002', 'Registered'],
      ['SEP000000000021', 'associated, owner', 'user0002', 'Registered'],
    ]);
    const unknown = await core.request('/api/v1/plugins/cucm/phones/owned?user=nobody');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'DIALBOOK_CUCM_NOT_FOUND', detail: 'CUCM has no user "nobody".' });
  });

  it('the phones of a contact, by the configured attribute', async () => {
    const c = await createContact(core, { firstName: 'First4', lastName: 'Last4', attributes: { ldap: { uid: 'user0004' } } });
    expect((await get(`/phones/contact?contactId=${c.id}`)).items.map((p) => p.name)).toEqual(['SEP000000000040', 'SEP000000000041']);
    const none = await createContact(core, { firstName: 'No', lastName: 'Uid' });
    expect(await get(`/phones/contact?contactId=${none.id}`)).toEqual({ items: [], message: 'The contact has no CUCM user id (the attribute ldap.uid is empty).' });
    const byExternal = await createContact(core, { firstName: 'X', lastName: 'Y', externalId: 'user0006' });
    await configure(core, cucm, { userIdAttribute: 'externalId' });
    try {
      expect((await get(`/phones/contact?contactId=${byExternal.id}`)).items).toHaveLength(2);
    } finally {
      await configure(core, cucm, { userIdAttribute: 'ldap.uid' });
    }
  });

  it("with RisPort's budget used up the rows come without state at once; with RisPort off, no state at all", async () => {
    await configure(core, cucm, { risport: { perMinute: 1 } });
    try {
      await get('/phones/lookup?mac=SEP000000000070'); // may take the one slot of this minute
      const before = cucm.counts.risport.requests;
      const started = Date.now();
      const r = await get('/phones/lookup?mac=SEP000000000071');
      expect(Date.now() - started).toBeLessThan(2000);
      expect(r.items[0]!.status).toEqual({ label: 'Status unavailable', tone: 'neutral' });
      expect(r.message).toMatch(/^Registration state unavailable: RisPort's rate limit \(1 requests a minute, shared by every Dialbook instance\) is used up right now/);
      expect(cucm.counts.risport.requests).toBe(before);
      expect(cucm.counts.risport.rateLimited).toBe(0);
    } finally {
      await configure(core, cucm, { risport: { perMinute: 15 } });
    }
    await configure(core, cucm, { risport: { enabled: false } });
    try {
      expect((await get('/phones/lookup?mac=SEP000000000061')).items[0]).toMatchObject({ status: null, ip: null, firmware: null });
    } finally {
      await configure(core, cucm, { risport: { enabled: true } });
    }
  });
});
