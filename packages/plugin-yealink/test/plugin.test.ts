/* eslint-disable @typescript-eslint/no-explicit-any -- parsed XML trees are untyped JSON */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import { systemActor } from '@dialbook/core';
import yealink from '../src/index.js';
import { parseXml } from './helpers.js';

let core: TestCore;
let phonebookId: string;
let auth: string;
let secret: string;
let username: string;

beforeAll(async () => {
  core = await createTestCore({ plugins: { yealink } });
  const siteId = core.site.id;
  await core.dialbook.contacts.createMany(
    [
      { siteId, firstName: 'Jürgen', lastName: 'Weiß', department: 'Vertrieb', phones: [{ type: 'work', number: '030 1234567' }, { type: 'mobile', number: '0170 7654321' }] },
      { siteId, organization: 'Smith & Sons <UK>', department: 'Vertrieb', phones: [{ number: '+44 20 7946 0958' }] },
      { siteId, firstName: 'Ана', lastName: 'Иванова', department: 'Support', phones: [{ number: '4711' }] },
    ],
    systemActor,
  );
  const pb = await core.request('/api/v1/phonebooks', { method: 'POST', json: { siteId, name: 'Everyone', filter: {} } });
  phonebookId = ((await pb.json()) as { id: string }).id;
  const cred = (await (await core.request(`/api/v1/phonebooks/${phonebookId}/credentials`, { method: 'POST', json: { name: 'Lobby T46S' } })).json()) as { secret: string; username: string };
  secret = cred.secret;
  username = cred.username;
  auth = `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}`;
});
afterAll(() => core?.close());

const phone = (path: string, headers: Record<string, string> = {}) => core.request(path, { anonymous: true, headers: { authorization: auth, 'user-agent': 'Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56', ...headers } });

test('a phone fetches the remote phonebook: valid XML, utf-8, ETag, then 304; an edit shows at the next fetch', async () => {
  const res = await phone(`/directory/${phonebookId}/yealink`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
  const doc = parseXml(await res.text()).YealinkIPPhoneBook;
  expect(doc.Title).toBe('Everyone');
  expect(doc.Menu.map((m: any) => m['@Name'])).toEqual(['Support', 'Vertrieb']);
  expect(doc.Menu[1].Unit.map((u: any) => [u['@Name'], u['@Phone1'], u['@Phone2']])).toEqual([
    ['Smith & Sons <UK>', '+442079460958', ''],
    ['Jürgen Weiß', '0301234567', '01707654321'],
  ]);
  const etag = res.headers.get('etag')!;
  expect((await phone(`/directory/${phonebookId}/yealink`, { 'if-none-match': etag })).status).toBe(304);

  const jid = ((await (await core.request('/api/v1/contacts?q=weiss')).json()) as { items: { id: string }[] }).items[0]!.id;
  await core.request(`/api/v1/contacts/${jid}`, { method: 'PATCH', json: { firstName: 'Jörg' } });
  const after = await phone(`/directory/${phonebookId}/yealink`, { 'if-none-match': etag });
  expect(after.status).toBe(200);
  expect(await after.text()).toContain('Name="Jörg Weiß"');
});

test('the other variants, the search URL as the phone sends it, and the token URL', async () => {
  const dir = parseXml(await (await phone(`/directory/${phonebookId}/yealink/directory`)).text()).YealinkIPPhoneDirectory;
  expect(dir.DirectoryEntry.map((e: any) => e.Name)).toEqual(['Smith & Sons <UK>', 'Jörg Weiß', 'Ана Иванова']); // Latin before Cyrillic (Unicode collation)
  const local = parseXml(await (await phone(`/directory/${phonebookId}/yealink/local`)).text()).vp_contact;
  expect(local.root_contact.contact).toHaveLength(3);
  // Yealink replaces #SEARCH in the configured URL with what the user typed.
  const configured = `/directory/${phonebookId}/yealink?q=#SEARCH`;
  const search = await phone(configured.replace('#SEARCH', encodeURIComponent('joerg weiss').replace('joerg', 'jorg')));
  const found = parseXml(await search.text()).YealinkIPPhoneBook;
  expect(found.Menu).toHaveLength(1);
  expect(found.Menu[0].Unit.map((u: any) => u['@Name'])).toEqual(['Jörg Weiß']);
  const byToken = await core.request(`/directory/t/${secret}/yealink`, { anonymous: true });
  expect(byToken.status).toBe(200);
  expect(parseXml(await byToken.text()).YealinkIPPhoneBook.Title).toBe('Everyone');
});

test('caller ID: the plain name from any written form of the number', async () => {
  const res = await phone(`/directory/${phonebookId}/yealink/lookup?number=${encodeURIComponent('004930 1234567')}`);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('Jörg Weiß');
});

test('admin API: URLs, provisioning snippet with the credential user name; options switch the format', async () => {
  const body = (await (await core.request(`/api/v1/phonebooks/${phonebookId}/directory`)).json()) as { vendors: { vendor: string; variants: string[]; urls: Record<string, string>; provisioning: { text: string }; options: Record<string, unknown> }[] };
  const y = body.vendors.find((v) => v.vendor === 'yealink')!;
  expect(y.variants).toEqual(['phonebook', 'directory', 'local']);
  expect(y.urls.search).toBe(`http://localhost/directory/${phonebookId}/yealink?q=#SEARCH`);
  expect(y.provisioning.text).toContain(`remote_phonebook.data.1.url = http://localhost/directory/${phonebookId}/yealink\n`);
  expect(y.provisioning.text).toContain(`remote_phonebook.data.1.username = ${username}\n`);
  expect(y.provisioning.text).toContain('features.remote_phonebook.enable = 1');
  expect(y.options.format).toBe('phonebook');

  const bad = await core.request(`/api/v1/phonebooks/${phonebookId}/directory/yealink`, { method: 'PUT', json: { format: 'excel' } });
  expect(bad.status).toBe(422);
  expect(((await bad.json()) as { field: string }).field).toBe('format');
  expect((await core.request(`/api/v1/phonebooks/${phonebookId}/directory/yealink`, { method: 'PUT', json: { format: 'directory', numberTypes: ['mobile'] } })).status).toBe(200);
  const xml = await (await phone(`/directory/${phonebookId}/yealink`)).text();
  const dir = parseXml(xml).YealinkIPPhoneDirectory;
  expect(dir.DirectoryEntry).toEqual([{ Name: 'Jörg Weiß', Telephone: [{ '@label': 'Mobile', '#text': '01707654321' }] }]);
});
