/**
 * The CSV of MACs and PINs on core's attribute import: preview (matched, unmatched, changed,
 * unchanged, malformed MACs and PINs — never a PIN in the answer), apply with History and the
 * secret store, and the match following the setting userIdAttribute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportPreview } from '@dialbook/core';
import { startCucmDouble, type CucmDouble } from './double/server.js';
import { configure, createContact, historyOf, json, startCore, type Core } from './plugin-helpers.js';

let cucm: CucmDouble;
let core: Core;
const ids: Record<string, string> = {};

beforeAll(async () => {
  cucm = await startCucmDouble();
  core = await startCore();
  await configure(core, cucm);
  for (const uid of ['alice', 'bob', 'carol']) ids[uid] = (await createContact(core, { firstName: uid, lastName: 'Test', externalId: `ext-${uid}`, attributes: { ldap: { uid } } })).id;
});
afterAll(async () => {
  await core?.close();
  await cucm?.close();
});

const reveal = async (id: string) => (await json<{ value: string | null }>(core, `/api/v1/contacts/${id}/secrets/cucm.pin/reveal`, { method: 'POST' })).value;
const preview = (csv: string) => json<ImportPreview>(core, '/api/v1/imports/phones-pins/preview', { method: 'POST', json: { siteId: core.site.id, csv } });
const apply = (csv: string, digest: string) => json<{ applied: number; unchanged: number; unmatched: number; invalid: number; failed: unknown[] }>(core, '/api/v1/imports/phones-pins/apply', { method: 'POST', json: { siteId: core.site.id, csv, digest } });

const CSV = ['username;mac;pin', 'alice;00:1a:2b:3c:4d:5e;555123', 'BOB;001a.2b3c.4d5f;', 'dave;00:11:22:33:44:55;999111', 'carol;00:1a:2b;777888', 'carol2;001a2b3c4d60;12ab'].join('\n');

describe('CSV of MACs and PINs', () => {
  it('previews matched and unmatched users and malformed MACs and PINs, without a PIN in the answer', async () => {
    const p = await preview(CSV);
    expect(p.summary).toEqual({ rows: 5, change: 2, unchanged: 0, unmatched: 2, invalid: 1 });
    const byKey = Object.fromEntries(p.rows.map((r) => [r.key, r]));
    expect(byKey.alice).toMatchObject({ status: 'change', contact: { id: ids.alice }, cells: [{ column: 'mac', status: 'changed', old: null, new: 'SEP001A2B3C4D5E' }, { column: 'pin', status: 'changed' }] });
    expect(byKey.alice!.cells[1]).not.toHaveProperty('new');
    expect(byKey.BOB).toMatchObject({ status: 'change', cells: [{ column: 'mac', new: 'SEP001A2B3C4D5F' }, { column: 'pin', status: 'empty' }] });
    expect(byKey.dave).toMatchObject({ status: 'unmatched', contact: null });
    expect(byKey.carol).toMatchObject({ status: 'invalid', message: expect.stringContaining('mac: not a MAC address: "00:1a:2b" has 6 hex digits') });
    expect(byKey.carol2).toMatchObject({ status: 'unmatched' });
    expect(JSON.stringify(p)).not.toMatch(/555123|999111|777888/);
  });

  it('applies the changed rows with History and the secret store; a second run is unchanged', async () => {
    const p = await preview(CSV);
    expect(await apply(CSV, p.digest)).toEqual({ applied: 2, unchanged: 0, unmatched: 2, invalid: 1, failed: [] });
    expect(await reveal(ids.alice!)).toBe('555123');
    expect(await reveal(ids.bob!)).toBeNull();
    expect(await reveal(ids.carol!)).toBeNull();
    const alice = await json<{ attributes: Record<string, Record<string, unknown>> }>(core, `/api/v1/contacts/${ids.alice}`);
    expect(alice.attributes.cucm).toEqual({ mac: 'SEP001A2B3C4D5E', pin: { secret: 'set', updatedAt: expect.any(String) } });
    const history = await historyOf(core, ids.alice!);
    expect(history.filter((h) => h.field === 'attributes')).toHaveLength(2);
    expect(JSON.stringify(history)).not.toContain('555123');

    const again = await preview(CSV);
    expect(again.summary).toMatchObject({ change: 0, unchanged: 2 });
    expect(again.rows.find((r) => r.key === 'alice')!.cells.map((c) => c.status)).toEqual(['unchanged', 'unchanged']);
    // Another file than the one previewed is refused.
    expect((await core.request('/api/v1/imports/phones-pins/apply', { method: 'POST', json: { siteId: core.site.id, csv: `${CSV}\n`, digest: p.digest } })).status).toBe(409);
  });

  it('matches by externalId when the settings say the user id is there', async () => {
    await configure(core, cucm, { userIdAttribute: 'externalId' });
    try {
      const p = await preview('username,mac\next-carol,00-1A-2B-3C-4D-61\nalice,001a2b3c4d62');
      expect(p.rows.map((r) => [r.key, r.status])).toEqual([
        ['ext-carol', 'change'],
        ['alice', 'unmatched'],
      ]);
    } finally {
      await configure(core, cucm, { userIdAttribute: 'ldap.uid' });
    }
  });
});
