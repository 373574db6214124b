import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definePlugin, type ContactDto, type ImportPreview, type ImportResult } from '@dialbook/core';
import { createTestCore, type TestCore } from '@dialbook/core/testing';

/**
 * The generic CSV attribute import (issue 12, item 7): a plugin registers `username, mac, pin`;
 * the preview lists matched and unmatched users, changed and unchanged values and malformed
 * cells without writing anything; applying writes History and the secret store; secrets are
 * never shown.
 */
const devices = definePlugin({
  name: 'devices',
  setup(ctx) {
    ctx.contacts.registerSecretAttribute({ key: 'devices.pin', label: 'PIN' });
    ctx.contacts.registerAttributeImport({
      id: 'devices.csv',
      label: 'MACs and PINs',
      match: { column: 'username', by: { attribute: 'dir.uid' } },
      columns: [
        {
          name: 'mac',
          target: 'devices.mac',
          parse: (raw) => {
            const hex = raw.replace(/[:.\-\s]/g, '').toUpperCase();
            if (!/^[0-9A-F]{12}$/.test(hex)) throw new Error(`"${raw}" is not a MAC address (12 hex digits)`);
            return hex;
          },
        },
        { name: 'pin', target: 'devices.pin', secret: true, parse: (raw) => (/^\d{1,16}$/.test(raw) ? raw : (() => { throw new Error('a PIN is 1 to 16 digits'); })()) },
      ],
    });
  },
});

let core: TestCore;
const people: Record<string, ContactDto> = {};
const system = { type: 'system' as const, id: 'test' };

beforeAll(async () => {
  core = await createTestCore({ plugins: { devices } });
  for (const uid of ['ada', 'bob', 'cy', 'dee']) {
    people[uid] = await core.dialbook.contacts.create({ siteId: core.site.id, firstName: uid, lastName: 'Test', attributes: { dir: { uid } } }, system);
  }
  await core.dialbook.contacts.update(people.bob!.id, { attributes: { dir: { uid: 'bob' }, devices: { mac: '00112233AABB' } } }, system);
  await core.dialbook.contacts.setSecret(people.bob!.id, 'devices.pin', '4444', system);
});
afterAll(() => core?.close());

const CSV = ['username;mac;pin;note', 'ADA;00:1a:2b:3c:4d:5e;1234;x', 'bob;0011.2233.aabb;4444;', 'zed;001122334455;1;', 'cy;not-a-mac;12;', 'ada;001122334466;;', 'dee;;5678;'].join('\n');
const preview = (csv = CSV) => core.request('/api/v1/imports/devices.csv/preview', { method: 'POST', json: { siteId: core.site.id, csv } });

describe('a CSV attribute import', () => {
  test('is listed with its columns', async () => {
    const list = (await (await core.request('/api/v1/imports')).json()) as { items: unknown[] };
    expect(list.items).toEqual([{ id: 'devices.csv', label: 'MACs and PINs', description: null, owner: 'devices', match: 'username', columns: [{ name: 'mac', label: 'mac', secret: false }, { name: 'pin', label: 'pin', secret: true }] }]);
  });

  test('previews matched, unmatched, changed, unchanged and malformed rows, writing nothing and showing no PIN', async () => {
    const res = await preview();
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const pin of ['1234', '4444', '5678']) expect(text).not.toContain(`"${pin}"`);
    const p = JSON.parse(text) as ImportPreview;
    expect(p.summary).toEqual({ rows: 6, change: 2, unchanged: 1, unmatched: 1, invalid: 2 });
    expect(p.ignoredColumns).toEqual(['note']);
    const byLine = Object.fromEntries(p.rows.map((r) => [r.line, r]));
    expect(byLine[2]).toMatchObject({ key: 'ADA', status: 'change', contact: { id: people.ada!.id }, cells: [{ column: 'mac', status: 'changed', old: null, new: '001A2B3C4D5E' }, { column: 'pin', status: 'changed' }] });
    expect(byLine[2]!.cells[1]).not.toHaveProperty('new');
    expect(byLine[3]).toMatchObject({ status: 'unchanged', cells: [{ column: 'mac', status: 'unchanged' }, { column: 'pin', status: 'unchanged' }] });
    expect(byLine[4]).toMatchObject({ status: 'unmatched', contact: null });
    expect(byLine[5]).toMatchObject({ status: 'invalid', message: 'mac: "not-a-mac" is not a MAC address (12 hex digits)' });
    expect(byLine[6]).toMatchObject({ status: 'invalid', message: 'the same username as line 2' });
    expect(byLine[7]).toMatchObject({ status: 'change', cells: [{ column: 'mac', status: 'empty' }, { column: 'pin', status: 'changed' }] });
    expect((await core.dialbook.contacts.get(people.ada!.id)).version).toBe(people.ada!.version);
  });

  test('applies what was previewed with History and the secret store; another file is refused', async () => {
    const { digest } = (await (await preview()).json()) as ImportPreview;
    const other = await core.request('/api/v1/imports/devices.csv/apply', { method: 'POST', json: { siteId: core.site.id, csv: `${CSV}\nbob;;1;`, digest } });
    expect(other.status).toBe(409);
    const res = await core.request('/api/v1/imports/devices.csv/apply', { method: 'POST', json: { siteId: core.site.id, csv: CSV, digest } });
    expect(res.status).toBe(200);
    expect((await res.json()) as ImportResult).toEqual({ applied: 2, unchanged: 1, unmatched: 1, invalid: 2, failed: [] });
    const ada = await core.dialbook.contacts.get(people.ada!.id);
    expect(ada.attributes.devices).toEqual({ mac: '001A2B3C4D5E', pin: { secret: 'set', updatedAt: expect.any(String) } });
    expect(await core.dialbook.contacts.getSecret(ada.id, 'devices.pin')).toBe('1234');
    expect(await core.dialbook.contacts.getSecret(people.dee!.id, 'devices.pin')).toBe('5678');
    const history = await core.dialbook.contacts.history(ada.id);
    expect(history.filter((h) => h.field === 'attributes').every((h) => h.actor.startsWith('apiKey:') || h.actor.startsWith('user:'))).toBe(true);
    expect(JSON.stringify(history)).not.toContain('1234');
    // The same file again changes nothing.
    const again = (await (await preview()).json()) as ImportPreview;
    expect(again.summary).toMatchObject({ change: 0, unchanged: 3 });
  });

  test('a file without the key column, or no CSV at all, is refused naming what is missing', async () => {
    const missing = await preview('user,mac\nada,001122334455');
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ field: 'csv', detail: expect.stringContaining('no "username" column') });
    const broken = await preview('username,mac\n"ada,0011');
    expect(broken.status).toBe(422);
    const user = await core.createUser({ role: 'user', siteIds: [core.site.id] });
    expect((await user.request('/api/v1/imports/devices.csv/preview', { method: 'POST', json: { siteId: core.site.id, csv: CSV } })).status).toBe(403);
  });
});
