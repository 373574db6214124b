import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Hono } from 'hono';
import { afterEach, describe, expect, test } from 'vitest';
import { createDialbook, definePlugin, DialbookError, loadConfig, Tokens, z, type PluginContext } from '@dialbook/core';
import { createTestCore, type TestCore } from '@dialbook/core/testing';

// A plugin extends the typed hook map through declaration merging.
declare module '@dialbook/core' {
  interface HookEvents {
    'acme.pinged': { n: number };
  }
}

const fixtures = resolve(import.meta.dirname, 'fixtures');
let core: TestCore | undefined;
afterEach(async () => {
  await core?.close();
  core = undefined;
});

const recorder = (log: string[], name: string, extra: Partial<Parameters<typeof definePlugin>[0]> = {}) =>
  definePlugin({
    name,
    setup: () => void log.push(`setup ${name}`),
    start: () => void log.push(`start ${name}`),
    stop: () => void log.push(`stop ${name}`),
    ...extra,
  });

describe('lifecycle', () => {
  test('setup and start in config order, stop in reverse', async () => {
    const log: string[] = [];
    core = await createTestCore({ plugins: { a: recorder(log, 'alpha'), b: recorder(log, 'beta'), c: recorder(log, 'gamma') } });
    expect(log).toEqual(['setup alpha', 'setup beta', 'setup gamma', 'start alpha', 'start beta', 'start gamma']);
    await core.close();
    core = undefined;
    expect(log.slice(6)).toEqual(['stop gamma', 'stop beta', 'stop alpha']);
  });

  test('a plugin whose stop hangs is cut off after the time limit and the others still stop', async () => {
    const log: string[] = [];
    const hang = recorder(log, 'hang', { stop: () => new Promise(() => {}) });
    core = await createTestCore({ plugins: { a: recorder(log, 'alpha'), h: hang }, config: { shutdownTimeoutMs: 200 } });
    const t0 = Date.now();
    await core.close();
    core = undefined;
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(log).toContain('stop alpha');
  });

  test('a failing start stops the plugins already started, in reverse', async () => {
    const log: string[] = [];
    const bad = recorder(log, 'bad', {
      start: () => {
        throw new Error('port in use');
      },
    });
    await expect(createTestCore({ plugins: { a: recorder(log, 'alpha'), b: recorder(log, 'beta'), x: bad } })).rejects.toThrow('plugin "x" failed to start: port in use');
    expect(log).toEqual(['setup alpha', 'setup beta', 'setup bad', 'start alpha', 'start beta', 'stop beta', 'stop alpha']);
  });

  test('registries freeze after setup; duplicates are refused', async () => {
    let saved: PluginContext | undefined;
    const p = definePlugin({
      name: 'late',
      setup(ctx) {
        saved = ctx;
        ctx.contacts.registerSource({ id: 'late', label: 'Late' });
      },
    });
    core = await createTestCore({ plugins: { late: p } });
    expect(() => saved!.contacts.registerSource({ id: 'other', label: 'Other' })).toThrow(/after start-up; register in setup\(\)/);
    const dup = definePlugin({ name: 'dup', setup: (ctx) => ctx.contacts.registerSource({ id: 'late', label: 'Again' }) });
    await expect(createTestCore({ plugins: { late: p, dup } })).rejects.toThrow(/contact source "late" is registered twice \(by late and dup\)/);
  });

  test('one package can run as two instances with their own options', async () => {
    const seen: unknown[] = [];
    const p = definePlugin({ name: 'multi', options: z.object({ host: z.string() }), setup: (ctx) => void seen.push([ctx.id, ctx.options]) });
    core = await createTestCore({ plugins: { 'dir-a': { plugin: p, options: { host: 'a' } }, 'dir-b': { plugin: p, options: { host: 'b' } } } });
    expect(seen).toEqual([['dir-a', { host: 'a' }], ['dir-b', { host: 'b' }]]);
  });
});

describe('options validation', () => {
  const ldapish = definePlugin({
    name: 'ldapish',
    options: z.object({ url: z.url(), pageSize: z.number().int().min(1).default(500), bind: z.object({ dn: z.string() }) }),
    setup: () => {},
  });

  test('every problem of every plugin, one line each: plugin, key path, expected, found', async () => {
    const config = await loadConfig({ env: {}, config: { database: { url: 'sqlite::memory:' }, plugins: { one: { plugin: ldapish, options: { url: 'ldap://x', pageSize: 'big', bind: { dn: 5 } } }, two: { plugin: ldapish, options: { url: 'not a url', bind: { dn: 'cn=a' } } } } } });
    const err = await createDialbook(config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DialbookError);
    expect((err as DialbookError).code).toBe('DIALBOOK_PLUGIN_OPTIONS');
    expect((err as DialbookError).message.split('\n')).toEqual([
      'plugin "one" (ldapish): option "pageSize": expected number, found "big"',
      'plugin "one" (ldapish): option "bind.dn": expected string, found number 5',
      'plugin "two" (ldapish): option "url": expected a valid url, found "not a url"',
    ]);
  });

  test('missing options say "found nothing"; defaults apply to valid ones', async () => {
    const seen: unknown[] = [];
    const p = definePlugin({ name: 'p', options: z.object({ file: z.string(), delimiter: z.string().default(',') }), setup: (ctx) => void seen.push(ctx.options) });
    await expect(createTestCore({ plugins: { p: { plugin: p, options: {} } } })).rejects.toThrow('plugin "p" (p): option "file": expected string, found nothing');
    core = await createTestCore({ plugins: { p: { plugin: p, options: { file: 'x.csv' } } } });
    expect(seen).toEqual([{ file: 'x.csv', delimiter: ',' }]);
  });

  test('environment overrides reach plugin options by instance id and key path', async () => {
    const config = await loadConfig({
      env: { DIALBOOK_PLUGIN_DIR_A__PAGE_SIZE: '50', DIALBOOK_PLUGIN_DIR_A__BIND__DN: 'cn=admin', PORT: '8081', DATABASE_URL: 'sqlite::memory:' },
      config: { plugins: { 'dir-a': { plugin: ldapish, options: { url: 'ldap://x', pageSize: 500, bind: { dn: 'cn=old' } } } } },
    });
    expect(config.plugins['dir-a']!.options).toEqual({ url: 'ldap://x', pageSize: 50, bind: { dn: 'cn=admin' } });
    expect(config.server.port).toBe(8081);
    expect(config.database.url).toBe('sqlite::memory:');
    await expect(loadConfig({ env: { DIALBOOK_PLUGIN_NOPE__X: '1' }, config: {} })).rejects.toThrow(/names plugin instance "nope", which the config does not list/);
  });

  test('config files: YAML and JSON, unknown keys and bad values are reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialbook-config-'));
    writeFileSync(join(dir, 'dialbook.config.yaml'), 'server:\n  port: 4000\ndefaultCountry: de\nplugins: {}\n');
    const y = await loadConfig({ cwd: dir, env: {} });
    expect(y).toMatchObject({ server: { port: 4000 }, defaultCountry: 'DE', file: join(dir, 'dialbook.config.yaml') });
    const j = join(dir, 'other.json');
    writeFileSync(j, JSON.stringify({ logLevel: 'loud', colour: 'blue' }));
    const err = (await loadConfig({ file: j, env: {} }).catch((e: unknown) => e)) as DialbookError;
    expect(err.message.split('\n').sort()).toEqual([
      `config ${j}: key "(root)": expected only known keys (unknown: colour), found "colour"`,
      `config ${j}: key "logLevel": expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent", found "loud"`,
    ]);
  });

  test('"not installed" differs from "threw while loading" and from "not a plugin"', async () => {
    const config = await loadConfig({
      env: {},
      cwd: fixtures,
      config: { database: { url: 'sqlite::memory:' }, plugins: { a: { package: '@dialbook/plugin-does-not-exist' }, b: { package: './throws-on-import.mjs' }, c: { package: './not-a-plugin.mjs' } } },
    });
    const err = (await createDialbook({ ...config, baseDir: fixtures }).catch((e: unknown) => e)) as DialbookError;
    expect(err.code).toBe('DIALBOOK_PLUGIN_IMPORT');
    expect(err.message.split('\n')).toEqual([
      'plugin "a": package "@dialbook/plugin-does-not-exist" is not installed (npm install @dialbook/plugin-does-not-exist)',
      'plugin "b": package "./throws-on-import.mjs" threw while loading: database driver missing',
      `plugin "c" (./not-a-plugin.mjs): the package's default export is not a plugin made with definePlugin()`,
    ]);
  });
});

describe('what plugins register', () => {
  test('filters can reject a change through the API; events are typed and extendable; routes and actions are mounted', async () => {
    const pinged: number[] = [];
    const policy = definePlugin({
      name: 'policy',
      events: ['acme.pinged'],
      setup(ctx) {
        ctx.hooks.filter('contact.beforeSave', ({ input, ...rest }) => {
          if (input.organization === 'Competitor') throw new Error('contacts of Competitor are not allowed');
          return { ...rest, input: { ...input, title: input.title?.toUpperCase() ?? null } };
        });
        ctx.hooks.on('acme.pinged', ({ n }) => void pinged.push(n));
        const app = new Hono();
        app.get('/hello', (c) => c.json({ from: ctx.id }));
        ctx.http.route('/', app);
        ctx.actions.register({ id: 'ping', label: 'Ping', run: async ({ actor }) => {
          await ctx.hooks.emit('acme.pinged', { n: 7 });
          return { ok: true, message: `pong for ${actor.type}` };
        } });
      },
    });
    core = await createTestCore({ plugins: { guard: policy } });
    const refused = await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'X', organization: 'Competitor' } });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ code: 'DIALBOOK_HOOK_REJECTED', detail: 'guard rejected contact.beforeSave: contacts of Competitor are not allowed' });
    expect((await core.request('/api/v1/contacts?status=all')).ok).toBe(true);
    expect(((await (await core.request('/api/v1/contacts?status=all')).json()) as { total: number }).total).toBe(0);
    const ok = await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'Y', title: 'boss' } });
    expect(((await ok.json()) as { title: string }).title).toBe('BOSS');
    expect(await (await core.request('/api/v1/plugins/guard/hello')).json()).toEqual({ from: 'guard' });
    const run = await core.request('/api/v1/actions/guard.ping', { method: 'POST' });
    expect(await run.json()).toEqual({ ok: true, message: 'pong for apiKey' });
    expect(pinged).toEqual([7]);
    expect((await core.request('/api/v1/actions/guard.nope', { method: 'POST' })).status).toBe(404);
    const plugins = (await (await core.request('/api/v1/plugins')).json()) as { items: { id: string; actions: { id: string }[]; state: string }[] };
    expect(plugins.items).toEqual([expect.objectContaining({ id: 'guard', name: 'policy', state: 'started', actions: [{ id: 'guard.ping', label: 'Ping', description: null, scope: 'plugin', when: null }] })]);
  });

  test('a plugin gets a child container: its own logger and options, the core services', async () => {
    const { Tokens } = await import('@dialbook/core');
    let resolved: unknown[] = [];
    const p = definePlugin({
      name: 'di',
      options: z.object({ n: z.number() }),
      setup(ctx) {
        resolved = [ctx.resolve(Tokens.PluginId), ctx.resolve(Tokens.PluginOptions), ctx.resolve(Tokens.Contacts) === ctx.resolve(Tokens.Contacts)];
      },
    });
    core = await createTestCore({ plugins: { mine: { plugin: p, options: { n: 1 } } } });
    expect(resolved).toEqual(['mine', { n: 1 }, true]);
  });
});

describe('plugin lifecycle and what a plugin may do (issue 11)', () => {
  test("what setup returns is handed to start and stop, per instance: no module-level state", async () => {
    const seen: string[] = [];
    const counter = definePlugin({
      name: 'counter',
      options: z.object({ label: z.string() }),
      setup: (ctx) => ({ label: ctx.options.label, starts: 0 }),
      start(_ctx, state) {
        state.starts++;
        seen.push(`start ${state.label} ${state.starts}`);
      },
      stop(_ctx, state) {
        seen.push(`stop ${state.label} ${state.starts}`);
      },
    });
    core = await createTestCore({ plugins: { one: { plugin: counter, options: { label: 'a' } }, two: { plugin: counter, options: { label: 'b' } } } });
    await core.close();
    core = undefined;
    expect(seen).toEqual(['start a 1', 'start b 1', 'stop b 1', 'stop a 1']);
  });

  test("ctx.hooks.emit: the plugin's declared events and what a source reports; core's own events are refused", async () => {
    let ctx!: PluginContext;
    const p = definePlugin({ name: 'emitter', events: ['acme.pinged'], setup: (c) => void (ctx = c) });
    core = await createTestCore({ plugins: { em: p } });
    const heard: string[] = [];
    core.dialbook.hooks.on('acme.pinged', () => void heard.push('acme.pinged'));
    core.dialbook.hooks.on('sync.finished', () => void heard.push('sync.finished'));
    core.dialbook.hooks.on('phonebook.changed', () => void heard.push('phonebook.changed'));
    await ctx.hooks.emit('acme.pinged', { n: 1 });
    await ctx.hooks.emit('sync.finished', { source: 'em', siteId: core.site.id, created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    await expect(ctx.hooks.emit('phonebook.changed', { phonebookId: null, siteId: core.site.id, reason: 'spoofed' })).rejects.toMatchObject({ code: 'DIALBOOK_PLUGIN_EVENT_FORBIDDEN' });
    expect(heard).toEqual(['acme.pinged', 'sync.finished']);
  });

  test('ctx.users: a user by e-mail (any case) or id, null when none; never a hash or token', async () => {
    let ctx!: PluginContext;
    core = await createTestCore({ plugins: { who: definePlugin({ name: 'who', setup: (c) => void (ctx = c) }) } });
    const { user } = await core.createUser({ role: 'user', siteIds: [core.site.id], email: 'Desk@Example.com' });
    const found = await ctx.users.findByEmail(' DESK@example.com ');
    expect(found).toEqual({ id: user.id, email: 'desk@example.com', firstName: null, lastName: null, status: 'active', siteIds: [core.site.id] });
    expect(await ctx.users.get(user.id.toUpperCase())).toEqual(found);
    expect(await ctx.users.findByEmail('nobody@example.com')).toBeNull();
    expect(await ctx.users.get('00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await ctx.users.get('not-an-id')).toBeNull();
    expect(ctx.resolve(Tokens.Users)).toBe(ctx.users);
  });

  test("the cluster's private channels (vendor.state, vendor.command, vendor.result) are no hook events: no plugin emits or hears them", async () => {
    let ctx!: PluginContext;
    // Even declared as the plugin's own event, a private channel's name is refused.
    const p = definePlugin({ name: 'spoofer', events: ['vendor.command'], setup: (c) => void (ctx = c) });
    core = await createTestCore({ plugins: { sp: p } });
    const command = { id: 'c1', from: 'elsewhere', to: 'here', op: 'setup', vendor: 'acme', phonebookId: core.site.id };
    // @ts-expect-error -- not in HookEvents: the call does not type-check
    await expect(ctx.hooks.emit('vendor.command', command)).rejects.toMatchObject({ code: 'DIALBOOK_HOOK_RESERVED' });
    // @ts-expect-error -- not in HookEvents
    await expect(ctx.hooks.emit('vendor.result', { id: 'c1', seq: 1, error: null })).rejects.toMatchObject({ code: 'DIALBOOK_PLUGIN_EVENT_FORBIDDEN' });
    // @ts-expect-error -- not in HookEvents
    expect(() => ctx.hooks.on('vendor.state', () => undefined)).toThrow(/"vendor.state" is not a hook event/);
    // @ts-expect-error -- not in HookEvents
    await expect(core.dialbook.hooks.emit('vendor.state', {})).rejects.toMatchObject({ code: 'DIALBOOK_HOOK_RESERVED' });
    // The channels are core's: not on ctx, not in the plugin's container.
    expect('channels' in ctx).toBe(false);
    expect(() => ctx.resolve(Symbol.for('dialbook.core.channels'))).toThrow();
    expect(core.dialbook.channels.status().map((c) => c.name)).toEqual(['vendor.state', 'vendor.command', 'vendor.result']);
  });

  test("a plugin's container holds the public façades, not core's internals", async () => {
    const { Tokens } = await import('@dialbook/core');
    let ctx!: PluginContext;
    core = await createTestCore({ plugins: { di: definePlugin({ name: 'di', setup: (c) => void (ctx = c) }) } });
    expect(ctx.resolve(Tokens.Contacts)).toBe(ctx.contacts);
    expect(ctx.resolve(Tokens.Jobs)).toBe(ctx.jobs);
    expect(() => ctx.resolve(Symbol.for('dialbook.core.orm'))).toThrow();
    expect(() => ctx.resolve(Symbol.for('dialbook.accounts'))).toThrow();
  });
});

describe('http basics', () => {
  test('healthz, readyz, openapi.json (3.1) and docs', async () => {
    core = await createTestCore();
    expect(await (await core.request('/healthz')).json()).toEqual({ status: 'ok' });
    expect(await (await core.request('/readyz')).json()).toEqual({ ready: true, database: 'ok', pendingMigrations: [] });
    const doc = (await (await core.request('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/contacts', '/contacts/{id}', '/contacts/lookup', '/contacts/{id}/permanent', '/contacts/{id}/history', '/phonebooks/{id}/members', '/notifications/unread-count', '/sites']));
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Contact', 'ContactCreate', 'ContactUpdate', 'Problem', 'Phonebook', 'Site']));
    const docs = await core.request('/docs');
    expect(docs.status).toBe(200);
    const page = await docs.text();
    expect(page).toContain('/openapi.json');
    expect(page).toContain('src="/docs/assets/api-reference.js"');
    const asset = await core.request('/docs/assets/api-reference.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const missing = await core.request('/api/v1/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });
});
