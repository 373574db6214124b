/**
 * phonesOwnedBy: the phones of a batch of users — owned (Owner User ID) and associated — with
 * one executeSQLQuery per batch when read-only SQL is on, else listPhone + getUser/getPhone per
 * user and device under the concurrency limit. Both paths give the same answer.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { AxlClient, type AxlClientOptions } from '../src/index.js';
import { startCucmDouble, type CucmDouble } from './double/server.js';
import { failure, fakeClock } from './helpers.js';

let cucm: CucmDouble;
const clients: AxlClient[] = [];
const client = (extra: Partial<AxlClientOptions> = {}) => {
  const c = new AxlClient({ ...cucm.connection, version: '14.0', ...extra });
  clients.push(c);
  return c;
};
const users = Array.from({ length: 30 }, (_, i) => `user${String(i + 1).padStart(4, '0')}`);

beforeAll(async () => {
  cucm = await startCucmDouble();
  cucm.data.seed({ users: 30, phonesPerUser: 2 });
  // bob owns a phone that is not associated to him, and has a Jabber client associated but not owned.
  cucm.data.addUser({ userid: 'Bob', firstName: 'Bob', lastName: 'Baker', associatedDevices: ['CSFBOB', 'SEPDEADDEADDEAD'] });
  cucm.data.addPhone({ name: 'SEP0000BB0000BB', model: 'Cisco 7841', owner: 'bob', lines: [{ index: 1, dn: '3001', partition: 'PT_Internal' }, { index: 2, dn: '3002', partition: null }] });
  cucm.data.addPhone({ name: 'CSFBOB', model: 'Cisco Unified Client Services Framework', owner: null, lines: [{ index: 1, dn: '3001', partition: 'PT_Internal' }] });
});
afterEach(() => cucm.reset());
afterAll(async () => {
  for (const c of clients) c.close();
  await cucm.close();
});

describe('phonesOwnedBy', () => {
  test('with read-only SQL: one executeSQLQuery per batch', async () => {
    const axl = client({ readOnlySql: true, sqlBatchSize: 12 });
    const r = await axl.phonesOwnedBy([...users, 'bob', 'ghost']);
    expect(cucm.counts.axl.executeSQLQuery).toBe(3);
    expect(cucm.counts.axl.getUser ?? 0).toBe(0);
    expect(r.unknownUsers).toEqual(['ghost']);
    expect(r.byUser.get('ghost')).toEqual([]);
    expect(r.byUser.get('user0001')).toEqual([
      { name: 'SEP000000000010', mac: '00:00:00:00:00:10', description: 'Desk phone of First1 Last1', model: 'Cisco 8841', links: ['associated', 'owner'], lines: [{ index: 1, dn: '10000', partition: 'PT_Internal' }] },
      { name: 'SEP000000000011', mac: '00:00:00:00:00:11', description: 'Desk phone of First1 Last1', model: 'Cisco 8841', links: ['associated', 'owner'], lines: [{ index: 1, dn: '10001', partition: 'PT_Internal' }] },
    ]);
    expect(r.byUser.get('bob')).toEqual([
      { name: 'CSFBOB', mac: null, description: null, model: 'Cisco Unified Client Services Framework', links: ['associated'], lines: [{ index: 1, dn: '3001', partition: 'PT_Internal' }] },
      { name: 'SEP0000BB0000BB', mac: '00:00:BB:00:00:BB', description: null, model: 'Cisco 7841', links: ['owner'], lines: [{ index: 1, dn: '3001', partition: 'PT_Internal' }, { index: 2, dn: '3002', partition: null }] },
    ]);
    const sql = cucm.lastRequest('executeSQLQuery')!.body;
    expect(sql).toContain('LOWER(eu.userid) IN (&apos;user0025&apos;');
  });

  test('without SQL: one listPhone scan, then getUser and getPhone per user and device, at most 3 at once', async () => {
    const axl = client({ concurrency: 3, pageSize: 25 });
    const r = await axl.phonesOwnedBy([...users, 'bob', 'ghost']);
    expect(cucm.counts.axl.executeSQLQuery ?? 0).toBe(0);
    expect(cucm.counts.axl.listPhone).toBe(3); // 62 phones in pages of 25
    expect(cucm.counts.axl.getUser).toBe(32);
    expect(cucm.counts.axl.getPhone).toBe(60 + 3); // bob's SEPDEADDEADDEAD does not exist: 5007, left out
    expect(cucm.counts.axlMaxInFlight).toBeLessThanOrEqual(3);
    expect(r.unknownUsers).toEqual(['ghost']);
    const viaSql = await client({ readOnlySql: true }).phonesOwnedBy([...users, 'bob', 'ghost']);
    expect(Object.fromEntries(r.byUser)).toEqual(Object.fromEntries(viaSql.byUser));
  });

  test('a batch whose answer is too large is split in two', async () => {
    cucm.configure({ rowLimit: 40 }); // 5 rows a user (2 phones, owner + associated, and the user row): 12 users 60, too large; 6 users 30
    try {
      const r = await client({ readOnlySql: true, sqlBatchSize: 12 }).phonesOwnedBy(users.slice(0, 12));
      expect([...r.byUser.values()].every((p) => p.length === 2)).toBe(true);
      expect(cucm.counts.axl.executeSQLQuery).toBe(3);
    } finally {
      cucm.configure({ rowLimit: Number.POSITIVE_INFINITY });
    }
  });

  test('users are matched case-insensitively and keep the spelling asked for', async () => {
    const r = await client({ readOnlySql: true }).phonesOwnedBy(['BOB', 'User0002']);
    expect([...r.byUser.keys()]).toEqual(['BOB', 'User0002']);
    expect(r.byUser.get('BOB')).toHaveLength(2);
    expect(r.byUser.get('User0002')).toHaveLength(2);
  });

  test('throttling during the batch is retried; an empty batch asks nothing', async () => {
    const axl = client({ readOnlySql: true, clock: fakeClock() });
    cucm.fail('executeSQLQuery', 'memory');
    expect((await axl.phonesOwnedBy(['user0003'])).byUser.get('user0003')).toHaveLength(2);
    expect(cucm.counts.axl.executeSQLQuery).toBe(2);
    expect((await axl.phonesOwnedBy([])).byUser.size).toBe(0);
  });

  test('executeSQLQuery is refused while read-only SQL is off, and only SELECT is sent', async () => {
    expect((await failure(client().executeSQLQuery('SELECT 1 FROM device'))).code).toBe('DIALBOOK_CUCM_PERMISSION');
    expect((await failure(client({ readOnlySql: true }).executeSQLQuery('DELETE FROM device'))).code).toBe('DIALBOOK_CUCM_PERMISSION');
    expect(cucm.counts.axl.executeSQLQuery ?? 0).toBe(0);
  });
});
