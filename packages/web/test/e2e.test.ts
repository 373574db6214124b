/**
 * End-to-end: the built admin app (packages/web/dist) in Debian's Chromium (`/usr/bin/chromium`, driven by
 * playwright-core), served by a real core listening on a port, on the test database of this pass (SQLite or
 * PostgreSQL), mailing through a real SMTP server (smtp-server). The administrator is created through the
 * API; everything else happens in the browser, as a person would do it.
 *
 * Fails on any console error or page error in the browser, except the failed requests a step provokes on
 * purpose (listed with that step). Screenshots of the main pages go to packages/web/test/screenshots/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definePlugin, listen, systemActor, type RunningServer } from '@dialbook/core';
import { createTestCore, testDatabaseKind, type TestCore } from '@dialbook/core/testing';
import { VENDOR_WS_PATH, VendorServiceClient, type ConfigureMessage, type EnablementMessage } from '@dialbook/core/vendor-protocol';
import csvPlugin from '@dialbook/example-csv';
import yealinkPlugin from '@dialbook/plugin-yealink';
import { TestSmtp } from '../../core/test/support/smtp.js';

const CHROMIUM = process.env.DIALBOOK_CHROMIUM ?? '/usr/bin/chromium';
const DIST = fileURLToPath(new URL('../dist/index.html', import.meta.url));
const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const CSV = fileURLToPath(new URL('../../../examples/minimal/demo-contacts.csv', import.meta.url));
const CI = process.env.CI === 'true' || process.env.CI === '1';

const missing = [!existsSync(CHROMIUM) && `Chromium at ${CHROMIUM} (apt-get install chromium)`, !existsSync(DIST) && `the built app at ${DIST} (npm run build)`].filter(Boolean);
if (missing.length && CI) throw new Error(`web e2e: missing ${missing.join(' and ')}; CI requires it`);
if (missing.length) console.warn(`\n!!! SKIPPED the web end-to-end tests: missing ${missing.join(' and ')} !!!\n`);

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** Can a TCP connection be opened to 127.0.0.1:port? Throws the connect error (ECONNREFUSED) when not. */
const tcpProbe = (port: number) =>
  new Promise<{ ok: boolean; message: string }>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true, message: `127.0.0.1:${port} accepts connections` });
    });
    socket.once('error', reject);
  });

describe.skipIf(missing.length > 0)(`admin app in Chromium (${testDatabaseKind()})`, () => {
  const smtp = new TestSmtp();
  let core: TestCore;
  let server: RunningServer;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Console and page errors; `expected` lists failed requests a step provokes on purpose (`422 /api/v1/contacts`). */
  const problems: string[] = [];
  const expected = new Set<string>();
  const email = 'ana.admin@example.com';
  const password = 'first-password-123';
  const newPassword = 'second-password-456';
  /** The Reception phonebook's phone credential, as the page showed it once when it was created. */
  const phoneCredential = { username: '', secret: '' };

  const shot = async (name: string) => {
    await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
  };
  /** The link to `path` (`/signup`, `/reset-password`) in the newest mail to `to` that has one, waiting for it. */
  const linkFromMail = async (to: string, path: string, after = 0): Promise<string> => {
    const find = () =>
      smtp
        .to(to)
        .slice(after)
        .map((m) => /https?:\/\/\S+/.exec(m.text)?.[0])
        .filter((l): l is string => !!l && new URL(l).pathname === path)
        .at(-1);
    for (let i = 0; i < 100 && !find(); i++) {
      await core.dialbook.mail.flush();
      await new Promise((r) => setTimeout(r, 100));
    }
    const link = find();
    expect(link, `a mail to ${to} with a ${path} link`).toBeDefined();
    return link!;
  };

  /** A port nothing listens on: the relay probe's second check fails against it. */
  let closedPort = 0;
  /** Real health checks (TCP connects), so the Plugins page has a passing and a failing one to show. */
  const relayProbe = definePlugin({
    name: 'relay-probe',
    description: 'Checks that the mail relays accept connections',
    setup(ctx) {
      ctx.health.register({ id: 'primary', label: 'Primary mail relay', check: () => tcpProbe(smtp.port) });
      ctx.health.register({ id: 'backup', label: 'Backup mail relay', check: () => tcpProbe(closedPort) });
    },
  });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await smtp.start();
    const port = await freePort();
    closedPort = await freePort();
    base = `http://127.0.0.1:${port}`;
    core = await createTestCore({
      config: { server: { publicUrl: base } },
      plugins: { staff: { plugin: csvPlugin, options: { file: CSV, site: 'test' } }, yealink: yealinkPlugin, probe: relayProbe },
    });
    // Mail goes to the test SMTP server: set through the API by the administrator createTestCore made.
    const res = await core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' }, from: { address: 'dialbook@example.com' } } });
    expect(res.status).toBe(200);
    server = await listen(core.dialbook, { port, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const failed = /status of (\d{3})/.exec(msg.text())?.[1];
      const where = msg.location().url ? new URL(msg.location().url).pathname : '';
      if (failed && expected.has(`${failed} ${where}`)) return;
      problems.push(`console error: ${msg.text()} ${msg.location().url ?? ''}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (server) await new Promise<void>((resolve) => server.server.close(() => resolve()));
    await core?.close();
    await smtp.stop();
  });

  test('the core serves the app at / and client routes, with the API first', async () => {
    const index = await fetch(`${base}/contacts?x=1`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(base + asset);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.headers.get('content-type')).toContain('javascript');
    // The build wrote brotli and gzip copies; the best one the client accepts is sent.
    expect(js.headers.get('vary')).toBe('Accept-Encoding');
    expect((await fetch(base + asset, { headers: { 'accept-encoding': 'gzip, deflate, br' } })).headers.get('content-encoding')).toBe('br');
    expect((await fetch(base + asset, { headers: { 'accept-encoding': 'gzip' } })).headers.get('content-encoding')).toBe('gzip');
    expect((await fetch(`${base}/assets/%ff.js`)).status).toBe(400);
    expect((await fetch(`${base}/api/v1/nope`)).headers.get('content-type')).toContain('problem+json');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  test('an administrator created through the API signs up from the mailed link', async () => {
    const created = await core.request('/api/v1/users', { method: 'POST', json: { email, firstName: 'Ana', lastName: 'Admin', role: 'admin' } });
    expect(created.status).toBe(201);
    const link = await linkFromMail(email, '/signup');
    await page.goto(link);
    await page.getByRole('heading', { name: /set your password/i }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('New password again').fill('short');
    expected.add('422 /api/v1/auth/signup');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByText('a password needs at least 10 characters').waitFor();
    await shot('signup');
    await page.getByLabel('New password', { exact: true }).fill(password);
    await page.getByLabel('New password again').fill(password);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await page.getByText(email).waitFor();
  });

  test('contacts: the list with search, filters and sorting', async () => {
    // The CSV plugin synced the demo file on start.
    await page.getByRole('link', { name: 'Schäfer, Jürgen' }).waitFor();
    await shot('contacts');
    await page.getByLabel('Search contacts').fill('weiss');
    await page.waitForURL(/q=weiss/);
    await page.getByRole('link', { name: 'Weiß, Anja' }).waitFor();
    await expect.poll(() => page.locator('table.data tbody tr').count()).toBe(1);
    await page.getByLabel('Search contacts').fill('');
    await page.locator('summary', { hasText: 'Filters' }).click();
    await page.getByRole('combobox', { name: 'Department' }).fill('Management');
    await page.getByRole('combobox', { name: 'Department' }).press('Enter');
    await page.waitForURL(/department=Management/);
    const rows = page.locator('table.data tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(1);
    for (const text of await rows.allTextContents()) expect(text).toContain('Management');
    const names = () => rows.locator('td:first-child a').allTextContents();
    const ascending = await names();
    await page.getByRole('button', { name: /^Name/ }).click();
    await page.waitForURL(/order=desc/);
    await expect.poll(names).toEqual([...ascending].reverse());
    await page.goto(`${base}/contacts`);
  });

  test('create a contact: field-level messages from the API, then saved', async () => {
    await page.getByRole('link', { name: 'New contact' }).click();
    await page.getByLabel('First name').fill('Berta');
    await page.getByLabel('Last name').fill('Beispiel');
    await page.getByLabel('Department').fill('Support');
    await page.getByLabel('Number 1', { exact: true }).fill('030 1234567');
    await page.getByLabel('E-mail 1', { exact: true }).fill('not-an-address');
    expected.add('422 /api/v1/contacts');
    await page.getByRole('button', { name: 'Create contact' }).click();
    const emailField = page.locator('.field.invalid', { has: page.getByLabel('E-mail 1', { exact: true }) });
    await emailField.locator('.field-error').waitFor();
    await shot('contact-form-errors');
    await page.getByLabel('E-mail 1', { exact: true }).fill('berta@example.com');
    await page.getByRole('button', { name: 'Create contact' }).click();
    await page.getByRole('heading', { name: 'Berta Beispiel' }).waitFor();
    await page.getByRole('list', { name: 'History' }).getByText('Created').waitFor();
  });

  test('edit it and see the change in its History', async () => {
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Department').fill('Sales');
    await page.getByLabel('Tags').fill('vip, key-account');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Berta Beispiel' }).waitFor();
    const history = page.getByRole('list', { name: 'History' });
    await history.getByText('department').waitFor();
    await expect.poll(() => history.textContent()).toMatch(/Support.*→.*Sales/);
    await history.getByText(`by ${email}`).first().waitFor();
    await shot('contact-detail');
  });

  test('delete it with confirmation, find it among the deleted, restore it', async () => {
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('It can be restored later').waitFor();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.locator('h1 .badge', { hasText: 'deleted' }).waitFor();
    await page.getByRole('link', { name: 'Contacts' }).first().click();
    await page.getByRole('button', { name: 'Deleted' }).click();
    await page.waitForURL(/status=deleted/);
    const row = page.locator('tr', { hasText: 'Beispiel, Berta' });
    await row.waitFor();
    await shot('contacts-deleted');
    await row.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Restore' }).click();
    await page.getByText('No deleted contacts.').waitFor();
    await page.getByRole('button', { name: 'Active' }).click();
    await page.getByRole('link', { name: 'Beispiel, Berta' }).click();
    await page.getByRole('list', { name: 'History' }).getByText('Restored').waitFor();
    const found = (await (await core.request('/api/v1/contacts?q=berta')).json()) as { items: { deleted: boolean }[] };
    expect(found.items[0]?.deleted).toBe(false);
  });

  test('change a setting in the form rendered from its schema, and preview and test-send mail', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'E-mail', level: 2 }).waitFor();
    await page.locator('details.schema-group', { hasText: 'Sender' }).first().locator('summary').first().waitFor();
    const name = page.getByLabel('Sender name', { exact: true });
    await name.fill('Dialbook Test Desk');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    const saved = (await (await core.request('/api/v1/settings/email')).json()) as { values: { from: { name: string } } };
    expect(saved.values.from.name).toBe('Dialbook Test Desk');
    // Secrets are write-only: the SMTP password shows only as "not set".
    await expect.poll(() => page.getByLabel(/^Password/).getAttribute('type')).toBe('password');
    await page.getByLabel('Draft subject').fill('Hello {first_name}');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByLabel('Preview').getByText(/Subject:\s*Hello/).waitFor();
    await page.getByLabel('Send test mail to').fill('desk@example.com');
    await page.getByRole('button', { name: 'Send test mail' }).click();
    await page.getByText(/Sent to desk@example.com/).waitFor();
    expect(smtp.to('desk@example.com')[0]?.headers.from).toContain('Dialbook Test Desk');
    await shot('settings-email');
  });

  test("run a plugin's action from the Plugins page and see its result; jobs and notifications", async () => {
    await page.getByRole('link', { name: 'Plugins' }).click();
    const card = page.locator('article', { hasText: 'staff' });
    await card.getByText('started').waitFor();
    await card.getByRole('button', { name: 'Sync now' }).click();
    const result = card.getByRole('status', { name: 'Sync now result' });
    await result.waitFor();
    expect(await result.textContent()).toMatch(/Done/);
    await shot('plugins');
    await page.getByRole('link', { name: 'Jobs' }).click();
    await page.getByRole('heading', { name: 'Finished' }).waitFor();
    await shot('jobs');
    // A notification raised on the server shows in the badge without a reload (the badge polls).
    await core.dialbook.notifications.notify({ level: 'warning', title: 'Directory server unreachable', body: 'checked from the e2e test' });
    await page.getByTestId('unread-count').waitFor({ timeout: 15_000 });
    await page.getByRole('link', { name: /Notifications, [1-9]\d* unread/ }).click();
    await page.getByText('Directory server unreachable').waitFor();
    await shot('notifications');
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByTestId('unread-count').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Clear all' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Clear all' }).click();
    await page.getByText('No notifications.').waitFor();
  });

  test('phonebooks with their phone credentials (shown once), sites and users', async () => {
    await page.getByRole('link', { name: 'Phonebooks' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Reception');
    await page.getByRole('button', { name: 'Create phonebook' }).click();
    await page.getByRole('heading', { name: 'Reception' }).waitFor();
    await page.getByLabel('New credential name').fill('Lobby phones');
    await page.getByRole('button', { name: 'Create credential' }).click();
    await page.getByText('Copy these now').waitFor();
    const shown = page.locator('.notice dd code');
    phoneCredential.username = (await shown.nth(0).textContent()) ?? '';
    phoneCredential.secret = (await shown.nth(1).textContent()) ?? '';
    expect(phoneCredential.username).not.toBe('');
    expect(phoneCredential.secret).not.toBe('');
    await page.getByRole('heading', { name: 'Directory URLs' }).waitFor();
    await page.locator('.card', { hasText: 'Directory URLs' }).locator('.state.loading').waitFor({ state: 'detached' });
    await shot('phonebook');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByText('Lobby phones').waitFor();
    await page.getByRole('link', { name: 'Sites' }).click();
    await page.getByRole('cell', { name: 'Test site', exact: true }).waitFor();
    await shot('sites');
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('E-mail').fill('bob.user@example.com');
    await page.locator('form', { hasText: 'Invite a user' }).getByLabel('Test site').check();
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Invited bob.user@example.com').waitFor();
    const bob = page.locator('tr', { hasText: 'bob.user@example.com' });
    await bob.getByRole('cell', { name: 'Test site', exact: true }).waitFor();
    await shot('users');
    expect(smtp.to('bob.user@example.com').length + 1).toBeGreaterThan(0);
  });

  test('directory URLs per vendor; a remote vendor service walked from setup to enabled; plugin health', async () => {
    const books = (await (await core.request('/api/v1/phonebooks')).json()) as { items: { id: string; name: string }[] };
    const book = books.items.find((b) => b.name === 'Reception')!;
    await page.goto(`${base}/phonebooks/${book.id}`);
    await page.getByRole('heading', { name: 'Reception', level: 1 }).waitFor();

    // In-process Yealink renderer: fetch URLs with the phonebook's credential user name, and the provisioning snippet.
    const urls = page.locator('.card', { hasText: 'Directory URLs' });
    await urls.getByRole('heading', { name: 'Yealink' }).waitFor();
    await urls.getByText(`${base}/directory/${book.id}/yealink`, { exact: true }).waitFor();
    await urls.getByText('Provisioning snippet').click();
    const snippet = urls.locator('pre').first();
    await snippet.waitFor();
    expect(await snippet.textContent()).toMatch(/remote_phonebook\.data\.\d+\.url = http:\/\/127\.0\.0\.1:\d+\/directory\/.*yealink/);
    expect(await snippet.textContent()).toContain('features.remote_phonebook.enable = 1');
    const vendorsCard = page.locator('.card', { hasText: 'Remote vendor services' });
    await vendorsCard.getByText('No remote vendor service is connected').waitFor();
    await shot('phonebook-directory');

    // A remote Yealink service (played by this test process with core's client) connects over the websocket,
    // as `dialbook-yealink` started elsewhere would; its fields cover every field type. The page sees it by polling.
    const key = (await core.dialbook.credentials.createServiceKey('yealink', null, 'e2e Yealink service', systemActor)).secret;
    const configured: ConfigureMessage[] = [];
    const enablements: EnablementMessage[] = [];
    const served = new Map<string, number>();
    const client: VendorServiceClient = new VendorServiceClient({
      url: `ws://127.0.0.1:${new URL(base).port}${VENDOR_WS_PATH}`,
      key,
      service: 'yealink',
      version: '2.4.0',
      instanceId: 'yealink-e2e',
      config: [
        { key: 'name', label: 'Name shown on the phone', type: 'string', required: true, fill: 'phonebook.name' },
        { key: 'site', label: 'Site', type: 'string', fill: 'site.name' },
        { key: 'username', label: 'User name phones send', type: 'string', required: true },
        { key: 'password', label: 'Password phones send', type: 'secret', required: true, minLength: 8 },
        { key: 'format', label: 'Format', type: 'string', options: ['phonebook', 'directory'], default: 'phonebook' },
        { key: 'refresh', label: 'Refresh every (seconds)', type: 'number', default: 3600 },
        { key: 'search', label: 'Server-side search', type: 'boolean', default: false },
      ],
      handlers: {
        configure: async (f) => {
          configured.push(f);
          if (!f.enabled) return { state: 'disabled', message: 'disabled by an administrator' };
          // The pair key core just issued fetches the phonebook's data, as a real service does.
          const update = await client.requestPhonebook(f.phonebookId, f.key);
          const contacts = (update.directory as { contacts: unknown[] }).contacts.length;
          served.set(f.phonebookId, contacts);
          const url = `http://phones.example.test:8090/yealink/${f.phonebookId}`;
          return {
            state: 'enabled',
            message: `serving ${contacts} contacts`,
            access: {
              url,
              username: String(f.configuration.username),
              notes: 'HTTP basic with the password entered in the configuration.',
              provisioning: [`remote_phonebook.data.2.url = ${url}`, `remote_phonebook.data.2.name = ${String(f.configuration.name)}`, `remote_phonebook.data.2.username = ${String(f.configuration.username)}`, ''].join('\n'),
            },
          };
        },
        enablement: (f) => {
          enablements.push(f);
          return f.enabled ? { state: 'enabled', message: `serving ${served.get(f.phonebookId) ?? 0} contacts` } : { state: 'disabled', message: 'disabled by an administrator' };
        },
        phonebook: () => undefined,
      },
    });
    client.start();
    try {
      const badge = page.getByTestId('vendor-state-yealink');
      await badge.waitFor();
      await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('disabled');
      await vendorsCard.getByText('yealink-e2e (2.4.0').waitFor();

      // Setup: the form comes from the fields the service declared; core filled the title and the site.
      await vendorsCard.getByRole('button', { name: 'Start setup' }).click();
      await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('setup');
      const form = page.getByRole('form', { name: 'yealink configuration' });
      expect(await form.getByLabel('Name shown on the phone').inputValue()).toBe('Reception');
      expect(await form.getByLabel('Site').inputValue()).toBe('Test site');
      expect(await form.getByLabel(/^Password phones send/).getAttribute('type')).toBe('password');
      await form.getByLabel('User name phones send').fill('lobby');
      await form.getByLabel(/^Password phones send/).fill('short');
      expected.add(`422 /api/v1/phonebooks/${book.id}/vendors/yealink/configuration`);
      await form.getByRole('button', { name: 'Save configuration' }).click();
      const passwordField = form.locator('.field.invalid', { has: page.getByLabel(/^Password phones send/) });
      await passwordField.getByText('Password phones send: expected at least 8 characters').waitFor();
      expect(configured).toHaveLength(0); // refused by core before anything reached the service
      await shot('vendor-setup-form');

      await form.getByLabel(/^Password phones send/).fill('lobby-secret-1');
      await form.getByLabel('Format').selectOption('directory');
      await form.getByLabel('Refresh every (seconds)').fill('600');
      await form.getByLabel('Server-side search').check();
      await form.getByRole('button', { name: 'Save configuration' }).click();
      await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('enabled');
      const access = page.getByLabel('How phones reach the yealink service');
      await access.getByText(`http://phones.example.test:8090/yealink/${book.id}`, { exact: true }).waitFor();
      expect(await page.getByLabel('yealink provisioning snippet', { exact: true }).textContent()).toContain('remote_phonebook.data.2.username = lobby');
      await vendorsCard.getByText(/serving \d+ contacts/).waitFor();
      // What the service received: the admin's values, core's filled ones (not sent by the form), the secret, a pair key.
      expect(configured).toHaveLength(1);
      expect(configured[0]!.configuration).toEqual({ name: 'Reception', site: 'Test site', username: 'lobby', password: 'lobby-secret-1', format: 'directory', refresh: 600, search: true });
      expect(configured[0]!.key).toMatch(/^dbk_svc_/);
      expect(served.get(book.id)).toBeGreaterThan(0);
      await shot('vendor-setup');

      // Disable (confirmed) and enable again.
      await vendorsCard.getByRole('button', { name: 'Disable' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Disable' }).click();
      await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('disabled');
      expect(enablements.at(-1)?.enabled).toBe(false);
      // Setup again shows the stored values; the secret only as "set" (write-only). Cancelled, it stays disabled.
      await vendorsCard.getByRole('button', { name: 'Start setup' }).click();
      await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('setup');
      expect(await form.getByLabel('User name phones send').inputValue()).toBe('lobby');
      expect(await form.getByLabel(/^Password phones send/).inputValue()).toBe('');
      await form.locator('label', { hasText: 'Password phones send' }).getByText('set', { exact: true }).waitFor();
      await vendorsCard.getByRole('button', { name: 'Cancel setup' }).click();
      await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('disabled');
      await form.waitFor({ state: 'detached' });
      await vendorsCard.getByRole('button', { name: 'Enable' }).click();
      await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('enabled');
      await access.waitFor();

      // Plugins page: health of each plugin's checks (one passing, one failing with why), the connected service.
      await page.getByRole('link', { name: 'Plugins' }).click();
      const probe = page.getByRole('list', { name: 'probe health' });
      const primary = probe.getByRole('listitem').filter({ hasText: 'Primary mail relay' });
      const backup = probe.getByRole('listitem').filter({ hasText: 'Backup mail relay' });
      await primary.getByText('ok', { exact: true }).waitFor();
      await primary.getByText(`127.0.0.1:${smtp.port} accepts connections`).waitFor();
      await backup.getByText('failing', { exact: true }).waitFor();
      await backup.getByText(`ECONNREFUSED 127.0.0.1:${closedPort}`).waitFor();
      await page.locator('article', { hasText: 'probe' }).getByText('1 failing').waitFor();
      await page.locator('article', { hasText: 'relay-probe' }).first().waitFor();
      await page.locator('article', { hasText: 'Yealink' }).getByText('yealink-e2e 2.4.0').waitFor();
      await page.locator('article', { hasText: 'Yealink' }).getByText('No health checks registered.').waitFor();
      await page.locator('.card', { hasText: 'Vendor services' }).getByRole('cell', { name: 'yealink-e2e' }).waitFor();
      await shot('plugins-health');

      // A user (not staff) sees the state and what phones need, but no setup, configuration or enable/disable.
      const userContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      try {
        const userPage = await userContext.newPage();
        userPage.setDefaultTimeout(10_000);
        userPage.on('pageerror', (err) => problems.push(`page error (user): ${err.message}`));
        userPage.on('console', (msg) => {
          if (msg.type() === 'error') problems.push(`console error (user): ${msg.text()} ${msg.location().url ?? ''}`);
        });
        await userPage.goto(await linkFromMail('bob.user@example.com', '/signup'));
        await userPage.getByLabel('New password', { exact: true }).fill('bob-password-123');
        await userPage.getByLabel('New password again').fill('bob-password-123');
        await userPage.getByRole('button', { name: 'Set password and sign in' }).click();
        await userPage.getByRole('heading', { name: 'Contacts' }).waitFor();
        await userPage.goto(`${base}/phonebooks/${book.id}`);
        const userBadge = userPage.getByTestId('vendor-state-yealink');
        await expect.poll(() => userBadge.textContent(), { timeout: 10_000 }).toBe('enabled');
        await userPage.getByLabel('How phones reach the yealink service').waitFor();
        const userVendors = userPage.locator('.card', { hasText: 'Remote vendor services' });
        for (const name of ['Start setup', 'Change configuration', 'Disable', 'Enable', 'Save configuration']) expect(await userVendors.getByRole('button', { name }).count()).toBe(0);
      } finally {
        await userContext.close();
      }

      // The service goes away: the badge turns unavailable by itself (polling), no reload.
      await page.getByRole('link', { name: 'Phonebooks' }).click();
      await page.getByRole('link', { name: 'Reception' }).click();
      await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('enabled');
      await client.stop();
      await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toBe('unavailable');
      await vendorsCard.getByText('No instance of the service is connected').waitFor();
    } finally {
      await client.stop();
    }
  });

  test('a desk phone fetches the directory; the Audit page shows the fetches with the device', async () => {
    const books = (await (await core.request('/api/v1/phonebooks')).json()) as { items: { id: string; name: string }[] };
    const book = books.items.find((b) => b.name === 'Reception')!;
    // As a Yealink phone does it: HTTP basic with the credential, its User-Agent naming model, firmware and MAC.
    const headers = { authorization: `Basic ${Buffer.from(`${phoneCredential.username}:${phoneCredential.secret}`).toString('base64')}`, 'user-agent': 'Yealink SIP-T46U 108.86.0.45 80:5e:c0:aa:bb:cc' };
    const first = await fetch(`${base}/directory/${book.id}/yealink`, { headers });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('xml');
    expect(await first.text()).toContain('<YealinkIPPhone');
    const again = await fetch(`${base}/directory/${book.id}/yealink`, { headers: { ...headers, 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit', level: 1 }).waitFor();
    await page.locator('table.audit tbody tr').first().waitFor(); // sign-ins, account and API changes so far
    await page.getByRole('button', { name: 'Sign-up' }).first().waitFor();
    await shot('audit-all');
    await page.getByLabel('Action').selectOption('directory.served');
    await page.waitForURL(/action=directory\.served/);
    const rows = page.locator('table.audit tbody tr');
    // Fetches reach the audit log in batches (within about a second): refresh until both are there.
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return rows.filter({ hasText: 'SIP-T46U' }).count();
        },
        { timeout: 10_000 },
      )
      .toBe(2);
    for (const text of await rows.allTextContents()) expect(text).toContain('Directory fetch');
    const notModified = rows.filter({ hasText: '304 not modified' });
    await expect.poll(() => notModified.count()).toBe(1);
    const row = (await notModified.textContent()) ?? '';
    for (const part of ['SIP-T46U', '80:5e:c0:aa:bb:cc', 'firmware 108.86.0.45', 'Reception', 'yealink', '127.0.0.1']) expect(row).toContain(part);
    await rows.filter({ hasText: /\b200\b/ }).filter({ hasText: 'SIP-T46U' }).first().waitFor();

    // Filter to the phonebook and a time range; an empty range says so.
    await page.getByLabel('Phonebook').selectOption({ label: 'Reception' });
    await page.waitForURL(new RegExp(`phonebookId=${book.id}`));
    await page.getByRole('button', { name: 'Last hour' }).click();
    await page.waitForURL(/from=/);
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByText('2 events · page 1 of 1').waitFor();
    await shot('audit');
    const tomorrow = new Date(Date.now() + 24 * 3_600_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    await page.getByLabel('From').fill(`${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}T08:00`);
    await page.getByText('No audit event matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Last 24 hours' }).click();
    await expect.poll(() => rows.count()).toBe(2);

    // On a tablet each event is a card with labelled cells.
    await page.setViewportSize({ width: 820, height: 1180 });
    await rows.first().getByText('MAC').waitFor();
    await shot('audit-tablet');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  test('on a tablet the navigation folds into a menu', async () => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.goto(`${base}/contacts`);
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Phonebooks' }).click();
    await page.getByRole('heading', { name: 'Phonebooks' }).waitFor();
    await page.goto(`${base}/contacts`);
    await page.getByRole('link', { name: 'Schäfer, Jürgen' }).waitFor();
    await shot('tablet-contacts');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  test('sign out, reset the password from the mailed link, sign in with the new one', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot('signin');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('E-mail').fill(email);
    const before = smtp.to(email).length;
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText(/a link to set a new password is on its way/).waitFor();
    const link = await linkFromMail(email, '/reset-password', before);
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('New password again').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed').waitFor();
    await shot('reset-password');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(newPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
  });

  test('no console errors and no page errors along the way', () => {
    expect(problems).toEqual([]);
  });
});
