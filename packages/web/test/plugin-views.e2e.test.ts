/**
 * Chromium: what a plugin registers beyond actions, drawn by the admin app from the metadata alone, with no
 * plugin code in it (issue 12, item 8). The test plugin (`support/tools-plugin.ts`, instance `tools`) has a
 * secret attribute, a global view and a contact view served by its own routes, a CSV attribute import and an
 * enricher that leaves contacts pending. Set and reveal a secret (the value shows only after Reveal, never in
 * the contact or its attributes); a phone lookup by MAC (badge, list, an error in words, a linkable URL); the
 * contact panel; preview and apply a CSV (summary, an invalid row's message, the result); the enricher's
 * pending contacts on the Plugins page; the new pages at 390 px.
 */
import { beforeAll, expect, test } from 'vitest';
import { systemActor, type ContactDto } from '@dialbook/core';
import type { Page } from 'playwright-core';
import { browserSuite, PHONE } from './support/app.js';
import { toolsPlugin } from './support/tools-plugin.js';

const PIN = '80417';
const sideways = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

browserSuite('plugin secrets, views, imports and enrichers', { plugins: { tools: toolsPlugin } }, (app) => {
  const people: Record<string, ContactDto> = {};
  beforeAll(async () => {
    const add = async (key: string, body: Record<string, unknown>) => (people[key] = await app.core.dialbook.contacts.create({ siteId: app.core.site.id, department: 'Desk', ...body }, systemActor));
    await add('vera', { firstName: 'Vera', lastName: 'Vault', emails: ['vera@example.net'] });
    await add('paul', { firstName: 'Paul', lastName: 'Panel', attributes: { desk: { mac: '001A2B3C4D5E' } } });
    await add('nora', { firstName: 'Nora', lastName: 'Nophone' });
    await add('ana', { firstName: 'Ana', lastName: 'Import', emails: ['ana@example.net'] });
    await add('bob', { firstName: 'Bob', lastName: 'Import', emails: ['bob@example.net'], attributes: { desk: { mac: '00112233AABB' } } });
    await add('cleo', { firstName: 'Cleo', lastName: 'Import', emails: ['cleo@example.net'] });
    await add('dan', { firstName: 'Dan', lastName: 'Import', emails: ['dan@example.net'] });
    await add('pia', { firstName: 'Pia', lastName: 'Pending' });
  });

  test('a secret is set in a dialog, shown masked, revealed on request and never part of the contact', async () => {
    const { page } = await app.signIn({ role: 'staff' });
    await page.goto(`${app.base}/contacts/${people.vera!.id}`);
    const secrets = page.getByRole('region', { name: 'Secrets' });
    const row = secrets.getByRole('listitem', { name: 'Desk PIN' });
    await row.getByText('not set').waitFor();
    await row.getByRole('button', { name: 'Set Desk PIN' }).click();
    const dialog = page.getByRole('dialog', { name: 'Set Desk PIN' });
    const input = dialog.getByLabel('Desk PIN');
    expect(await input.getAttribute('type')).toBe('password');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Enter the Desk PIN.').waitFor(); // empty: said at the field, nothing sent
    await input.fill(PIN);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('set just now').waitFor();
    await row.getByText('••••••', { exact: true }).waitFor();
    // The attributes and the History show the marker masked, never as JSON, and the value nowhere.
    await page.getByText('•••••• (secret)').first().waitFor();
    const before = await page.locator('main').textContent();
    expect(before).not.toContain(PIN);
    expect(before).not.toContain('"secret"');
    await app.shot(page, 'contact-secrets');

    await row.getByRole('button', { name: 'Reveal Desk PIN' }).click();
    await row.getByLabel('Desk PIN value').getByText(PIN).waitFor();
    await app.shot(page, 'contact-secret-revealed');
    expect(page.url()).not.toContain(PIN);
    expect(await page.evaluate<string>('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })')).not.toContain(PIN);
    await row.getByRole('button', { name: 'Hide Desk PIN' }).click();
    await row.getByText('••••••', { exact: true }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain(PIN);
    // Another page and back: hidden again.
    await row.getByRole('button', { name: 'Reveal Desk PIN' }).click();
    await row.getByText(PIN).waitFor();
    await page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
    await page.goBack();
    await secrets.getByRole('listitem', { name: 'Desk PIN' }).getByText('••••••', { exact: true }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain(PIN);

    // The contact as the API gives it holds only the marker.
    const contact = await (await app.core.request(`/api/v1/contacts/${people.vera!.id}`)).text();
    expect(contact).not.toContain(PIN);
    expect(JSON.parse(contact).attributes.desk.pin).toEqual({ secret: 'set', updatedAt: expect.any(String) });
    expect(await app.core.dialbook.contacts.getSecret(people.vera!.id, 'desk.pin')).toBe(PIN);

    // A user sees that it is set, and nothing to reveal or change.
    const user = await app.signIn({ role: 'user', siteIds: [app.core.site.id] });
    await user.page.goto(`${app.base}/contacts/${people.vera!.id}`);
    const theirs = user.page.getByRole('region', { name: 'Secrets' });
    await theirs.getByText('set', { exact: true }).waitFor();
    expect(await theirs.getByRole('button').count()).toBe(0);
    await user.page.getByText('•••••• (secret)').first().waitFor();
  });

  test('a global view: a lookup form from its params, results in the table, errors in words, a linkable URL', async () => {
    const { page } = await app.signIn({ role: 'staff' });
    const tools = page.getByRole('group', { name: 'Tools' });
    await tools.getByRole('link', { name: 'Phone lookup' }).click();
    await page.getByRole('heading', { level: 1, name: 'Phone lookup' }).waitFor();
    const form = page.getByRole('form', { name: 'Phone lookup' });
    await form.getByRole('button', { name: 'Look up' }).click();
    await form.getByText('Enter the MAC address.').waitFor();
    await form.getByLabel('MAC address (required)').fill('00:1a:2b:3c:4d:5e');
    await form.getByRole('button', { name: 'Look up' }).click();
    const table = page.getByRole('table', { name: 'Phone lookup' });
    const row = table.locator('tbody tr', { hasText: 'SEP001A2B3C4D5E' });
    await row.waitFor();
    const badge = row.locator('.badge', { hasText: 'registered' });
    expect(await badge.getAttribute('class')).toBe('badge ok');
    await row.getByRole('listitem').filter({ hasText: '2002 · Sales' }).waitFor();
    expect(await row.locator('code').textContent()).toBe('SEP001A2B3C4D5E');
    await row.getByRole('button', { name: /^Copy / }).click();
    await row.getByRole('status').getByText(/^(Copied\.|Could not copy: select the text and press Ctrl\+C\.)$/).waitFor();
    expect(await row.locator('time').getAttribute('datetime')).toBe('2025-03-04T09:30:00.000Z');
    expect(new URL(page.url()).search).toBe('?mac=00%3A1a%3A2b%3A3c%3A4d%3A5e');
    await app.shot(page, 'plugin-view');

    // Unknown: the route's problem detail, in words.
    app.expected.add('404 /api/v1/plugins/tools/phones/lookup');
    await form.getByLabel('MAC address (required)').fill('SEP00AA00AA00AA');
    await form.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('alert').getByText('no desk phone has the MAC address 00AA00AA00AA').waitFor();

    // The URL is the lookup: opened fresh, it runs.
    const other = await app.signIn({ role: 'admin' });
    await other.page.goto(`${app.base}/views/tools/phone-lookup?mac=0011.2233.aabb`);
    const unregistered = other.page.getByRole('table', { name: 'Phone lookup' }).locator('.badge', { hasText: 'unregistered' });
    await unregistered.waitFor();
    expect(await unregistered.getAttribute('class')).toBe('badge bad');
    expect(await other.page.getByLabel('MAC address (required)').inputValue()).toBe('0011.2233.aabb');

    // Below the view's access (staff): no Tools entry, and the page says so.
    const user = await app.signIn({ role: 'user', siteIds: [app.core.site.id] });
    expect(await user.page.getByRole('link', { name: 'Phone lookup' }).count()).toBe(0);
    await user.page.goto(`${app.base}/views/tools/phone-lookup`);
    await user.page.getByRole('heading', { name: 'No such view' }).waitFor();
  });

  test('a contact view is a panel on the contacts that have its attribute, with Refresh', async () => {
    const { page } = await app.signIn({ role: 'staff' });
    await page.goto(`${app.base}/contacts/${people.paul!.id}`);
    const panel = page.getByRole('region', { name: 'Desk phones' });
    const row = panel.locator('tbody tr', { hasText: 'SEP001A2B3C4D5E' });
    await row.waitFor();
    await row.locator('.badge.ok', { hasText: 'registered' }).waitFor();
    await panel.getByText('Live from the desk system.').waitFor();
    await panel.getByRole('button', { name: 'Refresh Desk phones' }).click();
    await row.waitFor();
    await app.shot(page, 'contact-view-panel');

    await page.goto(`${app.base}/contacts/${people.nora!.id}`);
    await page.getByRole('heading', { level: 1, name: 'Nora Nophone' }).waitFor();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    expect(await page.getByRole('region', { name: 'Desk phones' }).count()).toBe(0);
  });

  test('a CSV import: preview with the summary, rows by status, an invalid row’s message; apply shows the result', async () => {
    const { page } = await app.signIn({ role: 'staff' });
    await page.getByRole('group', { name: 'Tools' }).getByRole('link', { name: 'Import' }).click();
    await page.getByRole('heading', { level: 1, name: 'Import' }).waitFor();
    await page.getByText('One row per person').waitFor();

    // A file without the key column: the API's 422 in words.
    app.expected.add('422 /api/v1/imports/tools.desk-phones/preview');
    await page.getByLabel('Or paste the CSV').fill('mail,mac\nana@example.net,001122334455');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('alert').getByText(/no "email" column/).waitFor();

    const csv = ['email;mac;pin;note', 'ana@example.net;00:1a:2b:3c:4d:5f;1234;x', 'bob@example.net;0011.2233.aabb;;', 'nobody@example.net;001122334455;4321;', 'cleo@example.net;not-a-mac;5555;', 'dan@example.net;;5678;'].join('\n');
    await page.getByLabel('CSV file').setInputFiles({ name: 'desk.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByText('Read desk.csv (6 lines).').waitFor();
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    expect(await preview.getByRole('status', { name: 'Preview summary' }).textContent()).toBe('5 rows: 2 to change, 1 unchanged, 1 unmatched, 1 invalid.');
    await preview.getByText('note', { exact: true }).waitFor(); // an ignored column
    const rows = preview.locator('tbody tr');
    expect(await rows.count()).toBe(5);
    const ana = preview.locator('tr', { hasText: 'ana@example.net' });
    await ana.locator('.badge', { hasText: 'change' }).waitFor();
    await ana.getByText('001A2B3C4D5F').waitFor();
    expect(await ana.getByRole('listitem').filter({ hasText: 'pin' }).textContent()).toBe('pin changed'); // a secret: no value
    await preview.locator('tr', { hasText: 'cleo@example.net' }).getByText('mac: "not-a-mac" is not a MAC address (12 hex digits)').waitFor();
    await preview.getByRole('button', { name: 'invalid (1)' }).click();
    expect(await rows.count()).toBe(1);
    await preview.getByRole('button', { name: 'unmatched (1)' }).click();
    await preview.locator('tr', { hasText: 'nobody@example.net' }).locator('.badge.warn').waitFor();
    await preview.getByRole('button', { name: 'All (5)' }).click();
    expect(await preview.textContent()).not.toContain('5678'); // a secret's value is never in the preview
    await app.shot(page, 'import-preview');

    await preview.getByRole('button', { name: 'Apply…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Apply the import' });
    await confirm.getByText('Change 2 contacts as previewed').waitFor();
    await confirm.getByRole('button', { name: 'Apply to 2 contacts' }).click();
    const result = page.getByRole('status', { name: 'Import result' });
    await result.waitFor();
    expect(await result.textContent()).toBe('2 contacts changed, 1 unchanged, 1 unmatched, 1 invalid.');
    await app.shot(page, 'import-result');
    expect((await app.core.dialbook.contacts.get(people.ana!.id)).attributes.desk).toEqual({ mac: '001A2B3C4D5F', pin: { secret: 'set', updatedAt: expect.any(String) } });
    expect(await app.core.dialbook.contacts.getSecret(people.dan!.id, 'desk.pin')).toBe('5678');
    expect(await app.core.dialbook.contacts.getSecret(people.cleo!.id, 'desk.pin')).toBeNull();

    // The same file again changes nothing: no Apply.
    await page.getByRole('button', { name: 'Preview' }).click();
    await preview.getByRole('status', { name: 'Preview summary' }).getByText('0 to change').waitFor();
    await preview.getByText('Nothing to apply.').waitFor();
    expect(await preview.getByRole('button', { name: 'Apply…' }).count()).toBe(0);
  });

  test('the Plugins page lists the enricher with its pending contacts', async () => {
    await app.core.dialbook.contacts.enrich(app.core.site.id, [people.pia!.id]);
    const { page } = await app.signIn({ role: 'staff' });
    await page.goto(`${app.base}/plugins`);
    const list = page.getByRole('list', { name: 'Contact enrichers' });
    const item = list.getByRole('listitem').filter({ hasText: 'Desk system: phones' });
    await item.getByText('1 pending').waitFor();
    await item.getByText(/Desk system: phones — 1 contact pending since \d\d:\d\d/).waitFor();
    await item.getByText('plugin tools').waitFor();
    await app.shot(page, 'plugins-enrichers');
  });

  test('at 390 px the view, import and contact pages do not scroll sideways', async () => {
    const { page } = await app.signIn({ role: 'staff', viewport: PHONE });
    const wide: string[] = [];
    await page.goto(`${app.base}/views/tools/phone-lookup?mac=001A2B3C4D5E`);
    await page.locator('tbody tr', { hasText: 'SEP001A2B3C4D5E' }).waitFor();
    if ((await sideways(page)) > 0) wide.push('view');
    await app.shot(page, 'narrow-plugin-view');
    await page.goto(`${app.base}/import`);
    await page.getByLabel('Or paste the CSV').fill('email,mac,pin\nana@example.net,001A2B3C4D5F,1234\ncleo@example.net,nope,1\nzed@example.net,001122334455,1234');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('status', { name: 'Preview summary' }).waitFor();
    if ((await sideways(page)) > 0) wide.push('import preview');
    await app.shot(page, 'narrow-import-preview');
    await page.goto(`${app.base}/contacts/${people.paul!.id}`);
    await page.getByRole('region', { name: 'Desk phones' }).locator('tbody tr').first().waitFor();
    await page.getByRole('region', { name: 'Secrets' }).waitFor();
    if ((await sideways(page)) > 0) wide.push('contact');
    await app.shot(page, 'narrow-contact-plugin');
    expect(wide).toEqual([]);
  });
});
