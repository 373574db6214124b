/**
 * The plugin on a real core against the CUCM double: what it registers, the site-scoped settings,
 * "Test connection" (action, route and health check) with messages an admin can act on, and
 * clients rebuilt when the settings change.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCucmDouble, type CucmDouble } from './double/server.js';
import { configure, json, startCore, type ActionAnswer, type Core } from './plugin-helpers.js';
import type { ConnectionReport } from '../src/index.js';

let cucm: CucmDouble;
let core: Core | undefined;

beforeAll(async () => {
  cucm = await startCucmDouble();
  cucm.data.seed({ users: 3 });
});
afterEach(async () => {
  await core?.close();
  core = undefined;
  cucm.reset();
});
afterAll(() => cucm?.close());

const test = (c: Core, siteId?: string) => json<ActionAnswer & { data: ConnectionReport }>(c, '/api/v1/actions/cucm.test', { method: 'POST', json: siteId ? { siteId } : {} });

describe('plugin-cucm on a core', () => {
  it('registers site-scoped settings, a secret attribute, an enricher, an import, a mail template, actions and routes', async () => {
    const c = (core = await startCore());
    const cats = await json<{ items: { id: string; scope: string; schema: { properties: Record<string, { writeOnly?: boolean; default?: unknown }> } }[] }>(c, '/api/v1/settings');
    const cat = cats.items.find((x) => x.id === 'cucm')!;
    expect(cat.scope).toBe('site');
    expect(cat.schema.properties.password!.writeOnly).toBe(true);
    expect(cat.schema.properties.port!.default).toBe(8443);
    expect(cat.schema.properties.userIdAttribute!.default).toBe('ldap.uid');

    const plugins = await json<{ items: { id: string; actions: { id: string; scope: string; when?: unknown }[]; views: { id: string; scope: string; url: string; params: { name: string; required: boolean }[]; columns: { key: string; kind: string }[]; when: unknown }[] }[] }>(c, '/api/v1/plugins');
    const views = plugins.items.find((p) => p.id === 'cucm')!.views;
    expect(views.map((v) => [v.id, v.scope, v.url])).toEqual([
      ['cucm.phone-lookup', 'global', '/api/v1/plugins/cucm/phones/lookup'],
      ['cucm.phone-search', 'global', '/api/v1/plugins/cucm/phones/search'],
      ['cucm.user-phones', 'global', '/api/v1/plugins/cucm/phones/owned'],
      ['cucm.contact-phones', 'contact', '/api/v1/plugins/cucm/phones/contact'],
    ]);
    expect(views[0]!.params).toEqual([expect.objectContaining({ name: 'mac', required: true })]);
    expect(views[0]!.columns.find((col) => col.key === 'status')!.kind).toBe('badge');
    expect(views[0]!.columns.find((col) => col.key === 'lines')!.kind).toBe('list');
    expect(views[3]!.when).toEqual({ hasAttribute: ['cucm.userId'] });
    expect(plugins.items.find((p) => p.id === 'cucm')!.actions.map((a) => [a.id, a.scope])).toEqual([
      ['cucm.test', 'plugin'],
      ['cucm.fetch-pin', 'contact'],
      ['cucm.refresh-phones', 'contact'],
      ['cucm.email-pin', 'contact'],
      ['cucm.email-pins', 'contacts'],
    ]);
    expect(plugins.items.find((p) => p.id === 'cucm')!.actions.find((a) => a.id === 'cucm.email-pin')!.when).toEqual({ hasEmail: true, hasAttribute: ['cucm.pin'] });

    const enrichers = await json<{ enrichers: { id: string; label: string }[]; secretAttributes: { key: string; label: string }[] }>(c, '/api/v1/enrichers');
    expect(enrichers.enrichers).toEqual([expect.objectContaining({ id: 'cucm', label: 'CUCM: PIN and phones', pending: 0 })]);
    expect(enrichers.secretAttributes).toEqual([{ key: 'cucm.pin', label: 'PIN (forced authorization code)', owner: 'cucm' }]);
    const imports = await json<{ items: { id: string; label: string }[] }>(c, '/api/v1/imports');
    expect(imports.items).toEqual([expect.objectContaining({ id: 'phones-pins', label: 'CUCM: MACs and PINs' })]);
    const templates = await json<{ items: { id: string; secret: string[]; placeholders: Record<string, string> }[] }>(c, '/api/v1/mail/templates');
    const pin = templates.items.find((t) => t.id === 'cucm.pin-mail')!;
    expect(pin.secret).toEqual(['pin']);
    expect(Object.keys(pin.placeholders)).toEqual(expect.arrayContaining(['first_name', 'last_name', 'pin']));
    const preview = await json<{ subject: string; text: string }>(c, '/api/v1/mail/templates/cucm.pin-mail/preview', { method: 'POST', json: {} });
    expect(preview.text).toContain('Hello Erika Mustermann');
    expect(preview.text).toContain('is: 0000');

    const doc = await json<{ paths: Record<string, unknown> }>(c, '/openapi.json');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/plugins/cucm/phones/lookup', '/plugins/cucm/phones/search', '/plugins/cucm/phones/owned', '/plugins/cucm/phones/contact', '/plugins/cucm/test']));
  });

  it('a site that is not set up: test connection names the missing keys; the routes answer 409', async () => {
    const c = (core = await startCore());
    const r = await test(c, c.site.id);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^settings: CUCM "cucm" is not set up for site "test": .*cucm\.host.*cucm\.username.*cucm\.password/);
    const res = await c.request(`/api/v1/plugins/cucm/phones/lookup?mac=001a2b3c4d5e&siteId=${c.site.id}`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe('DIALBOOK_CUCM_NOT_CONFIGURED');
  });

  it('test connection: every step against the double, per site, and as the health check', async () => {
    const c = (core = await startCore());
    await configure(c, cucm);
    const r = await test(c, c.site.id);
    expect(r.ok, r.message).toBe(true);
    expect(r.data.steps.map((s) => `${s.step}:${s.ok}`)).toEqual(['dns:true', 'tcp:true', 'tls:true', 'auth:true', 'version:true', 'permission:true', 'risport:true']);
    expect(r.data.steps.find((s) => s.step === 'version')!.message).toBe('CUCM 14.0.1.13900(155), AXL schema 14.0 (it refused 15.0; it offers 14.0, 12.x, 11.x)');
    // Without a site: the shared settings.
    expect((await test(c)).ok).toBe(true);
    // The route gives the same report.
    expect(await json<ConnectionReport>(c, '/api/v1/plugins/cucm/test', { method: 'POST', json: { siteId: c.site.id } })).toMatchObject({ ok: true, failed: null });
    const before = cucm.counts.risport.requests;
    const plugins = await json<{ items: { id: string; health: { id: string; ok: boolean; message: string }[] }[] }>(c, '/api/v1/plugins');
    const health = plugins.items.find((p) => p.id === 'cucm')!.health;
    expect(health).toEqual([expect.objectContaining({ id: 'cucm.connection', ok: true, message: expect.stringMatching(/^127\.0\.0\.1:\d+ \(site "test"\): Connected to /) })]);
    // The health check leaves RisPort's budget alone.
    expect(cucm.counts.risport.requests).toBe(before);
  });

  it('test connection states failures an admin can act on: wrong password, no version in common, a wrong host', async () => {
    const c = (core = await startCore());
    await configure(c, cucm, { password: 'wrong' });
    const auth = await test(c, c.site.id);
    expect(auth).toMatchObject({ ok: false, data: { failed: 'auth' } });
    expect(auth.message).toMatch(/password|AXL/i);
    expect(auth.message).not.toContain('wrong');

    await configure(c, cucm, { version: '15.0' });
    cucm.configure({ versions: ['15.0'] });
    expect((await test(c, c.site.id)).ok).toBe(true);
    cucm.configure({ versions: ['9.1'] });
    const version = await test(c, c.site.id);
    expect(version).toMatchObject({ ok: false, data: { failed: 'version' } });
    expect(version.message).toMatch(/599/);
    cucm.configure({ versions: ['11.0', '11.5', '12.0', '12.5', '14.0'] });

    await configure(c, cucm, { host: 'cucm-pub.invalid', version: 'auto' });
    const dns = await test(c, c.site.id);
    expect(dns).toMatchObject({ ok: false, data: { failed: 'dns' } });
    expect(dns.message).toContain('"cucm-pub.invalid" could not be resolved');

    await configure(c, cucm, { wsdl: 'toolkit' });
    expect((await test(c, c.site.id)).message).toMatch(/^settings: The setting wsdl is "toolkit" but toolkitPath is empty/);
  });

  it('a site of its own overrides the shared settings; changed settings get new clients', async () => {
    const c = (core = await startCore());
    await configure(c, cucm);
    const lookup = () => c.request(`/api/v1/plugins/cucm/phones/lookup?mac=SEP000000000010&siteId=${c.site.id}`);
    expect((await lookup()).status).toBe(200);
    // The site's password is wrong: the kept session must not outlive the change.
    await json(c, `/api/v1/settings/cucm?siteId=${c.site.id}`, { method: 'PATCH', json: { password: 'not-the-password' } });
    const res = await lookup();
    expect(res.status).toBe(502);
    expect(((await res.json()) as { code: string }).code).toBe('DIALBOOK_CUCM_AUTH');
    await json(c, `/api/v1/settings/cucm?siteId=${c.site.id}`, { method: 'PATCH', json: { password: null } });
    expect((await lookup()).status).toBe(200);
  });
});
