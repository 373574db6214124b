import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { systemActor } from '@dialbook/core';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import { VENDOR_WS_PATH } from '@dialbook/core/vendor-protocol';

/**
 * A remote vendor service for a vendor no plugin renders in core (written in another
 * language, say): a raw websocket registers as `acme`, goes through setup to enabled and
 * receives its phonebook — on request and pushed after an edit — although core has no
 * `acme` renderer. In-process rendering for `acme` stays refused.
 */
let core: TestCore;
let key: string;
let phonebookId: string;

beforeAll(async () => {
  core = await createTestCore({ listen: true, config: { vendorServices: { heartbeatMs: 1000, answerTimeoutMs: 3000 } } });
  key = (await core.dialbook.credentials.createServiceKey('acme', null, 'acme service', systemActor)).secret;
  phonebookId = (await core.dialbook.phonebooks.create({ siteId: core.site.id, name: 'Lobby', filter: {} })).id;
  await core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'Anna', lastName: 'Alpha', department: 'Sales', phones: [{ type: 'work', number: '030 1111111' }] }, systemActor);
});
afterAll(() => core?.close());

type Frame = Record<string, unknown> & { type: string };

/** A raw websocket that hands over core's frames one by one (pings answered by the library). */
async function raw() {
  const ws = new WebSocket(`ws://127.0.0.1:${core.port}${VENDOR_WS_PATH}`);
  const frames: Frame[] = [];
  const waiters: ((f: Frame) => void)[] = [];
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as Frame;
    if (f.type === 'ping') return void ws.send(JSON.stringify({ v: 1, type: 'pong', re: f.id }));
    const w = waiters.shift();
    if (w) w(f);
    else frames.push(f);
  });
  await once(ws, 'open');
  const next = (): Promise<Frame> =>
    new Promise((resolve, reject) => {
      const f = frames.shift();
      if (f) return resolve(f);
      const t = setTimeout(() => reject(new Error('no frame from core')), 5000);
      waiters.push((x) => (clearTimeout(t), resolve(x)));
    });
  const send = (x: Record<string, unknown>) => ws.send(JSON.stringify({ v: 1, ...x }));
  return { ws, next, send };
}

const names = (f: Frame) => ((f.directory as { contacts: { displayName: string }[] }).contacts).map((c) => c.displayName);

describe('a vendor served only by its remote service', () => {
  test('no renderer in core: in-process input and render are refused for an unserved vendor', async () => {
    expect(core.dialbook.registries.renderers.get('acme')).toBeUndefined();
    await expect(core.dialbook.directory.input(phonebookId, 'acme')).rejects.toMatchObject({ code: 'DIALBOOK_DIRECTORY_VENDOR_UNKNOWN', status: 404 });
    await expect(core.dialbook.directory.render(phonebookId, 'acme')).rejects.toMatchObject({ code: 'DIALBOOK_DIRECTORY_VENDOR_UNKNOWN' });
  });

  test('register → setup → configure → enabled; the phonebook on request and pushed after an edit', async () => {
    const c = await raw();
    c.send({ type: 'register', id: 'r1', service: 'acme', vendor: 'acme', version: '0.1.0', instanceId: 'acme-go', key, config: [{ key: 'user', label: 'User', type: 'string', required: true }] });
    expect(await c.next()).toMatchObject({ type: 'registered', re: 'r1' });

    const state = async () => ((await (await core.request(`/api/v1/phonebooks/${phonebookId}/vendors/acme`)).json()) as { state: string }).state;
    expect(await state()).toBe('disabled');
    const setup = await core.request(`/api/v1/phonebooks/${phonebookId}/vendors/acme/setup`, { method: 'POST' });
    expect(await setup.json()).toMatchObject({ state: 'setup', missing: ['user'] });

    // The admin fills the field; core sends `configure` and waits for the service's answer.
    const put = core.request(`/api/v1/phonebooks/${phonebookId}/vendors/acme/configuration`, { method: 'PUT', json: { values: { user: 'lobby' } } });
    const configure = await c.next();
    expect(configure).toMatchObject({ type: 'configure', phonebookId, siteId: core.site.id, enabled: true, configuration: { user: 'lobby' } });
    c.send({ type: 'phonebook.request', id: 'q1', phonebookId, key: configure.key });
    const update = await c.next();
    expect(update).toMatchObject({ type: 'phonebook.update', re: 'q1', phonebookId, directory: { vendor: 'acme', variant: '', options: {}, phonebook: { id: phonebookId, name: 'Lobby', siteId: core.site.id } } });
    expect(names(update)).toEqual(['Anna Alpha']);
    expect((update.directory as { contacts: { phones: unknown[]; department: string }[] }).contacts[0]).toMatchObject({ department: 'Sales', phones: [{ type: 'work', number: '030 1111111', e164: '+49301111111' }] });
    c.send({ type: 'status', re: configure.id, phonebookId, state: 'enabled', access: { url: `http://acme.invalid/${phonebookId}` } });
    const done = await put;
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ state: 'enabled', configured: true, access: { url: `http://acme.invalid/${phonebookId}` } });

    // An edit is pushed to the enabled service with the new members.
    await core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'Bert', lastName: 'Beta', phones: [{ type: 'mobile', number: '0170 2222222' }] }, systemActor);
    const pushed = await c.next();
    expect(pushed).toMatchObject({ type: 'phonebook.update', phonebookId, reason: 'phonebook.changed' });
    expect(names(pushed)).toEqual(['Anna Alpha', 'Bert Beta']);
    expect(pushed.revision).not.toBe(update.revision);

    // Phones cannot fetch `acme` from core: only the service renders it.
    const cred = await core.dialbook.credentials.createForPhonebook(phonebookId, 'phones', systemActor);
    const res = await fetch(`${core.url}/directory/${phonebookId}/acme`, { headers: { authorization: `Basic ${Buffer.from(`${cred.username}:${cred.secret}`).toString('base64')}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'DIALBOOK_DIRECTORY_VENDOR_UNKNOWN' });

    // Disconnected but configured: the pair's input is still there (the next connection gets it).
    c.ws.close();
    await once(c.ws, 'close');
    const input = await core.dialbook.directory.input(phonebookId, 'acme');
    expect(input.contacts.map((x) => x.displayName)).toEqual(['Anna Alpha', 'Bert Beta']);
    await expect(core.dialbook.directory.input(phonebookId, 'acme', 'lookup')).rejects.toMatchObject({ code: 'DIALBOOK_DIRECTORY_VARIANT_UNKNOWN' });
    await expect(core.dialbook.directory.input(phonebookId, 'nobody')).rejects.toMatchObject({ code: 'DIALBOOK_DIRECTORY_VENDOR_UNKNOWN' });
  });
});
