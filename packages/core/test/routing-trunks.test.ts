/**
 * `ctx.routing.trunks()` (the enabled clients' SIP data with the password in clear, for telephony
 * plugins only) and the `routing.client.changed` event the client service emits after each commit.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import { definePlugin, type RoutingApi, type RoutingClientChange } from '@dialbook/core';

let core: TestCore;
let routing: RoutingApi;
const changes: { clientId: string; change: RoutingClientChange }[] = [];

const probe = definePlugin({
  name: 'probe',
  setup(ctx) {
    routing = ctx.routing;
    ctx.hooks.on('routing.client.changed', (e) => void changes.push(e));
  },
});

beforeAll(async () => {
  core = await createTestCore({ plugins: { probe } });
});
afterAll(() => core?.close());

const json = async <T>(res: Response) => (await res.json()) as T;

describe('routing trunks for plugins', () => {
  test('created, rotated, disabled, deleted: trunks() follows, the event names each change, HTTP never shows the password', async () => {
    const made = await core.request('/api/v1/routing/clients', { method: 'POST', json: { name: 'Buyer A', sip: { host: 'sip.a.example', username: 'alice', password: 's3cret-one' } } });
    expect(made.status).toBe(201);
    const { id } = await json<{ id: string }>(made);
    expect(await routing.trunks()).toEqual([{ clientId: id, name: 'Buyer A', sip: { host: 'sip.a.example', port: 5060, transport: 'udp', username: 'alice', codecs: ['ulaw', 'alaw'], dialPrefix: '', numberFormat: 'e164' }, password: 's3cret-one', updatedAt: expect.any(String) }]);

    expect((await core.request(`/api/v1/routing/clients/${id}`, { method: 'PATCH', json: { sip: { password: 's3cret-two' } } })).status).toBe(200);
    expect((await routing.trunks())[0]!.password).toBe('s3cret-two');
    const shown = await (await core.request(`/api/v1/routing/clients/${id}`)).text();
    expect(shown).not.toContain('s3cret');

    expect((await core.request(`/api/v1/routing/clients/${id}`, { method: 'PATCH', json: { enabled: false } })).status).toBe(200);
    expect(await routing.trunks()).toEqual([]);
    expect((await core.request(`/api/v1/routing/clients/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(changes).toEqual([
      { clientId: id, change: 'created' },
      { clientId: id, change: 'updated' },
      { clientId: id, change: 'disabled' },
      { clientId: id, change: 'deleted' },
    ]);
  });

  test('a refused change emits nothing', async () => {
    const before = changes.length;
    expect((await core.request('/api/v1/routing/clients', { method: 'POST', json: { name: '', sip: { host: 'x' } } })).status).toBe(422);
    expect((await core.request('/api/v1/routing/clients/00000000-0000-4000-8000-000000000000', { method: 'PATCH', json: { enabled: false } })).status).toBe(404);
    expect(changes.length).toBe(before);
  });
});
