/**
 * "Fetch PIN from CUCM" on a contact, against the double: the FAC found by the matching rule
 * (uid, or "first last"), kept as the secret `cucm.pin` with a History row written by core, and
 * the PIN in no action result, log line, audit row, History row or contact read. Clear messages
 * when no FAC matches, the contact lacks what the rule needs, or CUCM fails.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactDto } from '@dialbook/core';
import { startCucmDouble, type CucmDouble } from './double/server.js';
import { configure, contactAction, createContact, historyOf, json, startCore, type Core } from './plugin-helpers.js';

const PIN = '73918264';
const FIRST_LAST_PIN = '100001'; // the seed's FAC "First1 Last1"
let cucm: CucmDouble;
let core: Core;
const logs: string[] = [];

beforeAll(async () => {
  cucm = await startCucmDouble();
  cucm.data.seed({ users: 2 });
  cucm.data.addFac({ name: 'jdoe', code: PIN, authorizationLevel: 20 });
  core = await startCore({ core: { logger: pino({ level: 'trace' }, { write: (s: string) => void logs.push(s) }) } });
  await configure(core, cucm);
});
afterAll(async () => {
  await core?.close();
  await cucm?.close();
});

const reveal = async (id: string) => (await json<{ value: string | null }>(core, `/api/v1/contacts/${id}/secrets/cucm.pin/reveal`, { method: 'POST' })).value;

describe('Fetch PIN from CUCM', () => {
  let john: ContactDto;

  it('finds the FAC named like the user id and keeps its code as the secret cucm.pin, with History', async () => {
    john = await createContact(core, { firstName: 'John', lastName: 'Doe', emails: ['john@example.com'], attributes: { ldap: { uid: 'jdoe' } } });
    const result = await contactAction(core, john.id, 'fetch-pin');
    expect(result).toEqual({ ok: true, message: 'PIN fetched from CUCM (FAC "jdoe") and stored.' });
    expect(await reveal(john.id)).toBe(PIN);

    const contact = await json<ContactDto>(core, `/api/v1/contacts/${john.id}`);
    expect(contact.attributes.cucm).toEqual({ pin: { secret: 'set', updatedAt: expect.any(String) } });
    const history = await historyOf(core, john.id);
    expect(history[0]).toMatchObject({ field: 'attributes', actor: expect.stringMatching(/^apiKey:/), actorName: 'admin@test.invalid' });

    // Again: nothing changes, no new History row.
    expect(await contactAction(core, john.id, 'fetch-pin')).toEqual({ ok: true, message: 'PIN fetched from CUCM (FAC "jdoe"): unchanged.' });
    expect(await historyOf(core, john.id)).toHaveLength(history.length);
    expect(cucm.lastRequest('getFacInfo')?.body).toContain('<name>jdoe</name>');
  });

  it('matches by "first last" when the settings say so', async () => {
    await configure(core, cucm, { facMatch: 'first last' });
    try {
      const c = await createContact(core, { firstName: 'First1', lastName: 'Last1' });
      expect(await contactAction(core, c.id, 'fetch-pin')).toMatchObject({ ok: true, message: 'PIN fetched from CUCM (FAC "First1 Last1") and stored.' });
      expect(await reveal(c.id)).toBe(FIRST_LAST_PIN);
      const nameless = await createContact(core, { organization: 'Reception' });
      expect(await contactAction(core, nameless.id, 'fetch-pin')).toEqual({ ok: false, message: 'Cannot look up the PIN: the contact needs a first and a last name for the FAC matching rule "first last".' });
    } finally {
      await configure(core, cucm, { facMatch: 'uid' });
    }
  });

  it('says so when no FAC matches, or the contact has no user id; nothing is stored', async () => {
    const nobody = await createContact(core, { firstName: 'No', lastName: 'Body', attributes: { ldap: { uid: 'nobody' } } });
    const r = await contactAction(core, nobody.id, 'fetch-pin');
    expect(r.ok).toBe(false);
    expect(r.message).toBe('CUCM has no forced authorization code named "nobody" (matching rule: uid). Check the name in Cisco Unified CM Administration → Call Routing → Forced Authorization Codes, or change the setting facMatch.');
    expect(await reveal(nobody.id)).toBeNull();
    // getFacInfo (5007), then a listFacInfo by name in case CUCM spells it differently.
    expect(cucm.lastRequest('listFacInfo')?.body).toContain('<name>nobody</name>');

    const noUid = await createContact(core, { firstName: 'Ann', lastName: 'Other' });
    expect(await contactAction(core, noUid.id, 'fetch-pin')).toEqual({ ok: false, message: 'Cannot look up the PIN: the contact has no CUCM user id (the attribute ldap.uid is empty), which the FAC matching rule "uid" needs.' });
  });

  it('a CUCM failure is a message, not a 500', async () => {
    // Twice: the kept session is refused, then the login with Basic.
    cucm.fail('getFacInfo', 'unauthorized', { times: 2 });
    const r = await contactAction(core, john.id, 'fetch-pin');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/CUCM refused|401|password/i);
  });

  it('the PIN is in no log line, audit row, History row or contact read', async () => {
    const audit = await json<{ items: unknown[] }>(core, '/api/v1/audit?pageSize=500');
    expect(audit.items.length).toBeGreaterThan(0);
    const everything = [
      logs.join('\n'),
      JSON.stringify(audit),
      JSON.stringify(await historyOf(core, john.id)),
      JSON.stringify(await json(core, `/api/v1/contacts?siteId=${core.site.id}&pageSize=500`)),
      JSON.stringify(await json(core, `/api/v1/contacts/${john.id}/actions`)),
    ].join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(everything).not.toContain(PIN);
    expect(everything).not.toContain(FIRST_LAST_PIN);
  });
});
