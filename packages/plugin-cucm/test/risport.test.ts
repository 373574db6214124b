/**
 * RisPort70 against the double: registration state per device, batches of at most 1000 names,
 * the rate budget (15 a minute, counted by the double) and the Server.RateControl fault.
 * Waiting runs on a fake clock shared by the client's budget and the double's window.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { InProcessRateBudget, RisClient, type RisClientOptions } from '../src/index.js';
import { startCucmDouble, type CucmDouble } from './double/server.js';
import { failure, fakeClock } from './helpers.js';

const clock = fakeClock();
let cucm: CucmDouble;
const clients: RisClient[] = [];
const client = (extra: Partial<RisClientOptions> = {}) => {
  const c = new RisClient({ ...cucm.connection, clock, ...extra });
  clients.push(c);
  return c;
};
const nowSeconds = () => Math.floor(clock.now() / 1000);

beforeAll(async () => {
  cucm = await startCucmDouble({ now: () => clock.now() });
  cucm.data.seed({ users: 1500, now: clock.now() });
  // Failed over: unregistered on sub1 (old), registered on sub2 (newer).
  cucm.data.addPhone({
    name: 'SEP00AABBCCDDEE',
    description: 'Lobby',
    lines: [{ index: 1, dn: '5000', partition: 'PT_Internal' }],
    registrations: [
      { node: 'cucm-sub1', status: 'UnRegistered', ip: '10.9.9.1', activeLoad: 'sip88xx.12-8-1-0001-455', timestamp: nowSeconds() - 7200, statusReason: 8 },
      { node: 'cucm-sub2', status: 'Registered', ip: '10.9.9.2', activeLoad: 'sip88xx.14-2-1-0001-14', timestamp: nowSeconds() - 30 },
    ],
  });
  cucm.data.addPhone({
    name: 'SEP00AABBCCDDFF',
    registrations: [
      { node: 'cucm-sub1', status: 'UnRegistered', timestamp: nowSeconds() - 600, statusReason: 9 },
      { node: 'cucm-sub2', status: 'UnRegistered', timestamp: nowSeconds() - 60, statusReason: 13 },
    ],
  });
});
afterEach(() => {
  cucm.reset();
  cucm.configure({ risPerMinute: 15 });
  clock.advance(120_000); // a fresh rate window for every test
});
afterAll(async () => {
  for (const c of clients) c.close();
  await cucm.close();
});

describe('selectCmDevice', () => {
  test('status, IP, firmware and last seen per device; a device on two nodes is merged (Registered wins)', async () => {
    const state = await client().selectCmDevice(['SEP00AABBCCDDEE', 'sep00aabbccddff', 'SEP000000000010', 'SEP000000000050', 'SEPFFFFFFFFFFFF']);
    expect(state.get('SEP00AABBCCDDEE')).toMatchObject({
      name: 'SEP00AABBCCDDEE',
      mac: '00:AA:BB:CC:DD:EE',
      status: 'Registered',
      ip: '10.9.9.2',
      activeLoad: 'sip88xx.14-2-1-0001-14',
      node: 'cucm-sub2',
      description: 'Lobby',
      lastSeen: new Date((nowSeconds() - 30) * 1000),
    });
    // Both unregistered: the newer entry tells.
    expect(state.get('SEP00AABBCCDDFF')).toMatchObject({ status: 'UnRegistered', statusReason: 13, node: 'cucm-sub2', ip: null });
    expect(state.get('SEP000000000010')).toMatchObject({ status: 'Registered', ip: '10.1.0.16', activeLoad: 'sip88xx.14-2-1-0001-14' });
    // Never registered (every 5th seeded phone) and unknown devices are absent.
    expect(state.has('SEP000000000050')).toBe(false);
    expect(state.has('SEPFFFFFFFFFFFF')).toBe(false);
    expect(cucm.counts.risport).toMatchObject({ requests: 1, accepted: 1, rateLimited: 0, devicesAsked: 5 });
  });

  test('registration(name): one device, or null', async () => {
    const ris = client();
    expect((await ris.registration('SEP00AABBCCDDEE'))?.status).toBe('Registered');
    expect(await ris.registration('SEPFFFFFFFFFFFF')).toBeNull();
  });

  test('at most 1000 names per request', async () => {
    const names = [...cucm.data.phones.keys()].slice(0, 1500);
    const state = await client().selectCmDevice(names);
    expect(cucm.counts.risport).toMatchObject({ requests: 2, accepted: 2, devicesAsked: 1500 });
    expect(state.size).toBe(names.filter((n) => cucm.data.phone(n)!.registrations.length).length);
  });
});

describe('the RisPort rate budget', () => {
  test('40 requests stay within 15 a minute: the double never refuses one, and time moves ~2 minutes', async () => {
    const ris = client({ budget: new InProcessRateBudget({ perMinute: 15, clock }) });
    const started = clock.now();
    for (let i = 0; i < 40; i++) await ris.registration('SEP000000000010');
    expect(cucm.counts.risport).toMatchObject({ requests: 40, accepted: 40, rateLimited: 0 });
    expect(cucm.counts.risport.maxInWindow).toBeLessThanOrEqual(15);
    expect(clock.now() - started).toBeGreaterThanOrEqual(120_000);
  });

  test('concurrent callers share the budget', async () => {
    // Fake time may only jump once the requests already let through have reached the double
    // (real time passes while they travel; here a jump is instant).
    let taken = 0;
    const settled = {
      now: () => clock.now(),
      sleep: async (ms: number) => {
        for (let i = 0; i < 2000 && cucm.counts.risport.requests < taken; i++) await new Promise((r) => setTimeout(r, 2));
        await clock.sleep(ms);
      },
    };
    const inner = new InProcessRateBudget({ perMinute: 15, clock: settled });
    const budget = {
      take: async () => {
        await inner.take();
        taken++;
      },
    };
    const a = client({ budget });
    const b = client({ budget });
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).registration('SEP000000000010')));
    expect(cucm.counts.risport).toMatchObject({ accepted: 20, rateLimited: 0 });
    expect(cucm.counts.risport.maxInWindow).toBeLessThanOrEqual(15);
  });

  test('Server.RateControl: THROTTLED, the client waits out the minute and retries', async () => {
    const ris = client();
    cucm.fail('selectCmDevice', 'rate-control');
    const sleeps = clock.sleeps.length;
    expect((await ris.registration('SEP000000000010'))?.status).toBe('Registered');
    expect(cucm.counts.risport).toMatchObject({ requests: 2, rateLimited: 1, accepted: 1 });
    expect(clock.sleeps.slice(sleeps)).toEqual([60_000]);
  });

  test('a budget larger than the cluster allows (another tool uses it too): refused requests are retried after the window', async () => {
    const events: string[] = [];
    const ris = client({ budget: new InProcessRateBudget({ perMinute: 30, clock }), onEvent: (e) => events.push(e.type) });
    for (let i = 0; i < 20; i++) await ris.registration('SEP000000000010');
    expect(cucm.counts.risport.accepted).toBe(20);
    expect(cucm.counts.risport.rateLimited).toBeGreaterThan(0);
    expect(cucm.counts.risport.maxInWindow).toBeLessThanOrEqual(15);
    expect(events).toContain('rate-limited');
  });

  test('RateControl that does not clear: DIALBOOK_CUCM_THROTTLED after the attempts', async () => {
    cucm.fail('selectCmDevice', 'rate-control', { times: 5 });
    const err = await failure(client({ attempts: 2 }).registration('SEP000000000010'));
    expect(err.code).toBe('DIALBOOK_CUCM_THROTTLED');
    expect(err.message).toContain('15 requests a minute');
    expect(err.info).toMatchObject({ retryable: true, retryAfterMs: 60_000, service: 'risport' });
    expect(cucm.counts.risport.requests).toBe(2);
  });
});

describe('RisPort faults', () => {
  test('401: DIALBOOK_CUCM_AUTH naming the serviceability role', async () => {
    const err = await failure(client({ password: 'wrong' }).registration('SEP000000000010'));
    expect(err.code).toBe('DIALBOOK_CUCM_AUTH');
    expect(err.message).toContain('Standard SERVICEABILITY Read Only');
  });

  test('a hang past the timeout: DIALBOOK_CUCM_TIMEOUT', async () => {
    cucm.fail('selectCmDevice', 'hang');
    const err = await failure(client({ timeoutMs: 300 }).registration('SEP000000000010'));
    expect(err.code).toBe('DIALBOOK_CUCM_TIMEOUT');
    expect(err.message).toContain('RisPort');
  });

  test('without the CA PEM: DIALBOOK_CUCM_TLS', async () => {
    const { tls: _tls, ...noCa } = cucm.connection;
    expect((await failure(new RisClient({ ...noCa, clock }).registration('SEP000000000010'))).code).toBe('DIALBOOK_CUCM_TLS');
  });
});
