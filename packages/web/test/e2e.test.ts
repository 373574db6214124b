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
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listen, type RunningServer } from '@dialbook/core';
import { createTestCore, testDatabaseKind, type TestCore } from '@dialbook/core/testing';
import csvPlugin from '@dialbook/example-csv';
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

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await smtp.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    core = await createTestCore({
      config: { server: { publicUrl: base } },
      plugins: { staff: { plugin: csvPlugin, options: { file: CSV, site: 'test' } } },
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
    await page.getByRole('link', { name: 'Jürgen Schäfer' }).waitFor();
    await shot('contacts');
    await page.getByLabel('Search contacts').fill('weiss');
    await page.waitForURL(/q=weiss/);
    await page.getByRole('link', { name: 'Anja Weiß' }).waitFor();
    await expect.poll(() => page.locator('table.data tbody tr').count()).toBe(1);
    await page.getByLabel('Search contacts').fill('');
    await page.getByText('Filters').click();
    await page.getByLabel('Department').fill('Management');
    await page.getByLabel('Department').press('Enter');
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
    const dialog = page.getByRole('dialog');
    await dialog.getByText('It can be restored later').waitFor();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.locator('h1 .badge', { hasText: 'deleted' }).waitFor();
    await page.getByRole('link', { name: 'Contacts' }).first().click();
    await page.getByRole('button', { name: 'Deleted' }).click();
    await page.waitForURL(/status=deleted/);
    const row = page.locator('tr', { hasText: 'Berta Beispiel' });
    await row.waitFor();
    await shot('contacts-deleted');
    await row.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Restore' }).click();
    await page.getByText('No deleted contacts.').waitFor();
    await page.getByRole('button', { name: 'Active' }).click();
    await page.getByRole('link', { name: 'Berta Beispiel' }).click();
    await page.getByRole('list', { name: 'History' }).getByText('Restored').waitFor();
    const found = (await (await core.request('/api/v1/contacts?q=berta')).json()) as { items: { deleted: boolean }[] };
    expect(found.items[0]?.deleted).toBe(false);
  });

  test('change a setting in the form rendered from its schema, and preview and test-send mail', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'E-mail', level: 2 }).waitFor();
    await page.locator('details.schema-group', { hasText: 'From' }).first().locator('summary').first().waitFor();
    const name = page.getByLabel('Name', { exact: true });
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
    await page.getByRole('dialog').getByRole('button', { name: 'Clear all' }).click();
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
    await page.getByRole('heading', { name: 'Directory URLs' }).waitFor();
    await page.locator('.card', { hasText: 'Directory URLs' }).locator('.state.loading').waitFor({ state: 'detached' });
    await shot('phonebook');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByText('Lobby phones').waitFor();
    await page.getByRole('link', { name: 'Sites' }).click();
    await page.getByRole('cell', { name: 'Test site' }).waitFor();
    await shot('sites');
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('E-mail').fill('bob.user@example.com');
    await page.locator('form', { hasText: 'Invite a user' }).getByLabel('Test site').check();
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Invited bob.user@example.com').waitFor();
    const bob = page.locator('li', { hasText: 'bob.user@example.com' }).last();
    await bob.getByText('Sites: Test site').waitFor();
    await shot('users');
    expect(smtp.to('bob.user@example.com').length + 1).toBeGreaterThan(0);
  });

  test('on a tablet the navigation folds into a menu', async () => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.goto(`${base}/contacts`);
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Phonebooks' }).click();
    await page.getByRole('heading', { name: 'Phonebooks' }).waitFor();
    await page.goto(`${base}/contacts`);
    await page.getByRole('link', { name: 'Jürgen Schäfer' }).waitFor();
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
