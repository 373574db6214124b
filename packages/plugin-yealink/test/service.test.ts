import net from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestCore, eventually, type TestCore } from '@dialbook/core/testing';
import { VENDOR_WS_PATH } from '@dialbook/core/vendor-protocol';
import yealink from '../src/index.js';
import { startYealinkService, type RunningYealinkService } from '../src/service/service.js';

/**
 * The Yealink service while core is away: a TCP proxy between service and core is cut and
 * restored (a real outage on the wire). Phones keep getting the last phonebook; their fetches
 * are queued and reach core's audit log after the reconnect; an edit made meanwhile arrives.
 */
let core: TestCore;
let service: RunningYealinkService;
let proxyPort = 0;
let proxy: net.Server | null = null;
const sockets = new Set<net.Socket>();

function openProxy(port: number): Promise<void> {
  proxy = net.createServer((client) => {
    const upstream = net.connect(core.port!, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) => proxy!.listen(port, '127.0.0.1', () => resolve()));
}

async function cutProxy(): Promise<void> {
  const closed = new Promise((r) => proxy!.close(r));
  for (const s of sockets) s.destroy();
  await closed;
}

beforeAll(async () => {
  core = await createTestCore({ plugins: { yealink }, listen: true, config: { vendorServices: { heartbeatMs: 1000 } } });
  await openProxy(0);
  proxyPort = (proxy!.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await service?.close();
  if (proxy?.listening) await cutProxy();
  await core?.close();
});

test('keeps serving while core is away, queues the audit trail, catches up after the reconnect', async () => {
  const pb = (await (await core.request('/api/v1/phonebooks', { method: 'POST', json: { siteId: core.site.id, name: 'Hall', filter: {} } })).json()) as { id: string };
  const c = (await (await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'Eva', lastName: 'Early', phones: [{ number: '030 5550000' }] } })).json()) as { id: string };
  const key = (await (await core.request('/api/v1/service-keys', { method: 'POST', json: { service: 'yealink', name: 'hall' } })).json()) as { secret: string };
  service = await startYealinkService({ core: `ws://127.0.0.1:${proxyPort}${VENDOR_WS_PATH}`, key: key.secret, host: '127.0.0.1', port: 0, heartbeatMs: 1000, backoff: { initialMs: 50, maxMs: 300 } });
  await eventually('registration', () => service.client.connected);
  const done = (await (await core.request(`/api/v1/phonebooks/${pb.id}/vendors/yealink/configuration`, { method: 'PUT', json: { values: { username: 'hall', password: 'hall-pass-1' } } })).json()) as { state: string; access: { url: string } };
  expect(done.state).toBe('enabled');
  const headers = { authorization: `Basic ${Buffer.from('hall:hall-pass-1').toString('base64')}` };
  const before = await fetch(done.access.url, { headers });
  const etag = before.headers.get('etag');
  expect(await before.text()).toContain('Eva Early');

  // Core goes away (the wire is cut).
  await cutProxy();
  await eventually('the service to notice', () => !service.client.connected);
  const state = async () => ((await (await core.request(`/api/v1/phonebooks/${pb.id}/vendors/yealink`)).json()) as { state: string }).state;
  await eventually('unavailable in core', async () => (await state()) === 'unavailable');
  await core.request(`/api/v1/contacts/${c.id}`, { method: 'PATCH', json: { lastName: 'Later' } });
  const away = await fetch(done.access.url, { headers });
  expect(away.status).toBe(200);
  expect(away.headers.get('etag')).toBe(etag);
  expect(await away.text()).toContain('Eva Early');
  expect((await fetch(done.access.url, { headers: { ...headers, 'if-none-match': etag! } })).status).toBe(304);
  expect(service.client.queuedAudit).toBeGreaterThanOrEqual(2);
  const health = (await (await fetch(`${service.url}/healthz`)).json()) as { core: string };
  expect(health.core).toBe('away');

  // Core is back: the service reconnects, gets its configuration, fetches the phonebook again, and delivers the queue.
  await openProxy(proxyPort);
  await eventually('enabled again', async () => (await state()) === 'enabled');
  const after = await eventually('the edit', async () => {
    const r = await fetch(done.access.url, { headers });
    const text = await r.text();
    return text.includes('Eva Later') && text;
  });
  expect(after).not.toContain('Eva Early');
  await eventually('the queued audit delivered', () => service.client.queuedAudit === 0);
  await core.dialbook.directory.audit.flush();
  const audit = (await (await core.request('/api/v1/audit?pageSize=100')).json()) as { items: { action: string; status: number | null }[] };
  expect(audit.items.filter((a) => a.action === 'directory.served').map((a) => a.status).sort()).toEqual([200, 200, 200, 304]);
}, 30_000);
