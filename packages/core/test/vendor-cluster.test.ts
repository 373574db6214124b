/**
 * Remote vendor services with two Dialbook instances on one PostgreSQL database: a real
 * service (websocket) connected to instance A, administered through instance B's API. B shows
 * the live state A holds (on the relay's private channel `vendor.state`) and forwards the commands
 * that need the service's socket to A (`vendor.command` → `vendor.result`). On SQLite there is one instance.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDialbook, listen, loadConfig, systemActor, type Dialbook, type RunningServer, createApp } from '@dialbook/core';
import { createTestCore, eventually, testDatabaseKind, type TestCore } from '@dialbook/core/testing';
import { VENDOR_WS_PATH, VendorServiceClient, type ConfigureMessage, type EnablementMessage } from '@dialbook/core/vendor-protocol';

const onPostgres = testDatabaseKind() === 'postgresql';
const vendorServices = { heartbeatMs: 1000, answerTimeoutMs: 3000 };

/** A large access snippet (non-ASCII too): the state carrying it is relayed in fragments. */
const provisioning = Array.from({ length: 300 }, (_, i) => `remote_phonebook.data.${i}.name = Telefonbuch Größe ${i} «ü»`).join('\n');

/** A vendor service ("acme") that records what core sends it. */
function service(url: string, key: string) {
  const configured: ConfigureMessage[] = [];
  const enablements: EnablementMessage[] = [];
  const client: VendorServiceClient = new VendorServiceClient({
    url,
    key,
    service: 'acme',
    version: '2.0.0',
    instanceId: 'acme-on-a',
    heartbeatMs: 1000,
    backoff: { initialMs: 50, maxMs: 400 },
    config: [
      { key: 'title', label: 'Title', type: 'string', required: true, fill: 'phonebook.name' },
      { key: 'user', label: 'User', type: 'string', required: true },
      { key: 'pass', label: 'Password', type: 'secret', required: true },
    ],
    handlers: {
      configure: async (f) => {
        configured.push(f);
        if (!f.enabled) return { state: 'disabled' };
        await client.requestPhonebook(f.phonebookId, f.key); // the pair key A got from the database works
        return { state: 'enabled', access: { url: `http://acme.invalid/${f.phonebookId}`, username: String(f.configuration.user), provisioning } };
      },
      enablement: (f) => {
        enablements.push(f);
        return { state: f.enabled ? 'enabled' : 'disabled', message: f.enabled ? 'on' : 'switched off' };
      },
      phonebook: () => undefined,
    },
  });
  return { client, configured, enablements };
}

interface Pair {
  state: string;
  message: string | null;
  access: { url: string; username?: string; provisioning?: string } | null;
  configured: boolean;
  enabled: boolean;
  fields: { key: string; value: unknown; filled: boolean }[];
  missing: string[];
  instances: { instanceId: string; state: string | null }[];
}

if (!onPostgres) describe('vendor services on SQLite', () => {
  test('one instance and no relay: the live state is the own one, and nothing is sent to other instances', async () => {
    const core = await createTestCore({ listen: true, config: { vendorServices } });
    // The vendor services' private channels between instances are open, and nothing is sent on them.
    const relayed = () => core.dialbook.channels.status().filter((c) => c.sent > 0).map((c) => c.name);
    expect(core.dialbook.channels.status().map((c) => c.name)).toEqual(['vendor.state', 'vendor.command', 'vendor.result']);
    const { client, configured } = service(`ws://127.0.0.1:${core.port}${VENDOR_WS_PATH}`, (await core.dialbook.credentials.createServiceKey('acme', null, 'acme', systemActor)).secret);
    try {
      expect(core.dialbook.cluster).toBeNull();
      const pb = await core.dialbook.phonebooks.create({ siteId: core.site.id, name: 'Lobby', filter: {} });
      const path = `/api/v1/phonebooks/${pb.id}/vendors/acme`;
      client.start();
      await eventually('registration', () => client.connected);
      expect(((await (await core.request(path)).json()) as Pair).state).toBe('disabled');
      expect(((await (await core.request(`${path}/setup`, { method: 'POST' })).json()) as Pair).state).toBe('setup');
      const res = await core.request(`${path}/configuration`, { method: 'PUT', json: { values: { user: 'phone', pass: 'secret-123' } } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ state: 'enabled', access: { username: 'phone', provisioning } });
      expect(configured.at(-1)).toMatchObject({ enabled: true, configuration: { title: 'Lobby', user: 'phone', pass: 'secret-123' } });
      await client.stop();
      await eventually('unavailable', async () => ((await (await core.request(path)).json()) as Pair).state === 'unavailable');
      expect(relayed()).toEqual([]);
    } finally {
      await client.stop();
      await core.close();
    }
  });
});

if (onPostgres) describe('a vendor service connected to instance A, administered through instance B', () => {
  let b: TestCore; // owns the test database (dropped last); answers the API calls
  let a: Dialbook;
  let aServer: RunningServer | null = null;
  let svc: ReturnType<typeof service>;
  let phonebookId: string;

  const onB = (path: string, init?: Parameters<TestCore['request']>[1]) => b.request(path, init);
  const pairOnB = async () => {
    const res = await onB(`/api/v1/phonebooks/${phonebookId}/vendors`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: (Pair & { vendor: string })[] }).items.find((i) => i.vendor === 'acme');
  };
  const stateOnB = async () => (await pairOnB())?.state ?? 'absent';

  beforeAll(async () => {
    b = await createTestCore({ config: { vendorServices } });
    // Instance A: the same database and secret key, its own memory, relay and HTTP port (with the websocket).
    a = await createDialbook(await loadConfig({ env: {}, config: { logLevel: 'silent', secretKey: b.dialbook.config.secretKey, database: { url: b.dialbook.config.database.url! }, vendorServices } }), { migrate: true });
    await a.start();
    aServer = await listen(a, { host: '127.0.0.1', port: 0 });
    phonebookId = (await b.dialbook.phonebooks.create({ siteId: b.site.id, name: 'Lobby', filter: {} })).id;
    const key = (await b.dialbook.credentials.createServiceKey('acme', null, 'acme service', systemActor)).secret;
    svc = service(`ws://127.0.0.1:${aServer.port}${VENDOR_WS_PATH}`, key);
  });
  afterAll(async () => {
    await svc?.client.stop();
    await aServer?.close();
    await b?.close();
  });

  test('B shows the service connected to A: listed, and the pair disabled', async () => {
    expect(await stateOnB()).toBe('absent');
    expect((await onB(`/api/v1/phonebooks/${phonebookId}/vendors/acme/setup`, { method: 'POST' })).status).toBe(409);
    svc.client.start();
    await eventually('registration on A', () => svc.client.connected);
    expect(a.vendors.connected()).toMatchObject([{ instanceId: 'acme-on-a' }]);
    expect(b.dialbook.vendors.sessionById(a.vendors.connected()[0]!.sessionId)).toBeUndefined(); // the socket is A's
    expect(await eventually('disabled on B', async () => (await stateOnB()) === 'disabled' && 'ok')).toBe('ok');
    const listed = (await (await onB('/api/v1/vendor-services')).json()) as { items: { instanceId: string; version: string; vendor: string; config: { key: string }[] }[] };
    expect(listed.items).toMatchObject([{ instanceId: 'acme-on-a', version: '2.0.0', vendor: 'acme' }]);
    expect(listed.items[0]!.config.map((f) => f.key)).toEqual(['title', 'user', 'pass']);
  });

  test('setup, configuration, disable and enable through B reach the service on A', async () => {
    const path = `/api/v1/phonebooks/${phonebookId}/vendors/acme`;
    const setup = (await (await onB(`${path}/setup`, { method: 'POST' })).json()) as Pair;
    expect(setup).toMatchObject({ state: 'setup', missing: ['user', 'pass'], instances: [{ instanceId: 'acme-on-a', state: null }] });
    expect(setup.fields.find((f) => f.key === 'title')).toMatchObject({ value: 'Lobby', filled: true });
    expect(((await (await onB(path)).json()) as Pair).state).toBe('setup');

    // Checked against the fields the service on A declared; the error as a local call gives it.
    const missing = await onB(`${path}/configuration`, { method: 'PUT', json: { values: { user: 'phone' } } });
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ status: 422, code: 'DIALBOOK_VENDOR_CONFIG_MISSING', field: 'values.pass' });

    const res = await onB(`${path}/configuration`, { method: 'PUT', json: { values: { user: 'phone', pass: 'secret-123' } } });
    expect(res.status).toBe(200);
    const done = (await res.json()) as Pair;
    expect(done).toMatchObject({ state: 'enabled', configured: true, enabled: true, access: { url: `http://acme.invalid/${phonebookId}`, username: 'phone' }, instances: [{ instanceId: 'acme-on-a', state: 'enabled' }] });
    expect(done.access!.provisioning).toBe(provisioning); // a state of over 8000 bytes crossed in fragments
    expect(Buffer.byteLength(provisioning)).toBeGreaterThan(2 * 8000);
    expect(JSON.stringify(done)).not.toContain('secret-123');
    // The service on A got the configuration B stored (secrets re-read from the database and decrypted on A).
    expect(svc.configured.at(-1)).toMatchObject({ phonebookId, siteId: b.site.id, enabled: true, configuration: { title: 'Lobby', user: 'phone', pass: 'secret-123' } });
    const firstKey = svc.configured.at(-1)!.key;

    // B shows it on its own afterwards, and A shows the same.
    expect(await pairOnB()).toMatchObject({ state: 'enabled', access: { username: 'phone', provisioning } });
    const onA = (await (await createApp(a).request(path, { headers: { authorization: `Bearer ${b.admin.token}` } })).json()) as Pair;
    expect(onA).toMatchObject({ state: 'enabled', access: { username: 'phone' } });

    const off = await onB(`${path}/disable`, { method: 'POST' });
    expect(off.status).toBe(200);
    expect(await off.json()).toMatchObject({ state: 'disabled', message: 'switched off', enabled: false });
    expect(svc.enablements.at(-1)).toMatchObject({ phonebookId, enabled: false });
    await expect(svc.client.requestPhonebook(phonebookId, firstKey)).rejects.toThrow(/KEY_INVALID/); // revoked on B, forgotten on A

    const on = await onB(`${path}/enable`, { method: 'POST' });
    expect(on.status).toBe(200);
    expect(await on.json()).toMatchObject({ state: 'enabled', enabled: true, access: { username: 'phone' } });
    expect(svc.configured.at(-1)!.key).not.toBe(firstKey);
  });

  test('an error on A reaches B with its code, status and details', async () => {
    const missing = randomUUID();
    const err = await b.dialbook.vendors.forward(a.cluster!.instance, 'setup', 'acme', missing).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'DIALBOOK_NOT_FOUND', status: 404, details: { id: missing } });
  });

  test('the service disconnects: B shows unavailable; it reconnects to A and is enabled again', async () => {
    const n = svc.configured.length;
    await svc.client.stop();
    expect(await eventually('unavailable on B', async () => (await stateOnB()) === 'unavailable' && 'ok', { timeout: 3000 })).toBe('ok');
    expect(await pairOnB()).toMatchObject({ state: 'unavailable', configured: true, enabled: true, access: null, instances: [] });
    svc.client.start();
    await eventually('the stored configuration sent again', () => svc.configured.length > n);
    expect(await eventually('enabled on B', async () => (await stateOnB()) === 'enabled' && 'ok')).toBe('ok');
  });

  test('an instance that falls silent is forgotten after three missed heartbeats', async () => {
    // A third "instance" that sends one state and then nothing (as a crashed process would).
    const admin = new pg.Client({ connectionString: b.dialbook.config.database.url! });
    await admin.connect();
    try {
      const now = new Date().toISOString();
      const state = { instance: 'ghost', seq: 1, heartbeatMs: 300, sessions: [{ id: 'g1', service: 'acme', vendor: 'acme', version: '0.1.0', instanceId: 'acme-ghost', phonebookId: null, remoteAddress: null, connectedAt: now, lastSeenAt: now, config: [] }], pairs: [] };
      await admin.query('select pg_notify($1, $2)', ['dialbook_events', JSON.stringify({ o: 'ghost', n: 'vendor.state', p: state })]);
    } finally {
      await admin.end();
    }
    const ghostOnB = async () => ((await (await onB('/api/v1/vendor-services')).json()) as { items: { instanceId: string }[] }).items.some((i) => i.instanceId === 'acme-ghost');
    await eventually('the ghost listed', ghostOnB);
    const seen = Date.now();
    await eventually('the ghost forgotten', async () => !(await ghostOnB()), { timeout: 3000 });
    expect(Date.now() - seen).toBeGreaterThanOrEqual(300); // not before its heartbeats were missed
  });

  test('instance A stops: its sessions are gone, B shows unavailable', async () => {
    expect(await stateOnB()).toBe('enabled');
    await aServer!.close();
    aServer = null;
    expect(await eventually('unavailable on B', async () => (await stateOnB()) === 'unavailable' && 'ok', { timeout: 3000 })).toBe('ok');
    expect(((await (await onB('/api/v1/vendor-services')).json()) as { items: unknown[] }).items).toEqual([]);
    // Commands are refused as with no service connected anywhere.
    const res = await onB(`/api/v1/phonebooks/${phonebookId}/vendors/acme/setup`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'DIALBOOK_VENDOR_UNAVAILABLE' });
  });
});
