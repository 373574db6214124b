/**
 * Chromium, the Contacts pages: the list (search, a filter, sorting by a column) over the demo contacts the CSV
 * plugin syncs on start; creating a contact (the API's message at the field first); editing one and seeing the
 * change in its History; deleting one with confirmation, finding it among the deleted and restoring it. Each
 * test seeds what it needs through the API.
 */
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import csvPlugin from '@dialbook/example-csv';
import { browserSuite } from './support/app.js';

const CSV = fileURLToPath(new URL('../../../examples/minimal/demo-contacts.csv', import.meta.url));

browserSuite('contacts', { plugins: { csv: { plugin: csvPlugin, options: { file: CSV, site: 'test' } } } }, (app) => {
  /** A contact made through the API (as the test administrator). */
  const seed = async (body: Record<string, unknown>) => {
    const res = await app.core.request('/api/v1/contacts', { method: 'POST', json: { siteId: app.core.site.id, ...body } });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string };
  };

  test('the list with search, filters and sorting', async () => {
    const { page } = await app.signIn();
    // The CSV plugin synced the demo file on start.
    await page.getByRole('link', { name: 'Schäfer, Jürgen' }).waitFor();
    await app.shot(page, 'contacts');
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
    const header = page.getByRole('columnheader', { name: /^Name/ });
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    await page.getByRole('button', { name: /^Name/ }).click();
    await page.waitForURL(/order=desc/);
    await expect.poll(names).toEqual([...ascending].reverse());
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    // The sort headers work with the keyboard: focused and Enter, back to ascending.
    await page.getByRole('button', { name: /^Name/ }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/order=asc/);
    await expect.poll(names).toEqual(ascending);
  });

  test('create a contact: field-level messages from the API, then saved', async () => {
    const { page } = await app.signIn();
    await page.getByRole('link', { name: 'New contact' }).click();
    await page.getByLabel('First name').fill('Berta');
    await page.getByLabel('Last name').fill('Beispiel');
    await page.getByLabel('Department').fill('Support');
    await page.getByLabel('Number 1', { exact: true }).fill('030 1234567');
    await page.getByLabel('E-mail 1', { exact: true }).fill('not-an-address');
    app.expected.add('422 /api/v1/contacts');
    await page.getByRole('button', { name: 'Create contact' }).click();
    const emailField = page.locator('.field.invalid', { has: page.getByLabel('E-mail 1', { exact: true }) });
    await emailField.locator('.field-error').waitFor();
    await app.shot(page, 'contact-form-errors');
    await page.getByLabel('E-mail 1', { exact: true }).fill('berta@example.com');
    await page.getByRole('button', { name: 'Create contact' }).click();
    await page.getByRole('heading', { name: 'Berta Beispiel' }).waitFor();
    await page.getByRole('list', { name: 'History' }).getByText('Created').waitFor();
  });

  test('edit a contact and see the change in its History', async () => {
    const contact = await seed({ firstName: 'Erik', lastName: 'Ediert', department: 'Support', phones: [{ number: '030 7654321' }] });
    const { page, email } = await app.signIn();
    await page.goto(`${app.base}/contacts/${contact.id}`);
    await page.getByRole('heading', { name: 'Erik Ediert' }).waitFor();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Department').fill('Sales');
    await page.getByLabel('Tags').fill('vip, key-account');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Erik Ediert' }).waitFor();
    const history = page.getByRole('list', { name: 'History' });
    await history.getByText('department').waitFor();
    await expect.poll(() => history.textContent()).toMatch(/Support.*→.*Sales/);
    await history.getByText(`by ${email}`).first().waitFor();
    await app.shot(page, 'contact-detail');
  });

  test('delete a contact with confirmation, find it among the deleted, restore it', async () => {
    const contact = await seed({ firstName: 'Doris', lastName: 'Gelöscht', department: 'Support' });
    const { page } = await app.signIn();
    await page.goto(`${app.base}/contacts/${contact.id}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('It can be restored later').waitFor();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.locator('h1 .badge', { hasText: 'deleted' }).waitFor();
    await page.getByRole('link', { name: 'Contacts' }).first().click();
    await page.getByRole('button', { name: 'Deleted' }).click();
    await page.waitForURL(/status=deleted/);
    const row = page.locator('tr', { hasText: 'Gelöscht, Doris' });
    await row.waitFor();
    await app.shot(page, 'contacts-deleted');
    await row.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Restore' }).click();
    await page.getByText('No deleted contacts.').waitFor();
    await page.getByRole('button', { name: 'Active' }).click();
    await page.getByRole('link', { name: 'Gelöscht, Doris' }).click();
    await page.getByRole('list', { name: 'History' }).getByText('Restored').waitFor();
    const found = (await (await app.core.request('/api/v1/contacts?q=doris')).json()) as { items: { deleted: boolean }[] };
    expect(found.items[0]?.deleted).toBe(false);
  });
});
