/**
 * "Test connection" step by step against the double: every step ok, and each step failing in
 * turn with words an admin can act on; the test stops at the first failing step.
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { probe, type ProbeOptions } from '../src/index.js';
import { startCucmDouble, type CucmDouble } from './double/server.js';

let cucm: CucmDouble;
const run = (extra: Partial<ProbeOptions> = {}) => probe({ ...cucm.connection, ...extra });
const stepsOf = (r: Awaited<ReturnType<typeof probe>>) => r.steps.map((s) => `${s.step}:${s.ok ? 'ok' : 'failed'}`);

beforeAll(async () => {
  cucm = await startCucmDouble();
  cucm.data.seed({ users: 3 });
});
afterEach(() => {
  cucm.reset();
  cucm.configure({ versions: ['11.0', '11.5', '12.0', '12.5', '14.0'] });
});
afterAll(() => cucm.close());

describe('probe', () => {
  test('all steps pass', async () => {
    const r = await run();
    expect(r.ok).toBe(true);
    expect(r.failed).toBeNull();
    expect(stepsOf(r)).toEqual(['dns:ok', 'tcp:ok', 'tls:ok', 'auth:ok', 'version:ok', 'permission:ok', 'risport:ok']);
    expect(r.steps.find((s) => s.step === 'tls')?.message).toMatch(/certificate "cucm-double" issued by "Dialbook test CA \(CUCM double\)" is trusted/);
    expect(r.steps.find((s) => s.step === 'version')?.message).toBe('CUCM 14.0.1.13900(155), AXL schema 14.0 (it refused 15.0; it offers 14.0, 12.x, 11.x)');
    expect(r.message).toMatch(/^Connected to 127\.0\.0\.1:\d+: CUCM 14\.0\.1\.13900\(155\), AXL schema 14\.0/);
    expect(r.version?.schemaVersion).toBe('14.0');
    expect(cucm.counts.axl.listPhone).toBe(1);
    expect(cucm.counts.risport.requests).toBe(1);
  });

  test('a host name resolves (localhost is in the certificate)', async () => {
    const r = await run({ host: 'localhost', risport: false });
    expect(r.ok).toBe(true);
    expect(r.steps[0]?.message).toMatch(/^localhost resolves to /);
    expect(stepsOf(r)).not.toContain('risport:ok');
  });

  test('dns: an unknown host', async () => {
    const r = await run({ host: 'cucm-pub.invalid' });
    expect(stepsOf(r)).toEqual(['dns:failed']);
    expect(r.failed).toBe('dns');
    expect(r.message).toContain('"cucm-pub.invalid" could not be resolved');
    expect(r.steps[0]?.code).toBe('DIALBOOK_CUCM_UNREACHABLE');
  });

  test('tcp: nothing listens on the port', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = await run({ port });
    expect(stepsOf(r)).toEqual(['dns:ok', 'tcp:failed']);
    expect(r.message).toMatch(/refused the connection.*8443/);
  });

  test('tls: the CA is missing', async () => {
    const { tls: _tls, ...noCa } = cucm.connection;
    const r = await probe(noCa);
    expect(stepsOf(r)).toEqual(['dns:ok', 'tcp:ok', 'tls:failed']);
    expect(r.steps[2]?.code).toBe('DIALBOOK_CUCM_TLS');
    expect(r.message).toContain('CA setting');
  });

  test('tls: verification off passes, and says so', async () => {
    const { tls: _tls, ...noCa } = cucm.connection;
    const r = await probe({ ...noCa, tls: { verify: false }, risport: false });
    expect(r.ok).toBe(true);
    expect(r.steps[2]?.message).toContain('NOT verified');
  });

  test('auth: a wrong password (401 with an HTML page)', async () => {
    const r = await run({ password: 'nope' });
    expect(stepsOf(r)).toEqual(['dns:ok', 'tcp:ok', 'tls:ok', 'auth:failed']);
    expect(r.steps[3]?.code).toBe('DIALBOOK_CUCM_AUTH');
    expect(r.message).toContain('Check the AXL user and password');
  });

  test('version: no schema in common (599)', async () => {
    cucm.configure({ versions: ['9.1'] });
    const r = await run();
    expect(stepsOf(r)).toEqual(['dns:ok', 'tcp:ok', 'tls:ok', 'auth:ok', 'version:failed']);
    expect(r.steps[4]?.code).toBe('DIALBOOK_CUCM_VERSION');
    expect(r.message).toContain('it offers 9.1');
  });

  test('permission: listPhone refused', async () => {
    cucm.fail('listPhone', 'forbidden');
    const r = await run();
    expect(stepsOf(r)).toEqual(['dns:ok', 'tcp:ok', 'tls:ok', 'auth:ok', 'version:ok', 'permission:failed']);
    expect(r.steps[5]?.code).toBe('DIALBOOK_CUCM_PERMISSION');
    expect(cucm.counts.risport.requests).toBe(0);
  });

  test('risport: the user lacks the serviceability role', async () => {
    cucm.fail('selectCmDevice', 'unauthorized', { times: 2 });
    const r = await run();
    expect(r.failed).toBe('risport');
    expect(r.message).toContain('Standard SERVICEABILITY Read Only');
  });

  test('risport: rate limit used up right now is reachable, with a note', async () => {
    cucm.fail('selectCmDevice', 'rate-control');
    const r = await run();
    expect(r.ok).toBe(true);
    expect(r.steps.at(-1)?.message).toContain('rate limit is used up');
  });
});
