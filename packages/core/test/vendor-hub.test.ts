import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { definePlugin, systemActor } from '@dialbook/core';
import { createTestCore, eventually, type TestCore } from '@dialbook/core/testing';
import { CORE_HARD_FRAME_BYTES, encodeFrame, VENDOR_WS_PATH, VendorServiceClient, type ConfigureMessage, type PhonebookUpdateMessage, type ServedEvent } from '@dialbook/core/vendor-protocol';

/**
 * The vendor-service websocket on a real port: bad frames, keys, the
 * unavailable → disabled → setup → enabled walk through the API, pushes on change,
 * audit trails, reconnects and heartbeats. A tiny renderer plugin stands for a vendor.
 */
const acme = definePlugin({
  name: 'acme',
  setup(ctx) {
    ctx.directory.registerRenderer({ id: 'acme', label: 'Acme', variants: ['list'], render: (input) => ({ contentType: 'text/plain; charset=utf-8', body: input.contacts.map((c) => c.displayName).join('\n') }) });
  },
});

let core: TestCore;
let wsUrl: string;
let key: string;
let phonebookId: string;

beforeAll(async () => {
  core = await createTestCore({ plugins: { acme }, listen: true, config: { vendorServices: { heartbeatMs: 1000, answerTimeoutMs: 3000 } } });
  wsUrl = `ws://127.0.0.1:${core.port}${VENDOR_WS_PATH}`;
  key = (await core.dialbook.credentials.createServiceKey('acme', null, 'acme service', systemActor)).secret;
  phonebookId = (await core.dialbook.phonebooks.create({ siteId: core.site.id, name: 'Lobby', filter: {} })).id;
  await core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'Anna', lastName: 'Alpha', phones: [{ number: '030 1111111' }] }, systemActor);
});
afterAll(() => core?.close());

/** A raw websocket that collects the frames core sends. */
async function raw() {
  const ws = new WebSocket(wsUrl);
  const frames: Record<string, unknown>[] = [];
  const waiters: ((f: Record<string, unknown>) => void)[] = [];
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as Record<string, unknown>;
    const w = waiters.shift();
    if (w) w(f);
    else frames.push(f);
  });
  await once(ws, 'open');
  const next = () => new Promise<Record<string, unknown>>((resolve, reject) => {
    const f = frames.shift();
    if (f) return resolve(f);
    const t = setTimeout(() => reject(new Error('no frame from core')), 3000);
    waiters.push((x) => (clearTimeout(t), resolve(x)));
  });
  return { ws, next, send: (x: unknown) => ws.send(typeof x === 'string' || Buffer.isBuffer(x) ? x : JSON.stringify(x)) };
}

const pairState = async (vendor = 'acme') => {
  const res = await core.request(`/api/v1/phonebooks/${phonebookId}/vendors`);
  const body = (await res.json()) as { items: { vendor: string; state: string }[] };
  return body.items.find((i) => i.vendor === vendor)?.state ?? 'absent';
};

describe('bad frames', () => {
  test('garbage, oversized, binary, wrong types and unknown types get error frames; the connection and core survive', async () => {
    const c = await raw();
    c.send('{this is not json');
    expect(await c.next()).toMatchObject({ v: 1, type: 'error', code: 'DIALBOOK_VENDOR_FRAME_INVALID' });
    c.send(encodeFrame({ type: 'ping', id: 'x'.repeat(1024 * 1024 + 10) }));
    expect(await c.next()).toMatchObject({ type: 'error', code: 'DIALBOOK_VENDOR_FRAME_TOO_LARGE' });
    c.send(Buffer.from([1, 2, 3]));
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'DIALBOOK_VENDOR_FRAME_INVALID' });
    expect(await c.next()).toMatchObject({ type: 'error', message: /binary/ });
    c.send({ v: 1, type: 'register', id: 'r1', service: 42, vendor: 'acme' });
    expect(await c.next()).toMatchObject({ type: 'error', re: 'r1', code: 'DIALBOOK_VENDOR_FRAME_INVALID', message: /service/ });
    c.send({ v: 1, type: 'launch-missiles', id: 'u1' });
    expect(await c.next()).toMatchObject({ type: 'error', re: 'u1' });
    c.send({ v: 2, type: 'ping', id: 'p0' });
    expect(await c.next()).toMatchObject({ type: 'error', re: 'p0', code: 'DIALBOOK_VENDOR_PROTOCOL_VERSION' });
    c.send({ v: 1, type: 'audit', id: 'a1', events: [{ at: new Date().toISOString(), phonebookId, variant: '', status: 200, ip: null, userAgent: null }] });
    expect(await c.next()).toMatchObject({ type: 'error', re: 'a1', code: 'DIALBOOK_VENDOR_NOT_REGISTERED' });
    c.send({ v: 1, type: 'ping', id: 'p1' });
    expect(await c.next()).toEqual({ v: 1, type: 'pong', re: 'p1' });
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    expect((await fetch(`${core.url}/healthz`)).status).toBe(200);
    c.ws.close();
  });

  test('a frame over the hard limit closes that connection (1009); core accepts the next one', async () => {
    const c = await raw();
    const closed = once(c.ws, 'close');
    c.send(encodeFrame({ type: 'ping', id: 'x'.repeat(CORE_HARD_FRAME_BYTES + 1) }));
    expect((await closed)[0]).toBe(1009);
    const d = await raw();
    d.send({ v: 1, type: 'ping', id: 'again' });
    expect(await d.next()).toMatchObject({ type: 'pong', re: 'again' });
    d.ws.close();
  });

  test('a wrong or revoked key is refused with an error frame and close code 4401', async () => {
    const c = await raw();
    const closed = once(c.ws, 'close');
    c.send({ v: 1, type: 'register', id: 'r', service: 'acme', vendor: 'acme', version: '1', instanceId: 'x', key: 'dbk_svc_wrong' });
    expect(await c.next()).toMatchObject({ type: 'error', re: 'r', code: 'DIALBOOK_VENDOR_KEY_INVALID' });
    expect((await closed)[0]).toBe(4401);
    // A key for another service does not register this one.
    const other = (await core.dialbook.credentials.createServiceKey('cisco', null, 'cisco', systemActor)).secret;
    const d = await raw();
    d.send({ v: 1, type: 'register', id: 'r', service: 'acme', vendor: 'acme', version: '1', instanceId: 'x', key: other });
    expect(await d.next()).toMatchObject({ code: 'DIALBOOK_VENDOR_KEY_INVALID' });
  });

  test('other upgrade paths are refused', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${core.port}/api/v1/elsewhere`);
    const [err] = (await once(ws, 'error')) as [Error];
    expect(err.message).toMatch(/404/);
  });
});

describe('setup to enabled, pushes, audit, disconnect', () => {
  const pushed: PhonebookUpdateMessage[] = [];
  const configured: ConfigureMessage[] = [];
  let client: VendorServiceClient;
  const start = () => {
    client = new VendorServiceClient({
      url: wsUrl,
      key,
      service: 'acme',
      version: '9.9.9',
      instanceId: 'acme-test',
      heartbeatMs: 1000,
      backoff: { initialMs: 50, maxMs: 400 },
      config: [
        { key: 'title', label: 'Title', type: 'string', required: true, fill: 'phonebook.name' },
        { key: 'site', label: 'Site', type: 'string', fill: 'site.name' },
        { key: 'user', label: 'User', type: 'string', required: true },
        { key: 'pass', label: 'Password', type: 'secret', required: true },
        { key: 'mode', label: 'Mode', type: 'string', options: ['a', 'b'], default: 'a' },
      ],
      handlers: {
        configure: async (f) => {
          configured.push(f);
          if (!f.enabled) return { state: 'disabled' };
          const data = await client.requestPhonebook(f.phonebookId, f.key);
          pushed.push(data);
          return { state: 'enabled', access: { url: `http://acme.invalid/${f.phonebookId}`, username: String(f.configuration.user) } };
        },
        enablement: (f) => ({ state: f.enabled ? 'enabled' : 'disabled', message: f.enabled ? 'on' : 'switched off' }),
        phonebook: (f) => void pushed.push(f),
      },
    });
    client.start();
    return client;
  };
  afterAll(() => client?.stop());

  test('the walk through the API', async () => {
    // No service connected and nothing stored: the vendor is not listed; asking for it is 404; setup is refused.
    expect(await pairState()).toBe('absent');
    expect((await core.request(`/api/v1/phonebooks/${phonebookId}/vendors/acme`)).status).toBe(404);
    expect((await core.request(`/api/v1/phonebooks/${phonebookId}/vendors/acme/setup`, { method: 'POST' })).status).toBe(409);

    start();
    await eventually('registration', () => client.connected);
    expect(await pairState()).toBe('disabled');
    const services = (await (await core.request('/api/v1/vendor-services')).json()) as { items: { instanceId: string; version: string }[] };
    expect(services.items).toMatchObject([{ instanceId: 'acme-test', version: '9.9.9' }]);

    const setup = (await (await core.request(`/api/v1/phonebooks/${phonebookId}/vendors/acme/setup`, { method: 'POST' })).json()) as { state: string; fields: { key: string; value: unknown; filled: boolean }[]; missing: string[] };
    expect(setup.state).toBe('setup');
    expect(setup.fields.find((f) => f.key === 'title')).toMatchObject({ value: 'Lobby', filled: true });
    expect(setup.fields.find((f) => f.key === 'site')).toMatchObject({ value: 'Test site', filled: true });
    expect(setup.fields.find((f) => f.key === 'pass')).toMatchObject({ value: { set: false } });
    expect(setup.missing).toEqual(['user', 'pass']);

    const put = (values: Record<string, unknown>) => core.request(`/api/v1/phonebooks/${phonebookId}/vendors/acme/configuration`, { method: 'PUT', json: { values } });
    expect(await (await put({ user: 'phone' })).json()).toMatchObject({ status: 422, code: 'DIALBOOK_VENDOR_CONFIG_MISSING', field: 'values.pass' });
    expect(await (await put({ user: 'phone', pass: 'secret-123', bogus: 1 })).json()).toMatchObject({ status: 422, field: 'values.bogus' });
    expect(await (await put({ user: 'phone', pass: 'secret-123', mode: 'z' })).json()).toMatchObject({ status: 422, field: 'values.mode' });
    expect(await pairState()).toBe('setup');

    const res = await put({ user: 'phone', pass: 'secret-123' });
    const done = (await res.json()) as { state: string; access: { url: string; username: string }; fields: { key: string; value: unknown }[]; configured: boolean };
    expect(res.status).toBe(200);
    expect(done).toMatchObject({ state: 'enabled', configured: true, access: { url: `http://acme.invalid/${phonebookId}`, username: 'phone' } });
    expect(JSON.stringify(done)).not.toContain('secret-123');
    expect(configured.at(-1)).toMatchObject({ phonebookId, siteId: core.site.id, enabled: true, configuration: { title: 'Lobby', site: 'Test site', user: 'phone', pass: 'secret-123', mode: 'a' } });
    expect(configured.at(-1)!.key).toMatch(/^dbk_svc_/);
    const first = pushed.at(-1)!;
    expect(first.directory).toMatchObject({ vendor: 'acme', phonebook: { id: phonebookId, name: 'Lobby' } });
    expect((first.directory.contacts as { displayName: string }[]).map((c) => c.displayName)).toEqual(['Anna Alpha']);

    // A contact edit is pushed to the service.
    const before = pushed.length;
    await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'Bert', lastName: 'Beta' } });
    const update = await eventually('a pushed update', () => pushed.length > before && pushed.at(-1));
    expect((update.directory.contacts as { displayName: string }[]).map((c) => c.displayName)).toEqual(['Anna Alpha', 'Bert Beta']);
    expect(update.revision).not.toBe(first.revision);

    // Device fetches reported by the service land in the audit log.
    const served: ServedEvent = { at: new Date().toISOString(), phonebookId, variant: 'list', kind: 'fetch', status: 200, ip: '192.0.2.7', userAgent: 'Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56', bytes: 123 };
    client.reportServed(served);
    await eventually('the audit ack', () => client.queuedAudit === 0);
    await core.dialbook.directory.audit.flush();
    const audit = (await (await core.request('/api/v1/audit?pageSize=50')).json()) as { items: { action: string; ip: string | null; targetId: string | null }[] };
    expect(audit.items.find((a) => a.action === 'directory.served')).toMatchObject({ ip: '192.0.2.7', targetId: phonebookId });

    // A phonebook request with a wrong key is refused (error frame), the connection stays.
    await expect(client.requestPhonebook(phonebookId, 'dbk_svc_nope')).rejects.toThrow(/DIALBOOK_VENDOR_KEY_INVALID/);
    expect(client.connected).toBe(true);

    // Another site's user sees none of it.
    const stranger = await core.createUser({ role: 'user', siteIds: [] });
    expect((await stranger.request(`/api/v1/phonebooks/${phonebookId}/vendors`)).status).toBe(404);
    expect((await stranger.request(`/api/v1/phonebooks/${phonebookId}/vendors/acme/enable`, { method: 'POST' })).status).toBe(403);
  });

  test('core drops the connection: the client reconnects with backoff, gets its configuration again and is enabled', async () => {
    const reconnecting: number[] = [];
    client.on('reconnecting', (delay: number) => reconnecting.push(delay));
    const n = configured.length;
    for (const s of core.dialbook.vendors.connected()) core.dialbook.vendors.sessionById(s.sessionId)?.ws.terminate();
    await eventually('unavailable', async () => (await pairState()) === 'unavailable');
    await eventually('re-registration', () => client.connected && configured.length > n);
    expect(reconnecting[0]).toBeGreaterThanOrEqual(25);
    expect(reconnecting[0]).toBeLessThanOrEqual(50);
    expect(await eventually('enabled again', async () => (await pairState()) === 'enabled' && 'ok')).toBe('ok');
  });

  test('disable tells the service and revokes the pair key; enable issues a new one', async () => {
    const off = (await (await core.request(`/api/v1/phonebooks/${phonebookId}/vendors/acme/disable`, { method: 'POST' })).json()) as { state: string; message: string; enabled: boolean };
    expect(off).toMatchObject({ state: 'disabled', message: 'switched off', enabled: false });
    const oldKey = configured.at(-1)!.key;
    await expect(client.requestPhonebook(phonebookId, oldKey)).rejects.toThrow(/KEY_INVALID/);
    const on = (await (await core.request(`/api/v1/phonebooks/${phonebookId}/vendors/acme/enable`, { method: 'POST' })).json()) as { state: string };
    expect(on.state).toBe('enabled');
    expect(configured.at(-1)!.key).not.toBe(oldKey);
  });

  test('the service stops: unavailable, the stored configuration stays', async () => {
    await client.stop();
    await eventually('unavailable', async () => (await pairState()) === 'unavailable');
    const view = (await (await core.request(`/api/v1/phonebooks/${phonebookId}/vendors/acme`)).json()) as { state: string; configured: boolean; enabled: boolean; access: unknown };
    expect(view).toMatchObject({ state: 'unavailable', configured: true, enabled: true, access: null });
  });
});

describe('heartbeats', () => {
  test('a peer that stops answering is dropped by the client, which reconnects', async () => {
    // A server that accepts, never answers frames and never answers pings: a dead peer.
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: false });
    let connections = 0;
    wss.on('connection', () => connections++);
    await once(wss, 'listening');
    const port = (wss.address() as { port: number }).port;
    const c = new VendorServiceClient({ url: `ws://127.0.0.1:${port}`, key: 'dbk_svc_x', service: 'acme', version: '1', heartbeatMs: 100, backoff: { initialMs: 20, maxMs: 50 }, handlers: { configure: () => ({ state: 'disabled' }), enablement: () => ({ state: 'disabled' }), phonebook: () => undefined } });
    const dropped = new Promise<number>((resolve) => c.once('disconnected', (code: number) => resolve(code)));
    const t0 = Date.now();
    c.start();
    expect(await dropped).toBe(1006); // terminated by the client
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    await eventually('a second connection', () => connections >= 2);
    await c.stop();
    for (const ws of wss.clients) ws.terminate();
    await new Promise((r) => wss.close(r));
  });

  test('core drops a service that stops answering its pings', async () => {
    const ws = new WebSocket(wsUrl, { autoPong: false });
    await once(ws, 'open');
    ws.send(encodeFrame({ type: 'register', id: 'r', service: 'acme', vendor: 'acme', version: '1', instanceId: 'mute', key }));
    await eventually('registered', () => core.dialbook.vendors.connected().some((s) => s.instanceId === 'mute'));
    const [code] = (await once(ws, 'close')) as [number];
    expect(code).toBe(1006);
    await eventually('the session gone', () => !core.dialbook.vendors.connected().some((s) => s.instanceId === 'mute'));
  });
});
