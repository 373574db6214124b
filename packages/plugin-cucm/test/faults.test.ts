/**
 * Every AXL fault the double injects surfaces as the right CucmError, retried where the fault
 * says so (throttling), with the version fallback on 599 and the pager's halving on
 * "Query request too large". Backoffs run on a fake clock: no real sleeps.
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { AxlClient, type AxlClientOptions, type AxlEvent } from '../src/index.js';
import { startCucmDouble, type CucmDouble } from './double/server.js';
import { failure, fakeClock } from './helpers.js';

let cucm: CucmDouble;
const clients: AxlClient[] = [];
const client = (extra: Partial<AxlClientOptions> = {}) => {
  const c = new AxlClient({ ...cucm.connection, version: '14.0', random: () => 0.5, ...extra });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  cucm = await startCucmDouble();
  cucm.data.seed({ users: 100 });
});
afterEach(() => {
  cucm.reset();
  cucm.configure({ versions: ['11.0', '11.5', '12.0', '12.5', '14.0'], rowLimit: Number.POSITIVE_INFINITY });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await cucm.close();
});

describe('HTTP-level faults', () => {
  test('401 with an HTML body: DIALBOOK_CUCM_AUTH, not retried', async () => {
    const axl = client();
    await axl.version();
    cucm.fail('getUser', 'unauthorized', { times: 2 });
    const err = await failure(axl.getUser('user0001'));
    expect(err.code).toBe('DIALBOOK_CUCM_AUTH');
    expect(err.message).toMatch(/refused the AXL user or password \(HTTP 401/);
    // The first 401 came on the session: the client logged in again with Basic once, then gave up.
    expect(cucm.counts.axl.getUser).toBe(2);
  });

  test('401 on a session that CUCM dropped: log in again and carry on', async () => {
    const axl = client();
    await axl.version();
    cucm.fail('getUser', 'unauthorized');
    expect((await axl.getUser('user0001')).userid).toBe('user0001');
    expect(cucm.counts.auth).toMatchObject({ basic: 2, session: 1 });
  });

  test('403: DIALBOOK_CUCM_PERMISSION naming the role', async () => {
    const axl = client();
    cucm.fail('listPhone', 'forbidden');
    const err = await failure(axl.listPhone({ name: '%' }, { first: 1 }));
    expect(err.code).toBe('DIALBOOK_CUCM_PERMISSION');
    expect(err.message).toContain('Standard AXL API Access');
  });

  test('503: DIALBOOK_CUCM_THROTTLED, retried after a backoff of about 5 s', async () => {
    const clock = fakeClock();
    const events: AxlEvent[] = [];
    const axl = client({ clock, onEvent: (e) => events.push(e) });
    await axl.version();
    cucm.fail('getPhone', 'busy', { times: 2 });
    expect((await axl.getPhone('SEP000000000010')).owner).toBe('user0001');
    expect(cucm.counts.axl.getPhone).toBe(3);
    expect(clock.sleeps).toEqual([5000, 10000]);
    expect(events.filter((e) => e.type === 'retry').map((e) => (e as { code: string }).code)).toEqual(['DIALBOOK_CUCM_THROTTLED', 'DIALBOOK_CUCM_THROTTLED']);
  });

  test('503 that does not stop: THROTTLED after the configured attempts', async () => {
    const clock = fakeClock();
    const axl = client({ clock, retry: { attempts: 3 } });
    await axl.version();
    cucm.fail('getPhone', 'busy', { times: 10 });
    const err = await failure(axl.getPhone('SEP000000000010'));
    expect(err.code).toBe('DIALBOOK_CUCM_THROTTLED');
    expect(err.message).toContain('HTTP 503');
    expect(cucm.counts.axl.getPhone).toBe(3);
    expect(clock.sleeps).toHaveLength(2);
  });

  test('a hang past the timeout: DIALBOOK_CUCM_TIMEOUT, not retried', async () => {
    const axl = client({ timeoutMs: 300 });
    await axl.version();
    cucm.fail('listFacInfo', 'hang');
    const started = Date.now();
    const err = await failure(axl.listFacInfo({ name: '%' }));
    expect(err.code).toBe('DIALBOOK_CUCM_TIMEOUT');
    expect(err.message).toMatch(/did not answer listFacInfo within 0\.3 s/);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(cucm.counts.axl.listFacInfo).toBe(1);
    // The client is still usable.
    expect((await axl.listFacInfo({ name: 'First1 Last1' }))[0]?.code).toBe('100001');
  });

  test('nothing listens: DIALBOOK_CUCM_UNREACHABLE (tcp); unknown host: DIALBOOK_CUCM_UNREACHABLE (dns)', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const refused = await failure(client({ port }).version());
    expect(refused.code).toBe('DIALBOOK_CUCM_UNREACHABLE');
    expect(refused.info.step).toBe('tcp');
    expect(refused.message).toContain(`127.0.0.1:${port} refused the connection`);
    const dns = await failure(client({ host: 'cucm-pub.invalid' }).version());
    expect(dns.code).toBe('DIALBOOK_CUCM_UNREACHABLE');
    expect(dns.info.step).toBe('dns');
    expect(dns.message).toContain('"cucm-pub.invalid" could not be resolved');
  });
});

describe('schema version', () => {
  test('599 with the supported versions: fall back to the best one offered, then use it', async () => {
    cucm.configure({ versions: ['11.5', '12.5'] });
    const events: AxlEvent[] = [];
    const axl = client({ version: 'auto', onEvent: (e) => events.push(e) });
    expect(await axl.version()).toMatchObject({ schemaVersion: '12.5', requested: '15.0', offered: ['12.5', '11.5'] });
    expect(events).toContainEqual({ type: 'version-fallback', from: '15.0', to: '12.5', offered: ['12.5', '11.5'] });
    expect(cucm.counts.axl.getCCMVersion).toBe(2);
    const phone = await axl.getPhone('SEP000000000010');
    expect(phone.owner).toBe('user0001');
    const wire = cucm.lastRequest('getPhone')!;
    expect(wire.soapAction).toBe('CUCM:DB ver=12.5 getPhone');
    expect(wire.body).toContain('http://www.cisco.com/AXL/API/12.5');
  });

  test('a configured version the cluster refuses falls back too ("12.x and 14.0")', async () => {
    cucm.configure({ versions: ['12.0', '12.5', '14.0'] });
    const axl = client({ version: '15.0' });
    expect(await axl.version()).toMatchObject({ schemaVersion: '14.0', requested: '15.0', offered: ['14.0', '12.x'] });
  });

  test('599 without a common version: DIALBOOK_CUCM_VERSION with what the cluster offers', async () => {
    cucm.configure({ versions: ['8.5', '9.1'] });
    const err = await failure(client({ version: 'auto' }).version());
    expect(err.code).toBe('DIALBOOK_CUCM_VERSION');
    expect(err.message).toContain('it offers 9.1, 8.5');
    expect(err.info.supportedVersions).toEqual(['9.1', '8.5']);
    expect(cucm.counts.axl.getCCMVersion).toBe(1);
  });

  test('an injected 599 on a later call: VERSION error, and the next call negotiates again', async () => {
    const axl = client({ version: 'auto' });
    await axl.version();
    cucm.fail('getUser', 'version');
    expect((await failure(axl.getUser('user0001'))).code).toBe('DIALBOOK_CUCM_VERSION');
    const before = cucm.counts.axl.getCCMVersion ?? 0;
    await axl.getUser('user0001');
    expect(cucm.counts.axl.getCCMVersion).toBe(before + 2); // 15.0 refused, 14.0 accepted
  });
});

describe('AXL throttling faults (HTTP 500, axlcode -1)', () => {
  test('"Maximum AXL Memory Allocation Consumed": THROTTLED, retried with backoff', async () => {
    const clock = fakeClock();
    const axl = client({ clock });
    await axl.version();
    cucm.fail('listFacInfo', 'memory', { times: 2 });
    const facs = await axl.listFacInfo({ name: '%' });
    expect(facs).toHaveLength(100);
    expect(cucm.counts.axl.listFacInfo).toBe(3);
    expect(clock.sleeps).toEqual([2000, 4000]);
  });

  test('memory fault that does not clear: THROTTLED with an admin message', async () => {
    const axl = client({ clock: fakeClock(), retry: { attempts: 2 } });
    await axl.version();
    cucm.fail('getUser', 'memory', { times: 5 });
    const err = await failure(axl.getUser('user0001'));
    expect(err.code).toBe('DIALBOOK_CUCM_THROTTLED');
    expect(err.message).toContain('Maximum AXL Memory Allocation Consumed');
    expect(err.info).toMatchObject({ axlcode: -1, retryable: true });
  });

  test('"Query request too large … less than N rows": the pager halves the page and asks again', async () => {
    cucm.configure({ rowLimit: 40 });
    const events: AxlEvent[] = [];
    const axl = client({ pageSize: 100, onEvent: (e) => events.push(e) });
    const phones = await axl.listPhone({ name: 'SEP%' });
    expect(phones).toHaveLength(100);
    expect(new Set(phones.map((p) => p.name)).size).toBe(100);
    expect(events.filter((e) => e.type === 'page-shrunk')).toEqual([{ type: 'page-shrunk', operation: 'listPhone', from: 100, to: 39 }]);
    // 1 refused page of 100, then 39 + 39 + 22.
    expect(cucm.counts.axl.listPhone).toBe(4);
  });

  test('an injected "too large" on one page halves from there on', async () => {
    const axl = client({ pageSize: 30 });
    await axl.version();
    cucm.fail('listPhone', 'too-large', { rows: 844 });
    const phones = await axl.listPhone({ name: 'SEP%' });
    expect(phones).toHaveLength(100);
    expect(cucm.counts.axl.listPhone).toBe(1 + 7); // refused 30, then pages of 15
  });

  test('too large even for one row: DIALBOOK_CUCM_TOO_LARGE surfaces', async () => {
    cucm.configure({ rowLimit: 1 });
    const err = await failure(client({ pageSize: 4 }).listPhone({ name: 'SEP%' }));
    expect(err.code).toBe('DIALBOOK_CUCM_TOO_LARGE');
    expect(err.info).toMatchObject({ suggestedRows: 1, axlcode: -1 });
  });

  test('skip/first ranges are honoured across pages', async () => {
    const axl = client({ pageSize: 7 });
    const all = await axl.listPhone({ name: 'SEP%' });
    const some = await axl.listPhone({ name: 'SEP%' }, { skip: 10, first: 20 });
    expect(some.map((p) => p.name)).toEqual(all.slice(10, 30).map((p) => p.name));
  });
});
