/**
 * The CSV plugin on a real core (in-memory SQLite, or PostgreSQL when
 * DIALBOOK_TEST_DATABASE_URL is set), observed through the HTTP API.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemActor, type ContactDto, type HistoryDto, type NotificationDto, type SyncResult } from '@dialbook/core';
import { createTestCore, spyEvents, type TestCore } from '@dialbook/core/testing';
import csv from '@dialbook/example-csv';

const HEADER = 'id,first_name,last_name,organization,department,title,email,work,mobile,home,tags';
const ANNA = 'E1,Anna,Müller,Beispiel GmbH,Sales,Head of Sales,anna.mueller@beispiel.de,030 1234567,0171 2345678,,sales;vip';
const SEAN = "E2,Seán,O'Connor,Beispiel GmbH,Support,Support Engineer,sean.oconnor@beispiel.de,030 1234568,,,support";
const DESK = 'E3,,,Beispiel GmbH – Empfang,Facilities,,,030 1234500,,,reception';
const DEMO_CSV = fileURLToPath(new URL('../demo-contacts.csv', import.meta.url));

let dir: string;
let file: string;
let core: TestCore | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dialbook-csv-'));
  file = join(dir, 'staff.csv');
});

afterEach(async () => {
  await core?.close();
  core = undefined;
  await rm(dir, { recursive: true, force: true });
});

const writeCsv = (...rows: string[]) => writeFile(file, `${[HEADER, ...rows].join('\n')}\n`);

async function start(options: Record<string, unknown> = {}): Promise<TestCore> {
  core = await createTestCore({ plugins: { staff: { plugin: csv, options: { file, site: 'test', syncOnStart: false, ...options } } } });
  return core;
}

/** Run the registered contact source, as the core's scheduler would. */
const sync = (c: TestCore): Promise<SyncResult> => c.dialbook.registries.contactSources.require('staff').sync!({ siteId: c.site.id, actor: systemActor });

async function getJson<T>(c: TestCore, path: string, init?: RequestInit & { json?: unknown }): Promise<T> {
  const res = await c.request(path, init);
  expect(res.status, `${init?.method ?? 'GET'} ${path}`).toBe(200);
  return (await res.json()) as T;
}

const csvContacts = async (c: TestCore, status: 'active' | 'deleted' | 'all' = 'active') =>
  (await getJson<{ items: ContactDto[] }>(c, `/api/v1/contacts?siteId=${c.site.id}&source=csv&status=${status}&pageSize=100`)).items;
const byExternalId = async (c: TestCore, externalId: string) => (await csvContacts(c, 'all')).find((x) => x.externalId === externalId)!;
const historyOf = async (c: TestCore, id: string) => (await getJson<{ items: HistoryDto[] }>(c, `/api/v1/contacts/${id}/history`)).items;
const notifications = async (c: TestCore) => (await getJson<{ items: NotificationDto[] }>(c, '/api/v1/notifications')).items;
const counts = (partial: Partial<SyncResult>): SyncResult => ({ created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0, ...partial });

describe('first sync', () => {
  it('creates the contacts of the file, with names, numbers, e-mails and tags', async () => {
    await writeCsv(ANNA, SEAN, DESK);
    const c = await start();
    const events = spyEvents(c, ['sync.finished']);

    expect(await sync(c)).toEqual(counts({ created: 3 }));
    expect(events.of('sync.finished')).toEqual([{ source: 'csv', siteId: c.site.id, ...counts({ created: 3 }) }]);

    const contacts = await csvContacts(c);
    expect(contacts.map((x) => x.displayName).sort()).toEqual(['Anna Müller', 'Beispiel GmbH – Empfang', "Seán O'Connor"]);
    const anna = contacts.find((x) => x.externalId === 'E1')!;
    expect(anna).toMatchObject({
      siteId: c.site.id,
      source: 'csv',
      firstName: 'Anna',
      lastName: 'Müller',
      organization: 'Beispiel GmbH',
      department: 'Sales',
      title: 'Head of Sales',
      emails: ['anna.mueller@beispiel.de'],
      tags: ['sales', 'vip'],
      phones: [
        { type: 'work', number: '030 1234567', e164: '+49301234567' },
        { type: 'mobile', number: '0171 2345678', e164: '+491712345678' },
      ],
    });
    expect(contacts.find((x) => x.externalId === 'E3')).toMatchObject({ firstName: null, lastName: null, organization: 'Beispiel GmbH – Empfang' });

    // The file held national numbers; the international form finds the contact.
    const found = await getJson<{ items: ContactDto[] }>(c, `/api/v1/contacts/lookup?number=${encodeURIComponent('+49 30 1234567')}`);
    expect(found.items.map((x) => x.externalId)).toEqual(['E1']);
    const mobile = await getJson<{ items: ContactDto[] }>(c, `/api/v1/contacts/lookup?number=${encodeURIComponent('+491712345678')}&siteId=${c.site.id}`);
    expect(mobile.items.map((x) => x.displayName)).toEqual(['Anna Müller']);
    // Accent-insensitive search reaches the imported names.
    const search = await getJson<{ items: ContactDto[] }>(c, '/api/v1/contacts?q=muller');
    expect(search.items.map((x) => x.externalId)).toEqual(['E1']);

    const history = await historyOf(c, anna.id);
    expect(history).toEqual([expect.objectContaining({ field: 'created', actor: 'plugin:staff', actorName: 'plugin staff' })]);
  });

  it('a second sync of the same file changes nothing', async () => {
    await writeCsv(ANNA, SEAN);
    const c = await start();
    await sync(c);
    const before = await byExternalId(c, 'E1');
    expect(await sync(c)).toEqual(counts({ unchanged: 2 }));
    const after = await byExternalId(c, 'E1');
    expect(after.version).toBe(before.version);
    expect(await historyOf(c, after.id)).toHaveLength(1);
  });
});

describe('re-sync after the file changed', () => {
  it('updates changed rows with History, creates new ones and soft-deletes removed ones', async () => {
    await writeCsv(ANNA, SEAN, DESK);
    const c = await start();
    await sync(c);
    const desk = await byExternalId(c, 'E3');

    // Anna: new title, mobile gone; Seán unchanged; the desk removed; Björn new.
    await writeCsv(
      'E1,Anna,Müller,Beispiel GmbH,Sales,Vertriebsleiterin,anna.mueller@beispiel.de,030 1234567,,,sales;vip',
      SEAN,
      'E4,Björn,Köhler,Beispiel GmbH,Sales,Innendienst,bjoern.koehler@beispiel.de,030 1234569,,,sales',
    );
    expect(await sync(c)).toEqual(counts({ created: 1, updated: 1, deleted: 1, unchanged: 1 }));

    const anna = await byExternalId(c, 'E1');
    expect(anna.title).toBe('Vertriebsleiterin');
    expect(anna.phones.map((p) => p.type)).toEqual(['work']);
    const history = await historyOf(c, anna.id);
    expect(history.find((h) => h.field === 'title')).toMatchObject({ old: 'Head of Sales', new: 'Vertriebsleiterin', actor: 'plugin:staff' });
    expect(history.find((h) => h.field === 'phones')).toBeDefined();
    expect(history.at(-1)?.field).toBe('created');

    const deleted = await getJson<ContactDto>(c, `/api/v1/contacts/${desk.id}`);
    expect(deleted.deleted).toBe(true);
    expect((await historyOf(c, desk.id))[0]).toMatchObject({ field: 'deleted', actor: 'plugin:staff' });
    expect((await csvContacts(c)).map((x) => x.externalId).sort()).toEqual(['E1', 'E2', 'E4']);
    // A deleted contact no longer answers a lookup.
    expect((await getJson<{ items: ContactDto[] }>(c, `/api/v1/contacts/lookup?number=${encodeURIComponent('+49301234500')}`)).items).toEqual([]);

    // The row comes back: the contact is restored (reported as updated and restored).
    await writeCsv(ANNA, SEAN, DESK, 'E4,Björn,Köhler,Beispiel GmbH,Sales,Innendienst,bjoern.koehler@beispiel.de,030 1234569,,,sales');
    const res = await getJson<{ ok: boolean; message: string; data: SyncResult & { restored: number } }>(c, '/api/v1/actions/staff.sync', { method: 'POST' });
    expect(res.data).toMatchObject({ created: 0, updated: 2, deleted: 0, unchanged: 2, failed: 0, restored: 1 });
    expect(res.message).toContain('(1 restored)');
    expect((await getJson<ContactDto>(c, `/api/v1/contacts/${desk.id}`)).deleted).toBe(false);
    expect((await historyOf(c, desk.id))[0]).toMatchObject({ field: 'restored' });
  });

  it('leaves contacts of other sources alone', async () => {
    await writeCsv(ANNA);
    const c = await start();
    const manual = await c.request('/api/v1/contacts', { method: 'POST', json: { siteId: c.site.id, firstName: 'Hand', lastName: 'Made', phones: [{ number: '030 9999999' }] } });
    expect(manual.status).toBe(201);
    await sync(c);
    await writeCsv(SEAN);
    expect(await sync(c)).toEqual(counts({ created: 1, deleted: 1 }));
    const all = await getJson<{ items: ContactDto[] }>(c, `/api/v1/contacts?siteId=${c.site.id}`);
    expect(all.items.map((x) => x.displayName).sort()).toEqual(['Hand Made', "Seán O'Connor"]);
  });
});

describe('safety', () => {
  it('an empty file deletes nothing and leaves a warning notification', async () => {
    await writeCsv(ANNA, SEAN);
    const c = await start();
    await sync(c);

    await writeFile(file, '');
    expect(await sync(c)).toEqual(counts({}));
    expect((await csvContacts(c)).map((x) => x.externalId).sort()).toEqual(['E1', 'E2']);
    const warnings = (await notifications(c)).filter((n) => n.level === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ siteId: c.site.id, title: expect.stringContaining('nothing was deleted') });
    expect(warnings[0]!.body).toContain('holds 2 contact(s)');

    // The same through the action: reported as not ok.
    await writeCsv();
    const res = await getJson<{ ok: boolean; message: string }>(c, '/api/v1/actions/staff.sync', { method: 'POST' });
    expect(res.ok).toBe(false);
    expect(res.message).toMatch(/nothing was deleted/);
    expect(await csvContacts(c)).toHaveLength(2);
  });

  it('a file whose every row is invalid deletes nothing either', async () => {
    await writeCsv(ANNA, SEAN);
    const c = await start();
    await sync(c);
    await writeCsv(',Anna,Müller', 'E9,,,,,,not-an-address');
    expect(await sync(c)).toEqual(counts({ failed: 2 }));
    expect(await csvContacts(c)).toHaveLength(2);
  });

  it('an empty file on a site without CSV contacts is simply nothing to do', async () => {
    await writeCsv();
    const c = await start();
    expect(await sync(c)).toEqual(counts({}));
    expect(await notifications(c)).toEqual([]);
  });

  it('an unreadable file is an error and deletes nothing', async () => {
    await writeCsv(ANNA);
    const c = await start();
    await sync(c);
    await rm(file);
    await expect(sync(c)).rejects.toThrow(/plugin "staff": cannot read .*staff\.csv: ENOENT/);
    const res = await getJson<{ ok: boolean; message: string }>(c, '/api/v1/actions/staff.sync', { method: 'POST' });
    expect(res).toMatchObject({ ok: false, message: expect.stringMatching(/cannot read .*ENOENT/) });
    expect(await csvContacts(c)).toHaveLength(1);
  });
});

describe('bad rows', () => {
  it('are counted as failed, with their line, while the other rows import', async () => {
    await writeCsv(
      ANNA, // line 2
      'E2,Seán,Murphy,,,,sean@@example,030 1234568,,,', // line 3: invalid e-mail
      ',Nobody,Without-Id,,,,,,,,', // line 4: no id
      'E5,Too,Many,,,,,,,,,extra,fields', // line 5: more fields than the header
      'E1,Anna,Again,,,,,,,,', // line 6: the id again
      'E6,Dörte,Großmann,Beispiel GmbH,Facilities,,,030 1234570,,,', // line 7
    );
    const c = await start();
    expect(await sync(c)).toEqual(counts({ created: 2, failed: 4 }));
    expect((await csvContacts(c)).map((x) => x.externalId).sort()).toEqual(['E1', 'E6']);
    expect((await byExternalId(c, 'E1')).lastName).toBe('Müller');

    const [note] = (await notifications(c)).filter((n) => n.level === 'warning');
    expect(note?.title).toContain('4 row(s)');
    const lines = note!.body!.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^line 3 \(id "E2"\): email "sean@@example": /),
        expect.stringMatching(/^line 4: id: missing/),
        expect.stringMatching(/^line 5: .*columns length is 11, got 13/),
        expect.stringMatching(/^line 6 \(id "E1"\): id "E1" appears again \(first on line 2\)/),
      ]),
    );
  });

  it('keep the contact they name instead of deleting it', async () => {
    await writeCsv(ANNA, SEAN);
    const c = await start();
    await sync(c);
    await writeCsv(ANNA, "E2,Seán,O'Connor,Beispiel GmbH,Support,Support Engineer,sean.oconnor@beispiel.de,030 CALL-ME,,,support");
    expect(await sync(c)).toEqual(counts({ unchanged: 1, failed: 1 }));
    const sean = await byExternalId(c, 'E2');
    expect(sean.deleted).toBe(false);
    expect(sean.phones[0]!.number).toBe('030 1234568');
  });

  it('line numbers count quoted line breaks', async () => {
    await writeCsv('E1,Anna,Müller,,,"Head of\nSales",,,,,', 'E2,Bad,Mail,,,,nope,,,,');
    const c = await start();
    expect(await sync(c)).toEqual(counts({ created: 1, failed: 1 }));
    expect((await byExternalId(c, 'E1')).title).toBe('Head of\nSales');
    const [note] = (await notifications(c)).filter((n) => n.level === 'warning');
    expect(note!.body).toMatch(/^line 4 \(id "E2"\)/);
  });
});

describe('action, source and options', () => {
  it('runs the registered action through POST /api/v1/actions/staff.sync', async () => {
    await writeCsv(ANNA, SEAN, DESK);
    const c = await start();
    const plugins = await getJson<{ items: { id: string; contactSources: string[]; actions: { id: string; label: string }[] }[] }>(c, '/api/v1/plugins');
    expect(plugins.items).toEqual([expect.objectContaining({ id: 'staff', contactSources: ['staff'], actions: [expect.objectContaining({ id: 'staff.sync', label: 'Sync now' })] })]);

    const res = await getJson<{ ok: boolean; message: string; data: SyncResult }>(c, '/api/v1/actions/staff.sync', { method: 'POST' });
    expect(res).toMatchObject({ ok: true, message: '3 created, 0 updated, 0 deleted, 0 unchanged, 0 failed', data: counts({ created: 3 }) });
    expect(await csvContacts(c)).toHaveLength(3);

    // A site named in the request body.
    const other = await c.dialbook.sites.create({ name: 'Branch', slug: 'branch', defaultCountry: 'DE' });
    const res2 = await getJson<{ ok: boolean; data: SyncResult }>(c, '/api/v1/actions/staff.sync', { method: 'POST', json: { siteId: other.id } });
    expect(res2).toMatchObject({ ok: true, data: counts({ created: 3 }) });
    expect((await getJson<{ total: number }>(c, `/api/v1/contacts?siteId=${other.id}&source=csv`)).total).toBe(3);
    expect(await csvContacts(c)).toHaveLength(3);
  });

  it('"Sync now" runs as the tracked sync job of the site (GET /api/v1/jobs)', async () => {
    await writeCsv(ANNA, SEAN, DESK);
    const c = await start();
    type Job = { id: string; label: string; owner: string; status: string; done: number; result: unknown };
    const jobs = () => getJson<{ running: Job[]; finished: Job[] }>(c, '/api/v1/jobs');
    expect((await jobs()).finished).toEqual([]);
    await getJson(c, '/api/v1/actions/staff.sync', { method: 'POST' });
    expect((await jobs()).finished).toEqual([expect.objectContaining({ id: `staff.sync:${c.site.id}`, label: 'CSV file staff.csv: sync of site "test"', owner: 'staff', status: 'succeeded', done: 3 })]);
    // The same job as the core's sources route: one id per source and site.
    await getJson(c, '/api/v1/sources/staff/sync', { method: 'POST', json: { siteId: c.site.id } });
    expect((await jobs()).finished.map((j) => j.id)).toEqual([`staff.sync:${c.site.id}`, `staff.sync:${c.site.id}`]);
    // A file that cannot be read: the action says so, and its job failed.
    await rm(file);
    expect(await getJson(c, '/api/v1/actions/staff.sync', { method: 'POST' })).toMatchObject({ ok: false, message: expect.stringMatching(/^plugin "staff": cannot read staff\.csv: ENOENT/) });
    expect((await jobs()).finished[0]).toMatchObject({ id: `staff.sync:${c.site.id}`, status: 'failed' });
  });

  it('a site-limited user sees the action only for its own site, and no server path in what is shown', async () => {
    await writeCsv(ANNA);
    const c = await start();
    const branch = await c.dialbook.sites.create({ name: 'Branch', slug: 'branch', defaultCountry: 'DE' });
    const actionsFor = async (request: TestCore['request']) => {
      const res = await request('/api/v1/plugins');
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: { id: string; actions: { id: string; description: string | null }[] }[] }).items.find((p) => p.id === 'staff')!.actions;
    };
    const here = await c.createUser({ role: 'user', siteIds: [c.site.id] });
    const elsewhere = await c.createUser({ role: 'user', siteIds: [branch.id] });
    expect(await actionsFor(here.request)).toEqual([{ id: 'staff.sync', label: 'Sync now', description: 'Read the CSV file staff.csv and bring site "test" in step with it', scope: 'plugin', when: null }]);
    expect(await actionsFor(elsewhere.request)).toEqual([]);
    expect((await actionsFor(c.request)).map((a) => a.id)).toEqual(['staff.sync']);
    const shown = JSON.stringify(await (await here.request('/api/v1/plugins')).json());
    expect(shown).not.toContain(dir);

    // Notifications a site's users read name the file, not where it lies on the server.
    await writeCsv(ANNA, 'E9,,,,,,not-an-address,,,,');
    await sync(c);
    const note = (await notifications(c)).find((n) => n.level === 'warning')!;
    expect(note.title).toBe('CSV "staff": 1 row(s) of staff.csv could not be imported');
    expect(JSON.stringify(note)).not.toContain(dir);
  });

  it('reads a semicolon-separated file with a byte-order mark and CRLF line ends', async () => {
    // Lists separated by `;` must be quoted when `;` is also the delimiter; an unquoted one is a row with too many fields.
    await writeFile(file, '\uFEFFID;First Name;Last Name;Work;Email\r\nE1;Anna;Müller;030 1234567;"a@example.com; b@example.com"\r\nE2;Seán;Murphy;030 1234568;c@example.com; d@example.com\r\n', 'utf8');
    const c = await start({ delimiter: ';' });
    expect(await sync(c)).toEqual(counts({ created: 1, failed: 1 }));
    expect(await byExternalId(c, 'E1')).toMatchObject({ lastName: 'Müller', emails: ['a@example.com', 'b@example.com'], phones: [expect.objectContaining({ e164: '+49301234567' })] });
    const [note] = (await notifications(c)).filter((n) => n.level === 'warning');
    expect(note!.body).toMatch(/^line 3: .*columns length is 5, got 6/);
  });

  it("the source's test reports whether the file is readable and how many rows it has", async () => {
    await writeCsv(ANNA, SEAN, '', DESK);
    const c = await start();
    const source = c.dialbook.registries.contactSources.require('staff');
    expect(await source.test!()).toEqual({ ok: true, message: `${file} is readable: 3 data row(s)` });
    await writeFile(file, 'name,phone\nAnna,030 1\n');
    expect(await source.test!()).toEqual({ ok: false, message: expect.stringMatching(/the header row has no "id" column \(found: "name", "phone"/) });
    await rm(file);
    expect(await source.test!()).toEqual({ ok: false, message: expect.stringMatching(/^plugin "staff": cannot read .*staff\.csv: ENOENT/) });
  });

  it('a bad option makes start-up fail, naming plugin, key, expected and found', async () => {
    await expect(start({ file: 42 })).rejects.toThrow('plugin "staff" (example-csv): option "file": expected string, found number 42');
    const err = await start({ file: 42, site: 'Main Office', syncOnStart: 'yes' }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message.split('\n')).toEqual([
      'plugin "staff" (example-csv): option "file": expected string, found number 42',
      'plugin "staff" (example-csv): option "site": expected a site slug (lower-case letters, digits and dashes), found "Main Office"',
      'plugin "staff" (example-csv): option "syncOnStart": expected boolean, found "yes"',
    ]);
  });

  it('an unknown site slug is an error naming the slug', async () => {
    await writeCsv(ANNA);
    const c = await start({ site: 'nowhere' });
    const res = await getJson<{ ok: boolean; message: string }>(c, '/api/v1/actions/staff.sync', { method: 'POST' });
    expect(res).toEqual({ ok: false, message: 'plugin "staff": site "nowhere" does not exist (option "site"; existing sites: test)' });
    await c.close();
    core = undefined;
    // With syncOnStart the deployment refuses to start.
    await expect(start({ site: 'nowhere', syncOnStart: true })).rejects.toThrow(/plugin "staff" failed to start: plugin "staff": site "nowhere" does not exist/);
  });
});

describe('sync on start', () => {
  it('imports the demo file into the demo site when the core starts (relative path)', async () => {
    core = await createTestCore({ config: { demo: true, defaultCountry: 'DE' }, plugins: { staff: { plugin: csv, options: { file: relative(process.cwd(), DEMO_CSV), site: 'main' } } } });
    const main = (await core.dialbook.sites.findBySlug('main'))!;
    const page = await getJson<{ items: ContactDto[]; total: number }>(core, `/api/v1/contacts?siteId=${main.id}&source=csv&pageSize=100`);
    expect(page.total).toBe(12);
    expect(page.items.every((x) => x.phones.length > 0 && x.phones.every((p) => p.e164?.startsWith('+49')))).toBe(true);
    expect(page.items.map((x) => x.displayName)).toEqual(expect.arrayContaining(["Seán O'Connor", 'Zoë Müller-Lüdenscheidt', 'Çağla Yılmaz', 'Beispiel GmbH – Empfang']));
    expect(await notifications(core)).toEqual([]);
    // The demo phonebook "Sales" (saved filter department = Sales) now lists the CSV's sales people too.
    const sales = (await core.dialbook.phonebooks.list(main.id)).find((p) => p.slug === 'sales')!;
    const members = await getJson<{ items: ContactDto[] }>(core, `/api/v1/phonebooks/${sales.id}/members`);
    expect(members.items.filter((x) => x.source === 'csv').map((x) => x.lastName).sort()).toEqual(['Köhler', 'Lefèvre', 'Yılmaz']);
  });

  it('the start-up sync is a tracked job too, and its notification names no server path', async () => {
    core = await createTestCore({ config: { demo: true, defaultCountry: 'DE' }, plugins: { staff: { plugin: csv, options: { file: relative(process.cwd(), DEMO_CSV), site: 'main' } } } });
    const main = (await core.dialbook.sites.findBySlug('main'))!;
    const jobs = await getJson<{ finished: { id: string; status: string; done: number }[] }>(core, '/api/v1/jobs');
    expect(jobs.finished).toEqual([expect.objectContaining({ id: `staff.sync:${main.id}`, status: 'succeeded', done: 12 })]);
    await core.close();
    core = await createTestCore({ config: { demo: true }, plugins: { staff: { plugin: csv, options: { file: join(dir, 'missing.csv'), site: 'main' } } } });
    const [note] = await notifications(core);
    expect(note!.body).toMatch(/^plugin "staff": cannot read missing\.csv: ENOENT/);
    expect(note!.body).not.toContain(dir);
  });

  it('a missing file does not stop the core from starting: it logs and notifies', async () => {
    core = await createTestCore({ config: { demo: true }, plugins: { staff: { plugin: csv, options: { file: join(dir, 'missing.csv'), site: 'main' } } } });
    const [note] = await notifications(core);
    expect(note).toMatchObject({ level: 'error', title: 'CSV "staff": start-up sync failed', body: expect.stringMatching(/missing\.csv: ENOENT/) });
    expect((await core.request('/healthz')).status).toBe(200);
  });
});
