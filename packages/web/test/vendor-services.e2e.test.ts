/**
 * Chromium, a phonebook's remote vendor services: a remote Yealink service, played by this test process with
 * `VendorServiceClient` from `@dialbook/core/vendor-protocol` over a real websocket, connects and its pair shows
 * as `disabled` by polling; setup (the form drawn from the fields the service declared, core's filled values,
 * a too-short secret refused at the field), saved valid values reach the service with a pair key it fetches
 * the phonebook with, it answers `enabled` with its access and snippet; disable (confirmed), set up again and
 * cancel, enable; the Plugins page shows the connected service; a user (not staff) sees the state but no
 * actions; the service stops and the badge turns `unavailable` without a reload.
 */
import { expect, test } from 'vitest';
import { systemActor } from '@dialbook/core';
import { VENDOR_WS_PATH, VendorServiceClient, type ConfigureMessage, type EnablementMessage } from '@dialbook/core/vendor-protocol';
import yealinkPlugin from '@dialbook/plugin-yealink';
import { browserSuite } from './support/app.js';

browserSuite('remote vendor services', { plugins: { yealink: yealinkPlugin } }, (app) => {
  test('a remote vendor service walked from setup to enabled, seen by a user, then gone', async () => {
    const created = await app.core.request('/api/v1/phonebooks', { method: 'POST', json: { siteId: app.core.site.id, name: 'Reception', filter: {} } });
    expect(created.status).toBe(201);
    const book = (await created.json()) as { id: string };
    const contact = await app.core.request('/api/v1/contacts', { method: 'POST', json: { siteId: app.core.site.id, firstName: 'Rita', lastName: 'Rezeption', phones: [{ number: '030 1111111' }] } });
    expect(contact.status).toBe(201);
    const { page } = await app.signIn();
    await page.goto(`${app.base}/phonebooks/${book.id}`);
    await page.getByRole('heading', { name: 'Reception', level: 1 }).waitFor();
    const vendorsCard = page.locator('.card', { hasText: 'Remote vendor services' });
    await vendorsCard.getByText('No remote vendor service is connected').waitFor();

    // A remote Yealink service (played by this test process with core's client) connects over the websocket,
    // as `dialbook-yealink` started elsewhere would; its fields cover every field type. The page sees it by polling.
    const key = (await app.core.dialbook.credentials.createServiceKey('yealink', null, 'e2e Yealink service', systemActor)).secret;
    const configured: ConfigureMessage[] = [];
    const enablements: EnablementMessage[] = [];
    const served = new Map<string, number>();
    const client: VendorServiceClient = new VendorServiceClient({
      url: `ws://127.0.0.1:${new URL(app.base).port}${VENDOR_WS_PATH}`,
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
      app.expected.add(`422 /api/v1/phonebooks/${book.id}/vendors/yealink/configuration`);
      await form.getByRole('button', { name: 'Save configuration' }).click();
      const passwordField = form.locator('.field.invalid', { has: page.getByLabel(/^Password phones send/) });
      await passwordField.getByText('Password phones send: expected at least 8 characters').waitFor();
      expect(configured).toHaveLength(0); // refused by core before anything reached the service
      await app.shot(page, 'vendor-setup-form');

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
      await app.shot(page, 'vendor-setup');

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

      // The Plugins page shows the connected service, at its plugin and among the vendor services.
      await page.getByRole('link', { name: 'Plugins' }).click();
      await page.locator('article', { hasText: 'Yealink' }).getByText('yealink-e2e 2.4.0').waitFor();
      await page.locator('.card', { hasText: 'Vendor services' }).getByRole('cell', { name: 'yealink-e2e' }).waitFor();
      await app.shot(page, 'plugins-services');

      // A user (not staff) sees the state and what phones need, but no setup, configuration or enable/disable.
      const { page: userPage } = await app.signIn({ role: 'user', siteIds: [app.core.site.id] });
      await userPage.goto(`${app.base}/phonebooks/${book.id}`);
      const userBadge = userPage.getByTestId('vendor-state-yealink');
      await expect.poll(() => userBadge.textContent(), { timeout: 10_000 }).toBe('enabled');
      await userPage.getByLabel('How phones reach the yealink service').waitFor();
      const userVendors = userPage.locator('.card', { hasText: 'Remote vendor services' });
      for (const name of ['Start setup', 'Change configuration', 'Disable', 'Enable', 'Save configuration']) expect(await userVendors.getByRole('button', { name }).count()).toBe(0);

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
});
