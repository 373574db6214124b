import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import { definePlugin, systemActor, z, type DirectoryInput, type DirectoryServed } from '@dialbook/core';

/**
 * The directory pipeline through HTTP as a phone uses it, with a small renderer plugin
 * (`test`) that writes one line per contact: what core hands a renderer is visible in the bytes.
 */
const seen: DirectoryInput[] = [];
const served: DirectoryServed[] = [];
const testRenderer = definePlugin({
  name: 'directory-test',
  setup(ctx) {
    ctx.directory.registerRenderer({
      id: 'test',
      label: 'Test phones',
      variants: ['plain', 'upper'],
      search: true,
      options: z.object({ prefix: z.string().max(10).default('') }).strict(),
      render(input) {
        seen.push(input);
        const q = input.params.q?.toLowerCase();
        const lines = input.contacts
          .filter((c) => !q || c.displayName.toLowerCase().includes(q))
          .map((c) => `${String(input.options.prefix)}${c.displayName}|${c.phones.map((p) => p.number).join(',')}`);
        const text = [`# ${input.phonebook.name} @ ${input.phonebook.siteName}`, ...lines].join('\n');
        return { contentType: 'text/plain; charset=utf-8', body: input.variant === 'upper' ? text.toUpperCase() : text };
      },
    });
    ctx.hooks.on('directory.served', (e) => void served.push(e));
    // Drop contacts tagged "hidden" from every directory.
    ctx.hooks.filter('directory.beforeRender', ({ input }) => ({ input: { ...input, contacts: input.contacts.filter((c) => !c.tags.includes('hidden')) } }));
  },
});

let core: TestCore;
let phonebookId: string;
let secret: string;
let username: string;
let credentialId: string;
const ids: Record<string, string> = {};

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const phone = (path: string, headers: Record<string, string> = {}) =>
  core.request(path, { anonymous: true, headers: { authorization: basic(username, secret), 'user-agent': 'Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56', ...headers } });
const fetchBook = async (path = `/directory/${phonebookId}/test`) => {
  const res = await phone(path);
  expect(res.status).toBe(200);
  return res.text();
};

beforeAll(async () => {
  core = await createTestCore({ plugins: { dt: testRenderer } });
  const site = core.site.id;
  const make = async (key: string, body: Record<string, unknown>) => (ids[key] = (await core.dialbook.contacts.create({ siteId: site, ...body }, systemActor)).id);
  await make('zoe', { firstName: 'Zoë', lastName: 'Adler', department: 'Sales', phones: [{ number: '030 1111111' }] });
  await make('anna2', { firstName: 'Anna', lastName: 'Müller', organization: 'Beta', department: 'Sales', phones: [{ number: '030 2222222' }] });
  await make('anna1', { firstName: 'Anna', lastName: 'Muller', organization: 'Alpha', department: 'Sales', phones: [{ number: '030 3333333' }] });
  await make('bernd', { firstName: 'Bernd', lastName: 'müller', department: 'Sales', phones: [{ number: '+49 30 4444444', type: 'mobile' }] });
  await make('acme', { organization: 'ACME GmbH', department: 'Sales', phones: [{ number: '030 5555555' }] });
  await make('other', { firstName: 'Otto', lastName: 'Outside', department: 'Support', phones: [{ number: '030 6666666' }] });
  await make('hidden', { firstName: 'Hilde', lastName: 'Hidden', department: 'Sales', tags: ['hidden'], phones: [{ number: '030 7777777' }] });
  const pb = await core.dialbook.phonebooks.create({ siteId: site, name: 'Sales', filter: { department: 'Sales' } });
  phonebookId = pb.id;
  const issued = await core.dialbook.credentials.createForPhonebook(pb.id, 'lobby', systemActor);
  secret = issued.secret;
  username = issued.username!;
  credentialId = issued.credential.id;
});
afterAll(() => core?.close());

describe('phone fetch', () => {
  test('members in directory order: last name, first name, organisation (accent-insensitive), filtered by directory.beforeRender', async () => {
    const text = await fetchBook();
    expect(text.split('\n')).toEqual([
      '# Sales @ Test site',
      'ACME GmbH|030 5555555',
      'Zoë Adler|030 1111111',
      'Anna Muller|030 3333333', // organisation Alpha before Beta
      'Anna Müller|030 2222222',
      'Bernd müller|+49 30 4444444',
    ]);
  });

  test('content type, strong ETag, no-cache; If-None-Match → 304 with the same ETag', async () => {
    const res = await phone(`/directory/${phonebookId}/test`);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    const again = await phone(`/directory/${phonebookId}/test`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    expect((await phone(`/directory/${phonebookId}/test`, { 'if-none-match': '"other", W/' + etag })).status).toBe(304);
    expect((await phone(`/directory/${phonebookId}/test`, { 'if-none-match': '"stale"' })).status).toBe(200);
  });

  test('rendered bytes are cached: a second fetch does not render again', async () => {
    await fetchBook();
    const before = seen.length;
    await fetchBook();
    await fetchBook();
    expect(seen.length).toBe(before);
  });

  test('a contact edit is visible to the very next fetch, and so are create, delete, restore and purge', async () => {
    await fetchBook();
    await core.request(`/api/v1/contacts/${ids.zoe}`, { method: 'PATCH', json: { firstName: 'Zoe' } });
    expect(await fetchBook()).toContain('Zoe Adler|');
    await core.dialbook.contacts.softDelete(ids.zoe!, systemActor);
    expect(await fetchBook()).not.toContain('Adler');
    await core.dialbook.contacts.restore(ids.zoe!, systemActor);
    expect(await fetchBook()).toContain('Zoe Adler');
    const tmp = await core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'Temp', lastName: 'Aaa', department: 'Sales', phones: [{ number: '123' }] }, systemActor);
    expect(await fetchBook()).toContain('Temp Aaa|123');
    await core.dialbook.contacts.softDelete(tmp.id, systemActor);
    await core.dialbook.contacts.purge(tmp.id, systemActor);
    expect(await fetchBook()).not.toContain('Temp');
  });

  test('membership, filter and name changes are visible to the next fetch', async () => {
    await core.request(`/api/v1/phonebooks/${phonebookId}/members`, { method: 'POST', json: { contactIds: [ids.other] } });
    expect(await fetchBook()).toContain('Otto Outside');
    await core.request(`/api/v1/phonebooks/${phonebookId}/members/${ids.other}`, { method: 'DELETE' });
    expect(await fetchBook()).not.toContain('Otto Outside');
    await core.request(`/api/v1/phonebooks/${phonebookId}`, { method: 'PATCH', json: { name: 'Vertrieb', filter: { department: 'Support' } } });
    expect((await fetchBook()).split('\n')).toEqual(['# Vertrieb @ Test site', 'Otto Outside|030 6666666']);
    await core.request(`/api/v1/phonebooks/${phonebookId}`, { method: 'PATCH', json: { name: 'Sales', filter: { department: 'Sales' } } });
    expect(await fetchBook()).toContain('# Sales');
  });

  test('variants, search with ?q=, unknown vendor and variant', async () => {
    expect(await fetchBook(`/directory/${phonebookId}/test/upper`)).toContain('ANNA MÜLLER');
    const found = await fetchBook(`/directory/${phonebookId}/test?q=anna`);
    expect(found.split('\n').slice(1)).toEqual(['Anna Muller|030 3333333', 'Anna Müller|030 2222222']);
    const unknown = await phone(`/directory/${phonebookId}/cisco`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await unknown.json()) as { code: string; detail: string };
    expect(problem.code).toBe('DIALBOOK_DIRECTORY_VENDOR_UNKNOWN');
    expect(problem.detail).toContain('"cisco"');
    expect(problem.detail).toContain('test');
    expect((await phone(`/directory/${phonebookId}/test/fancy`)).status).toBe(404);
  });

  test('401 with WWW-Authenticate Basic when the credential is missing or wrong; a token in the path works; revoked stops both', async () => {
    const none = await core.request(`/directory/${phonebookId}/test`, { anonymous: true });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm="Dialbook phonebook"/);
    expect((await phone(`/directory/${phonebookId}/test`, { authorization: basic(username, `${secret}x`) })).status).toBe(401);
    expect((await phone(`/directory/${phonebookId}/test`, { authorization: basic('someone', secret) })).status).toBe(401);
    // A credential is good for its own phonebook only.
    const otherBook = await core.dialbook.phonebooks.create({ siteId: core.site.id, name: 'Other', filter: {} });
    expect((await phone(`/directory/${otherBook.id}/test`)).status).toBe(401);
    expect((await phone(`/directory/not-a-uuid/test`)).status).toBe(401);
    // Token form.
    const byToken = await core.request(`/directory/t/${secret}/test`, { anonymous: true });
    expect(byToken.status).toBe(200);
    expect(await byToken.text()).toContain('Anna Müller');
    expect((await core.request(`/directory/t/dbk_pb_nope/test`, { anonymous: true })).status).toBe(401);
    // Revoke: refused at once on this instance (the verified-credential cache is emptied).
    const extra = await core.dialbook.credentials.createForPhonebook(phonebookId, 'temp', systemActor);
    expect((await core.request(`/directory/t/${extra.secret}/test`, { anonymous: true })).status).toBe(200);
    // Basic twice: the second fetch is answered from the verified-header cache, which revoking empties too.
    for (let i = 0; i < 2; i++) expect((await core.request(`/directory/${phonebookId}/test`, { anonymous: true, headers: { authorization: basic(extra.username!, extra.secret) } })).status).toBe(200);
    expect((await core.request(`/api/v1/credentials/${extra.credential.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await core.request(`/directory/t/${extra.secret}/test`, { anonymous: true })).status).toBe(401);
    expect((await core.request(`/directory/${phonebookId}/test`, { anonymous: true, headers: { authorization: basic(extra.username!, extra.secret) } })).status).toBe(401);
  });

  test('caller-ID lookup: any written form, members only, plain text without a renderer lookup', async () => {
    const res = await phone(`/directory/${phonebookId}/test/lookup?number=${encodeURIComponent('+49 30 2222222')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('Anna Müller');
    expect(await (await phone(`/directory/${phonebookId}/test/lookup?number=00493044444 44`)).text()).toBe('Bernd müller');
    // Otto is on the site but not in this phonebook.
    expect((await phone(`/directory/${phonebookId}/test/lookup?number=0306666666`)).status).toBe(404);
    expect((await phone(`/directory/${phonebookId}/test/lookup`)).status).toBe(422);
  });

  test('every fetch is a directory.served event and an audit row (written in batches)', async () => {
    served.length = 0;
    const first = await phone(`/directory/${phonebookId}/test`, { 'x-forwarded-for': '10.9.9.9' });
    await phone(`/directory/${phonebookId}/test`, { 'if-none-match': first.headers.get('etag')! });
    expect(served.map((e) => e.status)).toEqual([200, 304]);
    expect(served[0]).toMatchObject({ phonebookId, siteId: core.site.id, vendor: 'test', variant: '', kind: 'fetch', credentialId, via: 'core', device: { vendor: 'yealink', model: 'SIP-T46S', firmware: '66.86.0.15', mac: '80:5e:c0:12:34:56' } });
    expect(served[0]!.bytes).toBeGreaterThan(0);
    expect(served[1]!.bytes).toBe(0);
    await core.dialbook.directory.audit.flush();
    const audit = (await (await core.request('/api/v1/audit?pageSize=200')).json()) as { items: { id: number; action: string; status: number; targetId: string; actor: string; actorName: string; ip: string }[] };
    const rows = audit.items.filter((a) => a.action === 'directory.served');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.some((r) => r.status === 304)).toBe(true);
    expect(rows[0]).toMatchObject({ targetId: phonebookId, actor: `phone:${credentialId}`, actorName: 'SIP-T46S 80:5e:c0:12:34:56' });
    const [row] = await core.dialbook.orm.em.fork().getConnection().execute<{ detail: unknown }[]>('select detail from audit_event where id = ?', [rows[0]!.id]);
    const detail = typeof row!.detail === 'string' ? JSON.parse(row!.detail) : row!.detail;
    expect(detail).toMatchObject({ vendor: 'test', kind: 'fetch', userAgent: 'Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56', device: { model: 'SIP-T46S', firmware: '66.86.0.15', mac: '80:5e:c0:12:34:56' } });
  });
});

describe('DirectoryService', () => {
  test('input(): serialisable JSON with ordered members, options with defaults, params', async () => {
    const input = await core.dialbook.directory.input(phonebookId, 'test', 'plain', { q: 'x' });
    expect(JSON.parse(JSON.stringify(input))).toEqual(input);
    expect(input).toMatchObject({ phonebook: { id: phonebookId, name: 'Sales', siteId: core.site.id, siteName: 'Test site' }, vendor: 'test', variant: 'plain', params: { q: 'x' }, options: { prefix: '' } });
    expect(input.contacts[0]).not.toHaveProperty('notes');
    expect(input.contacts.some((c) => c.tags.includes('hidden'))).toBe(false);
  });

  test('render(): one render for concurrent cold fetches; search renders are not cached', async () => {
    await core.dialbook.contacts.update(ids.acme!, { title: 'x' }, systemActor); // invalidates
    const before = seen.length;
    const all = await Promise.all(Array.from({ length: 8 }, () => core.dialbook.directory.render(phonebookId, 'test')));
    expect(new Set(all.map((r) => r.etag)).size).toBe(1);
    expect(seen.length).toBe(before + 1);
    await core.dialbook.directory.render(phonebookId, 'test', undefined, { q: 'anna' });
    await core.dialbook.directory.render(phonebookId, 'test', undefined, { q: 'anna' });
    expect(seen.length).toBe(before + 3);
  });
});

describe('admin API', () => {
  test('GET /phonebooks/{id}/directory lists URLs per vendor; PUT sets options (validated) and phones see them', async () => {
    const res = await core.request(`/api/v1/phonebooks/${phonebookId}/directory`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { username: string; vendors: { vendor: string; urls: Record<string, string>; options: unknown; provisioning: unknown }[] };
    expect(body.username).toBe(username);
    expect(body.vendors).toHaveLength(1);
    expect(body.vendors[0]).toMatchObject({
      vendor: 'test',
      options: { prefix: '' },
      provisioning: null,
      urls: { basic: `http://localhost/directory/${phonebookId}/test`, token: 'http://localhost/directory/t/<secret>/test', search: `http://localhost/directory/${phonebookId}/test?q=#SEARCH` },
    });
    const bad = await core.request(`/api/v1/phonebooks/${phonebookId}/directory/test`, { method: 'PUT', json: { prefix: 'way too long a prefix' } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { field: string }).field).toBe('prefix');
    expect((await core.request(`/api/v1/phonebooks/${phonebookId}/directory/test`, { method: 'PUT', json: { colour: 'red' } })).status).toBe(422);
    expect((await core.request(`/api/v1/phonebooks/${phonebookId}/directory/nope`, { method: 'PUT', json: {} })).status).toBe(404);
    const ok = await core.request(`/api/v1/phonebooks/${phonebookId}/directory/test`, { method: 'PUT', json: { prefix: '> ' } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { vendors: { options: unknown }[] }).vendors[0]!.options).toEqual({ prefix: '> ' });
    expect(await fetchBook()).toContain('> Anna Müller');
    await core.request(`/api/v1/phonebooks/${phonebookId}/directory/test`, { method: 'PUT', json: {} });
  });

  test("a user of another site gets 404 for this phonebook's directory", async () => {
    const other = await core.dialbook.sites.create({ name: 'Elsewhere', slug: 'elsewhere' });
    const user = await core.createUser({ role: 'user', siteIds: [other.id] });
    expect((await user.request(`/api/v1/phonebooks/${phonebookId}/directory`)).status).toBe(404);
    expect((await user.request(`/api/v1/phonebooks/${phonebookId}/directory/test`, { method: 'PUT', json: { prefix: 'x' } })).status).toBe(404);
  });

  test('deleting the phonebook: phones get 404', async () => {
    const pb = await core.dialbook.phonebooks.create({ siteId: core.site.id, name: 'Short-lived', filter: {} });
    const cred = await core.dialbook.credentials.createForPhonebook(pb.id, 'x', systemActor);
    expect((await core.request(`/directory/t/${cred.secret}/test`, { anonymous: true })).status).toBe(200);
    await core.dialbook.phonebooks.delete(pb.id);
    expect((await core.request(`/directory/t/${cred.secret}/test`, { anonymous: true })).status).toBe(404);
  });
});
