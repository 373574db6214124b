/**
 * The snippets route and admin view on a real core: staff read them, a user is refused, the view
 * is registered with the `code` column, and no database password shows anywhere (the ARA and CDR
 * URLs point at a closed port: start-up survives, and health says the sync failed).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import { createAsteriskPlugin } from '../src/index.js';

let core: TestCore;
const json = async <T>(res: Response) => (await res.json()) as T;

beforeAll(async () => {
  core = await createTestCore({
    plugins: { asterisk: { plugin: createAsteriskPlugin(), options: { agi: { port: 0 }, ara: { databaseUrl: 'postgres://ast:ara-secret@127.0.0.1:1/asterisk' }, cdr: { databaseUrl: 'postgres://cdr:cdr-secret@127.0.0.1:1/cdr', pollIntervalMs: 60_000 } } } },
  });
});
afterAll(() => core?.close());

describe('asterisk-config', () => {
  test('staff get the snippets with the listening port; a user is refused', async () => {
    const staff = await core.createUser({ role: 'staff' });
    const res = await staff.request('/api/v1/plugins/asterisk/asterisk-config');
    expect(res.status).toBe(200);
    const body = await json<{ items: { file: string; content: string }[] }>(res);
    expect(body.items.map((i) => i.file)).toEqual(['extensions.conf', 'extconfig.conf', 'sorcery.conf', 'res_pgsql.conf', 'cdr_pgsql.conf']);
    expect(body.items[0]!.content).toMatch(/AGI\(agi:\/\/127\.0\.0\.1:[1-9]\d*\/route,/);
    const user = await core.createUser({ role: 'user' });
    expect((await user.request('/api/v1/plugins/asterisk/asterisk-config')).status).toBe(403);
  });

  test('the admin view, health, and no password anywhere', async () => {
    const plugins = await (await core.request('/api/v1/plugins')).text();
    expect(plugins).not.toMatch(/ara-secret|cdr-secret/);
    const { items } = JSON.parse(plugins) as { items: { id: string; views?: { id: string; path: string; columns: { key: string; kind?: string }[] }[]; health: { id: string; ok: boolean; message: string }[] }[] };
    const me = items.find((p) => p.id === 'asterisk')!;
    expect(me.health.find((h) => h.id.endsWith('ara'))).toMatchObject({ ok: false, message: expect.stringContaining('127.0.0.1:1/asterisk: ARA sync failed') });
    const snippets = await (await core.request('/api/v1/plugins/asterisk/asterisk-config')).text();
    expect(snippets).not.toMatch(/ara-secret|cdr-secret/);
    const view = me.views!.find((v) => v.id.endsWith('asterisk-config'))!;
    expect(view.columns.find((c) => c.key === 'content')).toMatchObject({ kind: 'code' });
  });
});
