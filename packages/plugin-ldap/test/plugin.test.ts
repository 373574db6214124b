/**
 * The plugin on a real core without a directory: set-up, settings, routes, and the
 * test-connection answers for problems that need no server (DNS, TCP, settings).
 * The directory itself is exercised in sync.test.ts against a real slapd.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import ldap, { type ProbeReport } from '@dialbook/plugin-ldap';

let core: TestCore | undefined;
afterEach(async () => {
  await core?.close();
  core = undefined;
});

const start = async () => (core = await createTestCore({ plugins: { ldap } }));

describe('plugin-ldap on a core', () => {
  it('registers a site-scoped settings category, a contact source, actions and routes', async () => {
    const c = await start();
    const cats = (await (await c.request('/api/v1/settings')).json()) as { items: { id: string; scope: string; schema: { properties: Record<string, { writeOnly?: boolean }> } }[] };
    const cat = cats.items.find((x) => x.id === 'ldap')!;
    expect(cat.scope).toBe('site');
    expect(cat.schema.properties.bindPassword!.writeOnly).toBe(true);
    const plugins = (await (await c.request('/api/v1/plugins')).json()) as { items: { id: string; contactSources: string[]; actions: { id: string }[] }[] };
    expect(plugins.items.find((p) => p.id === 'ldap')).toMatchObject({ contactSources: ['ldap'], actions: [{ id: 'ldap.test' }, { id: 'ldap.sync' }] });
    const conflicts = await c.request(`/api/v1/plugins/ldap/conflicts?siteId=${c.site.id}`);
    expect(conflicts.status).toBe(200);
    expect(await conflicts.json()).toEqual({ items: [] });
  });

  it('a site that is not set up says which keys are missing', async () => {
    const c = await start();
    const res = await c.request('/api/v1/plugins/ldap/sync', { method: 'POST', json: { siteId: c.site.id } });
    expect(res.status).toBe(409);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe('DIALBOOK_LDAP_NOT_CONFIGURED');
    expect(problem.detail).toMatch(/LDAP "ldap" is not set up for site "test": .*ldap\.url: not set.*ldap\.baseDN: not set/);
    const action = (await (await c.request('/api/v1/actions/ldap.test', { method: 'POST', json: { siteId: c.site.id } })).json()) as { ok: boolean; message: string };
    expect(action).toMatchObject({ ok: false, message: expect.stringMatching(/^settings: /) });
  });

  it('test connection names DNS and TCP failures in words', async () => {
    const c = await start();
    const test = async (settings: Record<string, unknown>) =>
      (await (await c.request('/api/v1/plugins/ldap/test', { method: 'POST', json: { siteId: c.site.id, settings: { baseDN: 'dc=example,dc=org', ...settings } } })).json()) as ProbeReport;
    const dns = await test({ url: 'ldap://no-such-host.invalid' });
    expect(dns).toMatchObject({ ok: false, stage: 'dns', message: expect.stringContaining('DNS: the host name "no-such-host.invalid" could not be resolved') });
    const tcp = await test({ url: 'ldap://127.0.0.1:1' });
    expect(tcp).toMatchObject({ ok: false, stage: 'tcp', message: 'TCP: 127.0.0.1:1 refused the connection. Is the directory server running, and is 1 its LDAP port?' });
    expect(tcp.steps).toEqual([
      { step: 'dns', ok: true, message: '127.0.0.1 is an IP address' },
      { step: 'tcp', ok: false, message: tcp.message },
    ]);
    const settings = await test({ url: 'http://x' });
    expect(settings).toMatchObject({ ok: false, stage: 'settings', message: expect.stringContaining('url: an LDAP URL') });
  });

  it('validates route input (422 with the field)', async () => {
    const c = await start();
    const res = await c.request(`/api/v1/plugins/ldap/search?siteId=${c.site.id}`);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { field: string }).field).toBe('query.q');
    const resolve = await c.request('/api/v1/plugins/ldap/conflicts/00000000-0000-4000-8000-000000000000/resolve', { method: 'POST', json: { action: 'merge' } });
    expect(resolve.status).toBe(422);
    const missing = await c.request('/api/v1/plugins/ldap/conflicts/00000000-0000-4000-8000-000000000000/resolve', { method: 'POST', json: { action: 'keep' } });
    expect(missing.status).toBe(404);
  });

  it('a user (not staff) may not use the routes', async () => {
    const c = await start();
    const user = await c.createUser({ role: 'user', siteIds: [c.site.id] });
    expect((await user.request(`/api/v1/plugins/ldap/conflicts?siteId=${c.site.id}`)).status).toBe(403);
  });
});
