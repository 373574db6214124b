/**
 * The AXL client against the CUCM double (Cisco's AXL 14.0 WSDL served by soap.listen): typed
 * operations, Cisco's answer shapes, session reuse and TLS with the CA PEM.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { AxlClient } from '../src/index.js';
import { startCucmDouble, type CucmDouble } from './double/server.js';
import { failure } from './helpers.js';

let cucm: CucmDouble;
const clients: AxlClient[] = [];
const client = (extra: Partial<ConstructorParameters<typeof AxlClient>[0]> = {}) => {
  const c = new AxlClient({ ...cucm.connection, ...extra });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  cucm = await startCucmDouble();
  cucm.data.addUser({ userid: 'alice', firstName: 'Alice', lastName: 'Archer', mail: 'alice@example.com', department: 'Sales', associatedDevices: ['SEP001A2B3C4D5E', 'CSFALICE'] });
  cucm.data.addPhone({
    name: 'SEP001A2B3C4D5E',
    description: 'Alice desk',
    model: 'Cisco 8851',
    devicePool: 'DP_Berlin',
    owner: 'alice',
    lines: [
      { index: 2, dn: '2001', partition: 'PT_Internal', label: 'Alice 2' },
      { index: 1, dn: '1001', partition: 'PT_Internal', label: 'Alice' },
    ],
  });
  cucm.data.addPhone({ name: 'CSFALICE', description: 'Jabber Alice', model: 'Cisco Unified Client Services Framework', owner: null, lines: [{ index: 1, dn: '1001', partition: null }] });
  cucm.data.addFac({ name: 'Alice Archer', code: '482913', authorizationLevel: 20 });
});
afterEach(() => cucm.reset());
afterAll(async () => {
  for (const c of clients) c.close();
  await cucm.close();
});

describe('AXL operations', () => {
  test('version(): getCCMVersion with the newest schema the cluster offers', async () => {
    const v = await client().version();
    expect(v).toMatchObject({ release: '14.0.1.13900(155)', schemaVersion: '14.0', requested: '15.0' });
    expect(v.offered).toContain('14.0');
  });

  test('getPhone by MAC in any written form: model, pool, owner and lines in order', async () => {
    const axl = client({ version: '14.0' });
    for (const mac of ['00:1a:2b:3c:4d:5e', '001a.2b3c.4d5e', 'SEP001A2B3C4D5E', '00-1A-2B-3C-4D-5E']) {
      const phone = await axl.getPhone(mac);
      expect(phone).toMatchObject({ name: 'SEP001A2B3C4D5E', mac: '00:1A:2B:3C:4D:5E', description: 'Alice desk', model: 'Cisco 8851', devicePool: 'DP_Berlin', owner: 'alice', protocol: 'SIP' });
      expect(phone.uuid).toMatch(/^\{[0-9A-F-]{36}\}$/);
      expect(phone.lines.map((l) => [l.index, l.dn, l.partition, l.label])).toEqual([
        [1, '1001', 'PT_Internal', 'Alice'],
        [2, '2001', 'PT_Internal', 'Alice 2'],
      ]);
    }
    expect(cucm.counts.axl.getPhone).toBe(4);
  });

  test('getPhone of a device name that is not a MAC, with a nil partition', async () => {
    const phone = await client({ version: '14.0' }).getPhone('CSFALICE');
    expect(phone).toMatchObject({ name: 'CSFALICE', mac: null, owner: null, callingSearchSpace: null });
    expect(phone.lines).toEqual([{ index: 1, dn: '1001', partition: null, label: null, display: null, e164Mask: null }]);
  });

  test('getPhone of an unknown phone: DIALBOOK_CUCM_NOT_FOUND (axlcode 5007), not retried', async () => {
    const err = await failure(client({ version: '14.0' }).getPhone('00:00:00:00:00:01'));
    expect(err.code).toBe('DIALBOOK_CUCM_NOT_FOUND');
    expect(err.message).toContain('SEP000000000001 was not found');
    expect(err.info).toMatchObject({ axlcode: 5007, httpStatus: 500, operation: 'getPhone' });
    expect(cucm.counts.axl.getPhone).toBe(1);
  });

  test('getUser: associated devices and profile', async () => {
    const user = await client({ version: '14.0' }).getUser('alice');
    expect(user).toMatchObject({ userid: 'alice', firstName: 'Alice', lastName: 'Archer', mail: 'alice@example.com', department: 'Sales', associatedDevices: ['SEP001A2B3C4D5E', 'CSFALICE'] });
    const err = await failure(client({ version: '14.0' }).getUser('nobody'));
    expect(err.code).toBe('DIALBOOK_CUCM_NOT_FOUND');
  });

  test('listFacInfo / getFacInfo by FAC name', async () => {
    const axl = client({ version: '14.0' });
    expect(await axl.listFacInfo({ name: 'alice%' })).toEqual([{ uuid: expect.stringMatching(/^\{/), name: 'Alice Archer', code: '482913', authorizationLevel: 20 }]);
    expect(await axl.getFacInfo('Alice Archer')).toMatchObject({ name: 'Alice Archer', code: '482913', authorizationLevel: 20 });
    expect(await axl.listFacInfo({ name: 'nobody%' })).toEqual([]);
    const err = await failure(axl.getFacInfo('Nobody'));
    expect(err.code).toBe('DIALBOOK_CUCM_NOT_FOUND');
    // A PIN never shows in an error message.
    expect(err.message).not.toContain('482913');
  });

  test('listPhone: search by name and description, empty result is []', async () => {
    const axl = client({ version: '14.0' });
    expect((await axl.listPhone({ name: 'SEP%' })).map((p) => p.name)).toEqual(['SEP001A2B3C4D5E']);
    expect((await axl.listPhone({ description: '%jabber%' })).map((p) => [p.name, p.owner])).toEqual([['CSFALICE', null]]);
    expect(await axl.listPhone({ name: 'XYZ%' })).toEqual([]);
  });
});

describe('session and TLS', () => {
  test('Basic auth once, then the JSESSIONIDSSO cookie; an idle session (404) logs in again', async () => {
    const axl = client({ version: '14.0' });
    await axl.getPhone('SEP001A2B3C4D5E');
    await axl.getPhone('SEP001A2B3C4D5E');
    await axl.getUser('alice');
    // getCCMVersion (the version check) logged in; the three calls after it rode the session.
    expect(cucm.counts.auth).toMatchObject({ basic: 1, session: 3 });
    cucm.expireSessions();
    await axl.getUser('alice');
    expect(cucm.counts.auth).toMatchObject({ basic: 2, session: 3, expired: 1 });
    await axl.getUser('alice');
    expect(cucm.counts.auth).toMatchObject({ basic: 2, session: 4 });
    expect(cucm.counts.axl.getUser).toBe(4); // the 404'd request was sent again
  });

  test('without the CA PEM the certificate is refused: DIALBOOK_CUCM_TLS', async () => {
    const { tls: _tls, ...noCa } = cucm.connection;
    const err = await failure(new AxlClient(noCa).version());
    expect(err.code).toBe('DIALBOOK_CUCM_TLS');
    expect(err.message).toMatch(/not trusted.*CA setting/);
    expect(cucm.counts.axl.getCCMVersion ?? 0).toBe(0);
  });

  test('verification off for this client only still works (and the global agent stays strict)', async () => {
    const { tls: _tls, ...noCa } = cucm.connection;
    expect((await client({ ...noCa, tls: { verify: false } }).version()).schemaVersion).toBe('14.0');
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
    expect((await failure(new AxlClient(noCa).version())).code).toBe('DIALBOOK_CUCM_TLS');
  });

  test('wrong password: DIALBOOK_CUCM_AUTH with the HTML page read, never retried', async () => {
    const err = await failure(client({ password: 'wrong', retry: { attempts: 5, baseMs: 1 } }).version());
    expect(err.code).toBe('DIALBOOK_CUCM_AUTH');
    expect(err.message).toContain('Standard AXL API Access');
    expect(err.info).toMatchObject({ httpStatus: 401, detail: expect.stringContaining('HTTP Status 401') });
    expect(cucm.counts.axl.getCCMVersion).toBe(1);
  });
});
