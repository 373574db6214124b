/**
 * Enrichment on sync against the double, with a tiny contact source: after a sync every contact
 * has its CUCM user id, phones (MAC, model, lines, status) and PIN; a second sync changes nothing;
 * read-only SQL answers a batch in one query; an outage leaves the contacts pending (one
 * notification), the retry job catches up (one more); "Refresh phones" reads one contact again;
 * the switch turns it off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin, type ContactDto, type NotificationDto } from '@dialbook/core';
import { startCucmDouble, type CucmDouble } from './double/server.js';
import { allContacts, configure, contactAction, fastClock, historyOf, json, startCore, type Core } from './plugin-helpers.js';
import type { StoredPhone } from '../src/index.js';

const USERS = 40;
const clock = fastClock(60);
let cucm: CucmDouble;
let core: Core;

const people = Array.from({ length: USERS }, (_, k) => {
  const i = k + 1;
  const uid = `user${String(i).padStart(4, '0')}`;
  return { externalId: uid, body: { firstName: `First${i}`, lastName: `Last${i}`, emails: [`${uid}@example.com`], attributes: { ldap: { uid } } } };
});

const source = definePlugin({
  name: 'people',
  setup(ctx) {
    ctx.contacts.registerSource({
      id: ctx.id,
      label: 'Test people',
      async sync({ siteId, actor }) {
        const results = await ctx.contacts.upsertManyFromSource(siteId, ctx.id, people, actor);
        return { created: results.filter((r) => 'created' in r && r.created).length, updated: 0, deleted: 0, unchanged: 0, failed: 0 };
      },
    });
  },
});

const sync = () => json(core, '/api/v1/sources/people/sync', { method: 'POST', json: { siteId: core.site.id } });
const settled = () => core.dialbook.contacts.enrichment.settled();
const cucmOf = (c: ContactDto) => c.attributes.cucm as { userId?: string; phones?: StoredPhone[]; phonesUpdatedAt?: string; pin?: unknown } | undefined;
const reveal = async (id: string) => (await json<{ value: string | null }>(core, `/api/v1/contacts/${id}/secrets/cucm.pin/reveal`, { method: 'POST' })).value;
const notifications = async () => (await json<{ items: NotificationDto[] }>(core, '/api/v1/notifications?pageSize=100')).items;

beforeAll(async () => {
  cucm = await startCucmDouble({ now: clock.now });
  cucm.data.seed({ users: USERS, now: clock.now() });
  for (let i = 1; i <= USERS; i++) {
    // FACs named like the user id (the default rule), beside the seed's "First Last" ones.
    cucm.data.addFac({ name: `user${String(i).padStart(4, '0')}`, code: String(500000 + i) });
  }
  core = await startCore({ clock, plugins: { people: source } });
  await configure(core, cucm);
});
afterAll(async () => {
  await core?.close();
  await cucm?.close();
});

describe('enrichment on sync', () => {
  it('gives every synced contact its user id, phones and PIN, with History by the plugin; a second sync writes nothing', async () => {
    await sync();
    await settled();
    const all = await allContacts(core);
    expect(all).toHaveLength(USERS);
    const first = all.find((c) => c.externalId === 'user0001')!;
    expect(cucmOf(first)).toEqual({
      userId: 'user0001',
      phones: [{ name: 'SEP000000000010', mac: '00:00:00:00:00:10', model: 'Cisco 8841', lines: [{ dn: '10000', partition: 'PT_Internal' }], status: 'Registered' }],
      phonesUpdatedAt: expect.any(String),
      pin: { secret: 'set', updatedAt: expect.any(String) },
    });
    expect(await reveal(first.id)).toBe('500001');
    expect(all.every((c) => cucmOf(c)?.phones?.length === 1 && cucmOf(c)?.pin)).toBe(true);
    const history = await historyOf(core, first.id);
    expect(history.filter((h) => h.actor === 'plugin:cucm').length).toBeGreaterThanOrEqual(1);
    // Without SQL: one listPhone scan per batch, getUser and getPhone per user; RisPort once per batch.
    expect(cucm.counts.axl.getUser).toBe(USERS);
    expect(cucm.counts.risport.accepted).toBe(1);

    const versions = new Map(all.map((c) => [c.id, c.version]));
    await sync();
    await settled();
    const again = await allContacts(core);
    expect(again.every((c) => c.version === versions.get(c.id))).toBe(true);
  });

  it('with read-only SQL a batch is one executeSQLQuery instead of per-user calls', async () => {
    await configure(core, cucm, { readOnlySql: true });
    cucm.reset();
    try {
      const ids = (await allContacts(core)).map((c) => c.id);
      const report = await core.dialbook.contacts.enrich(core.site.id, ids, { only: 'cucm' });
      expect(report).toMatchObject({ done: USERS, changed: 0, pending: [] });
      expect(cucm.counts.axl.executeSQLQuery).toBe(1);
      expect(cucm.counts.axl.getUser ?? 0).toBe(0);
    } finally {
      await configure(core, cucm, { readOnlySql: false });
    }
  });

  it('an outage leaves the contacts pending with one notification; the retry catches up with one more', async () => {
    const before = (await notifications()).length;
    cucm.data.addPhone({ name: 'SEP0000000000AA', owner: 'user0002', model: 'Cisco 7841', lines: [{ index: 1, dn: '19999' }] });
    cucm.fail('*', 'busy', { times: 100_000 });
    const ids = (await allContacts(core)).map((c) => c.id);
    const report = await core.dialbook.contacts.enrichment.enrichNow(core.site.id, ids, { reason: 'sync' });
    expect(report.pending).toHaveLength(USERS);
    expect(report.pending[0]!.reason).toMatch(/503|busy|overloaded|throttl/i);
    const pending = await json<{ enrichers: { id: string; pending: number }[] }>(core, '/api/v1/enrichers');
    expect(pending.enrichers[0]).toMatchObject({ id: 'cucm', pending: USERS });
    const failing = (await notifications()).slice(0, (await notifications()).length - before);
    expect(failing).toEqual([expect.objectContaining({ level: 'warning', title: `CUCM: PIN and phones: ${USERS} contact(s) could not be enriched` })]);

    cucm.reset();
    const retried = await core.dialbook.contacts.enrichment.retryDue(new Date(Date.now() + 2 * 60 * 60_000));
    expect(retried).toMatchObject({ done: USERS, pending: [] });
    expect((await notifications())[0]).toMatchObject({ level: 'info', title: 'CUCM: PIN and phones: caught up' });
    const second = (await allContacts(core)).find((c) => c.externalId === 'user0002')!;
    expect(cucmOf(second)!.phones!.map((p) => p.name)).toEqual(['SEP000000000020', 'SEP0000000000AA']);
  });

  it('"Refresh phones" reads one contact again; with the switch off it says so', async () => {
    const third = (await allContacts(core)).find((c) => c.externalId === 'user0003')!;
    cucm.data.phone('SEP000000000030')!.registrations = [];
    expect(await contactAction(core, third.id, 'refresh-phones')).toEqual({ ok: true, message: 'Phones and PIN refreshed from CUCM.', data: { changed: true } });
    const after = await json<ContactDto>(core, `/api/v1/contacts/${third.id}`);
    expect(cucmOf(after)!.phones![0]!.status).toBe('Not registered');
    expect(await contactAction(core, third.id, 'refresh-phones')).toMatchObject({ ok: true, message: 'Phones and PIN are up to date.' });

    await configure(core, cucm, { enrich: false });
    try {
      expect(await contactAction(core, third.id, 'refresh-phones')).toEqual({ ok: false, message: 'CUCM enrichment is turned off for this site (setting enrich).' });
      cucm.reset();
      await sync();
      await settled();
      expect(cucm.counts.axl.listPhone ?? 0).toBe(0);
    } finally {
      await configure(core, cucm, { enrich: true });
    }
  });
});
