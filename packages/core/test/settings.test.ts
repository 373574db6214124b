import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createDialbook, definePlugin, loadConfig, secret, systemActor, z, type HookEvents, type PluginContext } from '@dialbook/core';
import { createTestCore, createTestDatabase, testDatabaseKind, type TestCore } from '@dialbook/core/testing';
import { SettingEntity } from '../src/settings/entities.js';
import { SecretBox } from '../src/base/secret-box.js';

const PASSWORD = 'Sm7p-Pa55word!';
const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;

interface View {
  values: Record<string, Record<string, unknown>>;
  locked: string[];
  missing: string[];
  siteId: string | null;
  updatedBy: string | null;
}

/** Log lines of a core, to check that no secret reaches them. */
const captureLogs = () => {
  const lines: string[] = [];
  return { lines, logger: pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) }) };
};

describe('the email category', () => {
  let core: TestCore;
  const logs = captureLogs();
  const changes: HookEvents['settings.changed'][] = [];
  beforeAll(async () => {
    core = await createTestCore({ logger: logs.logger });
    core.dialbook.hooks.on('settings.changed', (e) => void changes.push(e));
  });
  afterAll(() => core?.close());

  test('is listed with its JSON Schema; the password is marked write-only and secret', async () => {
    const { items } = await json<{ items: { id: string; scope: string; owner: string; schema: { properties: Record<string, { properties: Record<string, Record<string, unknown>> }> } }[] }>(await core.request('/api/v1/settings'));
    const email = items.find((c) => c.id === 'email')!;
    expect(email).toMatchObject({ id: 'email', scope: 'global', owner: 'core' });
    const smtp = email.schema.properties.smtp!.properties;
    expect(smtp.password).toMatchObject({ type: 'string', writeOnly: true, 'x-secret': true });
    expect(smtp.port).toMatchObject({ type: 'integer', default: 587 });
    expect(smtp.security).toMatchObject({ enum: ['starttls', 'tls', 'none'], default: 'starttls' });
    expect(smtp.host!.writeOnly).toBeUndefined();
  });

  test('defaults before anything is saved; secrets show as not set', async () => {
    const view = await json<View>(await core.request('/api/v1/settings/email'));
    expect(view.values.smtp).toEqual({ port: 587, security: 'starttls', rejectUnauthorized: true, password: { set: false } });
    expect(view.values.from).toEqual({ name: 'Dialbook' });
    expect((view.values.templates as Record<string, { subject: string }>).signup!.subject).toBe('Complete your Dialbook registration');
    expect(view).toMatchObject({ siteId: null, locked: [], missing: [], updatedBy: null });
  });

  test('save and read back: the secret is reported as set, never returned, and decrypted for the mailer', async () => {
    const res = await core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { host: 'mail.example.net', port: 2525, username: 'dialbook', password: PASSWORD }, from: { address: 'noreply@example.net' } } });
    const text = await res.clone().text();
    expect(res.status, text).toBe(200);
    expect(text).not.toContain(PASSWORD);
    const view = await json<View>(res);
    expect(view.values.smtp).toEqual({ host: 'mail.example.net', port: 2525, security: 'starttls', rejectUnauthorized: true, username: 'dialbook', password: { set: true } });
    expect(view.updatedBy).toMatch(/^apiKey:/);

    const again = await core.request('/api/v1/settings/email');
    expect(await again.clone().text()).not.toContain(PASSWORD);
    expect((await json<View>(again)).values.smtp).toEqual(view.values.smtp);

    const resolved = await core.dialbook.settings.get<{ smtp: { password: string; port: number } }>('email');
    expect(resolved.smtp).toMatchObject({ password: PASSWORD, port: 2525 });

    const last = changes.at(-1)!;
    expect(last).toMatchObject({ category: 'email', scope: 'global', actor: { type: 'apiKey' } });
    expect(last.keys.sort()).toEqual(['from.address', 'smtp.host', 'smtp.password', 'smtp.port', 'smtp.username']);
    expect(JSON.stringify(changes)).not.toContain(PASSWORD);
    expect(logs.lines.some((l) => l.includes('settings \\"email\\" changed'))).toBe(true);
    expect(logs.lines.join('\n')).not.toContain(PASSWORD);
  });

  test('the stored row holds the secret encrypted, not in plain text', async () => {
    const rows = await core.dialbook.orm.em.getConnection().execute<{ values: unknown; secrets: string }[]>("select * from setting where category = 'email'");
    expect(rows).toHaveLength(1);
    const raw = JSON.stringify(rows[0]);
    for (const form of [PASSWORD, Buffer.from(PASSWORD).toString('base64'), Buffer.from(PASSWORD).toString('hex')]) expect(raw).not.toContain(form);
    expect(rows[0]!.secrets).toMatch(/^v1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
    const values = typeof rows[0]!.values === 'string' ? JSON.parse(rows[0]!.values) : rows[0]!.values;
    expect(values).toEqual({ smtp: { host: 'mail.example.net', port: 2525, username: 'dialbook' }, from: { address: 'noreply@example.net' } });
  });

  test('a secret sent back as shown ({ set: true }) stays; null clears it; null on another key restores its default', async () => {
    let view = await json<View>(await core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { password: { set: true }, port: 25 } } }));
    expect(view.values.smtp).toMatchObject({ port: 25, password: { set: true } });
    expect((await core.dialbook.settings.get<{ smtp: { password: string } }>('email')).smtp.password).toBe(PASSWORD);
    view = await json<View>(await core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { password: null, port: null } } }));
    expect(view.values.smtp).toMatchObject({ port: 587, password: { set: false } });
    const rows = await core.dialbook.orm.em.getConnection().execute<{ secrets: string | null }[]>("select secrets from setting where category = 'email'");
    expect(rows[0]!.secrets).toBeNull();
    expect(changes.at(-1)!.keys.sort()).toEqual(['smtp.password', 'smtp.port']);
  });

  test("concurrent patches of one category keep each other's keys", async () => {
    const results = await Promise.all([
      core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { host: 'a.example.net' } } }),
      core.request('/api/v1/settings/email', { method: 'PATCH', json: { from: { name: 'Concurrent' } } }),
      core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { password: 'concurrent-secret' } } }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const resolved = await core.dialbook.settings.get<{ smtp: { host: string; password: string }; from: { name: string } }>('email');
    expect(resolved).toMatchObject({ smtp: { host: 'a.example.net', password: 'concurrent-secret' }, from: { name: 'Concurrent' } });
  });

  test('the routes are in the OpenAPI document', async () => {
    const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(await core.request('/openapi.json'));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/settings', '/settings/{category}', '/mail/outbox', '/mail/templates/{id}/preview', '/mail/test']));
    expect(Object.keys(doc.paths['/settings/{category}']!)).toEqual(expect.arrayContaining(['get', 'patch']));
  });

  test('invalid values are 422 problems naming the key; a secret is never echoed', async () => {
    const bad = await core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { port: 'twenty-five', security: 'ssl' } } });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const problem = await json<{ code: string; field: string; errors: { field: string }[] }>(bad);
    expect(problem).toMatchObject({ code: 'DIALBOOK_VALIDATION', field: 'smtp.port' });
    expect(problem.errors.map((e) => e.field)).toEqual(['smtp.port', 'smtp.security']);

    const unknown = await core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { hots: 'x' } } });
    expect(unknown.status).toBe(422);
    expect(await json(unknown)).toMatchObject({ field: 'smtp.hots', detail: 'smtp.hots: no such setting in "email"' });

    const secretBad = await core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { password: 987654321 } } });
    expect(secretBad.status).toBe(422);
    const body = await secretBad.text();
    expect(body).not.toContain('987654321');
    expect(JSON.parse(body)).toMatchObject({ field: 'smtp.password', detail: 'smtp.password: expected string' });

    expect((await core.request('/api/v1/settings/nope')).status).toBe(404);
    const siteOnGlobal = await core.request(`/api/v1/settings/email?siteId=${core.site.id}`);
    expect(siteOnGlobal.status).toBe(422);
    expect(await json(siteOnGlobal)).toMatchObject({ code: 'DIALBOOK_SETTINGS_GLOBAL', field: 'siteId' });
  });
});

describe('config file and environment', () => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.close();
    core = undefined;
  });

  test('override the database, lock their keys (409 naming the key) and leave the others editable', async () => {
    core = await createTestCore({
      config: { settings: { email: { smtp: { host: 'relay.example.net' }, from: { name: 'Config Name' } } } },
      env: { DIALBOOK_SETTING_EMAIL__SMTP__PORT: '2525', DIALBOOK_SETTING_EMAIL__SMTP__REJECT_UNAUTHORIZED: 'false', DIALBOOK_SETTING_EMAIL__SMTP__PASSWORD: '12345678', DIALBOOK_SETTING_EMAIL__TEMPLATES__PASSWORD_RESET__SUBJECT: 'Reset {email}' },
    });
    const view = await json<View>(await core.request('/api/v1/settings/email'));
    expect(view.values.smtp).toMatchObject({ host: 'relay.example.net', port: 2525, rejectUnauthorized: false, password: { set: true } });
    expect(view.values.from).toEqual({ name: 'Config Name' });
    expect(view.locked.sort()).toEqual(['from.name', 'smtp.host', 'smtp.password', 'smtp.port', 'smtp.rejectUnauthorized', 'templates.password_reset.subject']);

    for (const [patch, field] of [
      [{ smtp: { host: 'other.example.net' } }, 'smtp.host'],
      [{ smtp: { port: 25 } }, 'smtp.port'],
      [{ smtp: { password: 'another-one' } }, 'smtp.password'],
      [{ templates: { password_reset: { subject: 'x' } } }, 'templates.password_reset.subject'],
      [{ smtp: null }, 'smtp'],
    ] as const) {
      const res = await core.request('/api/v1/settings/email', { method: 'PATCH', json: patch });
      expect(res.status, JSON.stringify(patch)).toBe(409);
      expect(await json(res)).toMatchObject({ code: 'DIALBOOK_SETTING_LOCKED', field });
    }
    const ok = await core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { username: 'relay-user' }, templates: { password_reset: { body: 'Go to {link}' } } } });
    expect(ok.status, await ok.clone().text()).toBe(200);
    const resolved = await core.dialbook.settings.get<{ smtp: Record<string, unknown>; templates: Record<string, { subject: string; body: string }> }>('email');
    // An env value that parses as a number is taken as text where the key wants text.
    expect(resolved.smtp).toMatchObject({ host: 'relay.example.net', port: 2525, username: 'relay-user', password: '12345678' });
    expect(resolved.templates.password_reset).toEqual({ subject: 'Reset {email}', body: 'Go to {link}' });
  });

  test('unknown categories or keys and refused values stop start-up, one line each, never showing a secret', async () => {
    const err = (await createTestCore({
      config: { settings: { email: { smtp: { password: { nested: 'Sup3r-Secret-Value' }, port: 'abc' } } } },
      env: { DIALBOOK_SETTING_EMAIL__SMTP__HOTS: 'x', DIALBOOK_SETTING_NOPE__X: '1' },
    }).catch((e: unknown) => e)) as Error & { code: string };
    expect(err).toMatchObject({ code: 'DIALBOOK_CONFIG_INVALID' });
    expect(err.message.split('\n').sort()).toEqual([
      'settings.email.smtp.hots: no such setting (known: host, port, security, username, password, rejectUnauthorized)',
      'settings.email.smtp.password: expected string, found a value (not shown: secret)',
      'settings.email.smtp.port: expected number, found "abc"',
      'settings.nope: no settings category "nope" (known: email, calls)',
    ]);
    expect(err.message).not.toContain('Sup3r-Secret-Value');
  });
});

describe('the secret key', () => {
  test('missing: saving a secret, or reading stored ones, says to set DIALBOOK_SECRET_KEY', async () => {
    const core = await createTestCore({ secretKey: null });
    try {
      const save = await core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { password: PASSWORD } } });
      expect(save.status).toBe(500);
      const text = await save.text();
      expect(text).not.toContain(PASSWORD);
      expect(JSON.parse(text)).toMatchObject({ code: 'DIALBOOK_SECRET_KEY_MISSING', detail: expect.stringContaining('set DIALBOOK_SECRET_KEY') });
      // Non-secret keys still save.
      expect((await core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { host: 'mail.example.net' } } })).status).toBe(200);

      // Secrets that another (keyed) instance stored cannot be read.
      const box = new SecretBox('k'.repeat(40));
      await core.dialbook.orm.em.fork().nativeUpdate(SettingEntity, { category: 'email', scope: 'global' }, { secrets: box.encrypt({ 'smtp.password': PASSWORD }, { category: 'email', scope: 'global' }) });
      const read = await core.request('/api/v1/settings/email');
      expect(read.status).toBe(500);
      expect(await json(read)).toMatchObject({ code: 'DIALBOOK_SECRET_KEY_MISSING', detail: expect.stringMatching(/settings category "email" \(global\) holds encrypted secrets, but no key is set: set DIALBOOK_SECRET_KEY/) });
      await expect(core.dialbook.settings.get('email')).rejects.toMatchObject({ code: 'DIALBOOK_SECRET_KEY_MISSING' });
    } finally {
      await core.close();
    }
  });

  test('too short: start-up refuses it without printing it', async () => {
    const err = (await createTestCore({ secretKey: 'short-key-123' }).catch((e: unknown) => e)) as Error & { code: string };
    expect(err.code).toBe('DIALBOOK_SECRET_KEY_INVALID');
    expect(err.message).toContain('too short (13 characters)');
    expect(err.message).not.toContain('short-key-123');
  });

  test('wrong: after a restart with another key, reading names the category, never the value; re-entering every secret recovers', async () => {
    const db = testDatabaseKind() === 'sqlite' ? { url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'dialbook-settings-')), 'db.sqlite')}`, drop: async () => {} } : await createTestDatabase();
    const open = async (secretKey: string) => createDialbook(await loadConfig({ env: {}, config: { logLevel: 'silent', secretKey, database: { url: db.url } } }), { migrate: true });
    try {
      const first = await open('first-key-'.padEnd(40, 'x'));
      await first.settings.update('email', { smtp: { host: 'mail.example.net', password: PASSWORD } }, { actor: systemActor });
      await first.stop();

      const second = await open('second-key-'.padEnd(40, 'y'));
      try {
        const err = (await second.settings.read('email').catch((e: unknown) => e)) as Error & { code: string };
        expect(err.code).toBe('DIALBOOK_SECRET_KEY_WRONG');
        expect(err.message).toContain('cannot decrypt the secrets of settings category "email" (global)');
        expect(err.message).not.toContain(PASSWORD);
        await expect(second.settings.update('email', { smtp: { port: 25 } }, { actor: systemActor })).rejects.toMatchObject({ code: 'DIALBOOK_SECRET_KEY_WRONG' });
        // Entering every secret of the category anew needs no old key.
        await second.settings.update('email', { smtp: { password: 'new-password' } }, { actor: systemActor });
        expect((await second.settings.get<{ smtp: { host: string; password: string } }>('email')).smtp).toMatchObject({ host: 'mail.example.net', password: 'new-password' });
      } finally {
        await second.stop();
      }
    } finally {
      await db.drop();
    }
  });

  test('a ciphertext moved to another row does not decrypt', () => {
    const box = new SecretBox('z'.repeat(32));
    const sealed = box.encrypt({ a: 1 }, { category: 'email', scope: 'global' });
    expect(box.decrypt(sealed, { category: 'email', scope: 'global' })).toEqual({ a: 1 });
    expect(() => box.decrypt(sealed, { category: 'pbx', scope: 'global' })).toThrow(/DIALBOOK_SECRET_KEY is not the key/);
    expect(box.encrypt({ a: 1 }, { category: 'email', scope: 'global' })).not.toBe(sealed); // a fresh IV per write
  });
});

describe('a plugin with per-site settings', () => {
  let core: TestCore;
  let ctx: PluginContext<unknown, { host: string; port: number; password: string; tags: string[] }>;
  let other: { id: string };
  const pbx = definePlugin({
    name: 'pbx',
    description: 'Test PBX',
    settings: z.object({ host: z.string().min(1), port: z.number().int().default(5038), password: secret(z.string()), tags: z.array(z.string()).default([]) }),
    settingsScope: 'site',
    setup(c) {
      ctx = c;
    },
  });
  beforeAll(async () => {
    core = await createTestCore({ plugins: { 'pbx-main': pbx } });
    other = await core.dialbook.sites.create({ name: 'Other site', slug: 'other' });
  });
  afterAll(() => core?.close());

  test('is a category named after the instance, scoped per site', async () => {
    const { items } = await json<{ items: { id: string; label: string; scope: string; owner: string }[] }>(await core.request('/api/v1/settings'));
    expect(items.find((c) => c.id === 'pbx-main')).toEqual(expect.objectContaining({ id: 'pbx-main', label: 'Test PBX', scope: 'site', owner: 'pbx-main' }));
    const view = await json<View>(await core.request(`/api/v1/settings/pbx-main?siteId=${core.site.id}`));
    expect(view).toMatchObject({ siteId: core.site.id, missing: ['host', 'password'], values: { port: 5038, tags: [], password: { set: false } } });
    await expect(ctx.settings.get(core.site.id)).rejects.toMatchObject({ code: 'DIALBOOK_SETTINGS_INVALID', message: expect.stringContaining('pbx-main.host: not set') });
  });

  test('a site gets its own values over the shared ones; ctx.settings.get(siteId) decrypts them', async () => {
    const shared = await core.request('/api/v1/settings/pbx-main', { method: 'PATCH', json: { host: 'pbx.example.net', password: 'shared-secret' } });
    expect(shared.status, await shared.clone().text()).toBe(200);
    const mine = await core.request(`/api/v1/settings/pbx-main?siteId=${core.site.id}`, { method: 'PATCH', json: { host: 'pbx-test.example.net', password: 'site-secret', tags: ['a'] } });
    expect(mine.status, await mine.clone().text()).toBe(200);
    expect(await mine.clone().text()).not.toContain('site-secret');
    expect((await json<View>(mine)).values).toEqual({ host: 'pbx-test.example.net', port: 5038, tags: ['a'], password: { set: true } });

    expect(await ctx.settings.get(core.site.id)).toEqual({ host: 'pbx-test.example.net', port: 5038, password: 'site-secret', tags: ['a'] });
    expect(await ctx.settings.get(other.id)).toEqual({ host: 'pbx.example.net', port: 5038, password: 'shared-secret', tags: [] });
    expect(await ctx.settings.get()).toEqual({ host: 'pbx.example.net', port: 5038, password: 'shared-secret', tags: [] });

    const rows = (await core.dialbook.orm.em.getConnection().execute("select scope, secrets from setting where category = 'pbx-main' order by scope")) as { scope: string; secrets: string }[];
    expect(rows.map((r) => r.scope).sort()).toEqual([core.site.id, 'global'].sort());
    expect(JSON.stringify(rows)).not.toMatch(/site-secret|shared-secret/);
    // The two rows' ciphertexts are bound to their scope.
    expect(new Set(rows.map((r) => r.secrets)).size).toBe(2);
  });

  test('an unknown site is 404', async () => {
    const res = await core.request('/api/v1/settings/pbx-main?siteId=00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
  });
});
