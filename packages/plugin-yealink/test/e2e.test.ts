import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { createTestCore, eventually, type TestCore } from '@dialbook/core/testing';
import { VENDOR_WS_PATH } from '@dialbook/core/vendor-protocol';
import yealink from '../src/index.js';

/**
 * End to end, as an administrator and a desk phone would see it: core listens on a real port;
 * `dialbook-yealink` runs as its own process (the package's bin); the admin walks it from
 * `disabled` through setup to `enabled` over the REST API; a "phone" fetches the directory from
 * the service's HTTP listener with HTTP basic, then with If-None-Match; a contact edit reaches the
 * next fetch; the fetches show in the audit log; killing the service shows `unavailable`.
 */
const root = fileURLToPath(new URL('../../..', import.meta.url));
const bin = fileURLToPath(new URL('../bin/dialbook-yealink.js', import.meta.url));
let core: TestCore;
let service: ChildProcess | undefined;
let servicePort = 0;
let phonebookId = '';
let contactId = '';
const log: string[] = [];
/** How long the service may take; a timeout shows what it printed. */
const wait = { timeout: 15_000, details: () => `--- service output ---\n${log.join('')}` };

const api = async <T>(path: string, init?: Parameters<TestCore['request']>[1]): Promise<{ status: number; body: T }> => {
  const res = await core.request(`/api/v1${path}`, init);
  return { status: res.status, body: (await res.json()) as T };
};

type Pair = { state: string; missing: string[]; access: { url: string; username: string; provisioning: string } | null; fields: { key: string; value: unknown; filled: boolean }[] };
const pair = async () => (await api<{ items: (Pair & { vendor: string })[] }>(`/phonebooks/${phonebookId}/vendors`)).body.items.find((i) => i.vendor === 'yealink');

beforeAll(async () => {
  core = await createTestCore({ plugins: { yealink }, listen: true, config: { vendorServices: { heartbeatMs: 500, answerTimeoutMs: 10_000 } } });
  phonebookId = (await api<{ id: string }>('/phonebooks', { method: 'POST', json: { siteId: core.site.id, name: 'Front desk', filter: {} } })).body.id;
  contactId = (await api<{ id: string }>('/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'Jörg', lastName: 'Weiß & Söhne', department: 'Sales', phones: [{ type: 'work', number: '030 1234567' }] } })).body.id;
  await api('/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'Ana', lastName: 'Souza', department: 'Support', phones: [{ type: 'mobile', number: '+49 170 1234567' }] } });
});

afterAll(async () => {
  if (service && service.exitCode === null) service.kill('SIGKILL');
  await core?.close();
});

test('dialbook-yealink: setup to enabled, phone fetches with ETag/304, a contact edit reaches the phone, audit, unavailable when killed', async () => {
  // The admin creates the service's registration key (as `dialbook service-key create yealink` would).
  const key = await api<{ secret: string }>('/service-keys', { method: 'POST', json: { service: 'yealink', name: 'yealink near the phones' } });
  expect(key.status).toBe(201);

  service = spawn(process.execPath, ['--conditions=dialbook-source', '--import', 'tsx', bin, '--core', `ws://127.0.0.1:${core.port}${VENDOR_WS_PATH}`, '--listen', '127.0.0.1:0', '--heartbeat-ms', '500'], {
    cwd: root,
    env: { ...process.env, DIALBOOK_SERVICE_KEY: key.body.secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  service.stdout!.on('data', (d: Buffer) => {
    log.push(d.toString());
    const m = /listening (\d+)/.exec(d.toString());
    if (m) servicePort = Number(m[1]);
  });
  service.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
  await eventually('the service to listen', () => servicePort, wait);

  // Connected: the pair shows up as disabled.
  expect((await eventually('the service to register', async () => (await pair())?.state === 'disabled' && 'ok', wait))).toBe('ok');
  const svc = await api<{ items: { service: string; version: string }[] }>('/vendor-services');
  expect(svc.body.items).toMatchObject([{ service: 'yealink', version: '0.1.0' }]);

  // Setup: core filled the phonebook and site names; the admin fills user name and password.
  const setup = await api<Pair>(`/phonebooks/${phonebookId}/vendors/yealink/setup`, { method: 'POST' });
  expect(setup.body.state).toBe('setup');
  expect(setup.body.fields.find((f) => f.key === 'name')).toMatchObject({ value: 'Front desk', filled: true });
  expect(setup.body.fields.find((f) => f.key === 'site')).toMatchObject({ value: 'Test site', filled: true });
  expect(setup.body.missing).toEqual(['username', 'password']);
  const short = await api<Pair>(`/phonebooks/${phonebookId}/vendors/yealink/configuration`, { method: 'PUT', json: { values: { username: 'lobby', password: 'short' } } });
  expect(short).toMatchObject({ status: 422, body: { field: 'values.password' } }); // the service asked for at least 8 characters
  const done = await api<Pair>(`/phonebooks/${phonebookId}/vendors/yealink/configuration`, { method: 'PUT', json: { values: { username: 'lobby', password: 'phone-pass-1' } } });
  expect(done.status).toBe(200);
  expect(done.body.state).toBe('enabled');
  const url = done.body.access!.url;
  expect(url).toBe(`http://127.0.0.1:${servicePort}/yealink/${phonebookId}`);
  expect(done.body.access!.username).toBe('lobby');
  expect(done.body.access!.provisioning).toContain(`remote_phonebook.data.1.url = ${url}`);
  expect(JSON.stringify(done.body)).not.toContain('phone-pass-1');

  // A phone fetches from the service.
  const auth = { authorization: `Basic ${Buffer.from('lobby:phone-pass-1').toString('base64')}`, 'user-agent': 'Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56' };
  expect((await fetch(url)).status).toBe(401);
  expect((await fetch(url, { headers: { authorization: `Basic ${Buffer.from('lobby:wrong-pass').toString('base64')}` } })).status).toBe(401);
  const first = await fetch(url, { headers: auth });
  expect(first.status).toBe(200);
  expect(first.headers.get('content-type')).toBe('text/xml; charset=utf-8');
  const etag = first.headers.get('etag')!;
  expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
  const xml = await first.text();
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as { YealinkIPPhoneBook: { Menu: { Name: string; Unit: { Name: string; Phone1: string } | { Name: string }[] }[] } };
  const menus = doc.YealinkIPPhoneBook.Menu;
  expect(menus.map((m) => m.Name)).toEqual(['Sales', 'Support']);
  expect(menus[0]!.Unit).toMatchObject({ Name: 'Jörg Weiß & Söhne', Phone1: '0301234567' });

  const again = await fetch(url, { headers: { ...auth, 'if-none-match': etag } });
  expect(again.status).toBe(304);
  expect(await again.text()).toBe('');
  const dir = await fetch(`${url}/directory`, { headers: auth });
  expect(await dir.text()).toContain('<YealinkIPPhoneDirectory>');

  // An edit through the API reaches the next fetch (core pushes the update to the service).
  expect((await api(`/contacts/${contactId}`, { method: 'PATCH', json: { lastName: 'Weiß-Neumann' } })).status).toBe(200);
  const changed = await eventually('the pushed update', async () => {
    const r = await fetch(url, { headers: { ...auth, 'if-none-match': etag } });
    return r.status === 200 && r;
  }, wait);
  expect(changed.headers.get('etag')).not.toBe(etag);
  expect(await changed.text()).toContain('Name="Jörg Weiß-Neumann"');

  // The fetches the service served are in core's audit log, with the phone's address and device.
  const audit = await eventually('the audit trail', async () => {
    await core.dialbook.directory.audit.flush();
    const rows = (await api<{ items: { action: string; status: number | null; ip: string | null; targetId: string | null; actorName: string | null }[] }>('/audit?pageSize=100')).body.items.filter((a) => a.action === 'directory.served');
    return rows.length >= 4 && rows;
  }, wait);
  expect(audit.map((a) => a.status).sort()).toEqual(expect.arrayContaining([200, 200, 304]));
  expect(audit[0]).toMatchObject({ ip: '127.0.0.1', targetId: phonebookId });
  expect(audit.some((a) => a.actorName?.includes('80:5e:c0:12:34:56'))).toBe(true);

  // Killed: the API shows the pair as unavailable (its configuration stays).
  service.kill('SIGKILL');
  await eventually('unavailable', async () => (await pair())?.state === 'unavailable', wait);
  const view = await api<Pair & { configured: boolean }>(`/phonebooks/${phonebookId}/vendors/yealink`);
  expect(view.body).toMatchObject({ state: 'unavailable', configured: true, access: null });
}, 60_000);
