/**
 * Chromium on a 390 px phone: no page scrolls sideways, the contacts list is one card per contact (labelled
 * cells, actions inside the card), and the permanent-delete confirmation opened from a card fits the screen.
 * Also the contact History as people read it (numbers added, removed, changed) and the filters offered from
 * the values in use, with Clear filters.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { systemActor } from '@dialbook/core';
import { testDatabaseKind } from '@dialbook/core/testing';
import yealinkPlugin from '@dialbook/plugin-yealink';
import type { Page } from 'playwright-core';
import { browserTestsMissing, startApp, type RunningApp } from './support/app.js';

/** Run in the page by Playwright (this test's TypeScript has no DOM library). */
declare const getComputedStyle: (el: unknown, pseudo?: string) => { display: string; textAlign: string; content: string };

const missing = browserTestsMissing('the narrow-layout Chromium test');
const PHONE = { width: 390, height: 844 };

describe.skipIf(missing.length > 0)(`admin app on a 390 px phone in Chromium (${testDatabaseKind()})`, () => {
  let app: RunningApp;
  let page: Page;
  let contactId = '';
  let deletedId = '';
  let bookId = '';
  beforeAll(async () => {
    app = await startApp({ plugins: { yealink: yealinkPlugin } });
    const site = app.core.site.id;
    const c = app.core.dialbook.contacts;
    const long = await c.create(
      { siteId: site, firstName: 'Maximiliane', lastName: 'Oberstudienrätin-Schwarzenberger', organization: 'Landeshauptstadt Düsseldorf Stadtwerke Versorgung GmbH', department: 'Kundenbetreuung', tags: ['key-account', 'nachtschicht'], emails: ['maximiliane.oberstudienraetin-schwarzenberger@stadtwerke-duesseldorf.example'], phones: [{ type: 'work', number: '+49 211 123456789' }, { type: 'mobile', number: '0171 1234567' }] },
      systemActor,
    );
    contactId = long.id;
    await c.update(long.id, { phones: [{ type: 'mobile', number: '0171 1234567' }, { type: 'home', number: '0211 555' }], tags: ['key-account'] }, systemActor);
    for (const [firstName, lastName, department] of [['Anna', 'Berg', 'Sales'], ['Bernd', 'Conrad', 'Support'], ['Cem', 'Demir', 'Sales']] as const) await c.create({ siteId: site, firstName, lastName, department, phones: [{ number: '030 1234567' }] }, systemActor);
    const gone = await c.create({ siteId: site, firstName: 'Egon', lastName: 'Ehemals', department: 'Archiv' }, systemActor);
    await c.softDelete(gone.id, systemActor);
    deletedId = gone.id;
    bookId = (await app.core.dialbook.phonebooks.create({ siteId: site, name: 'Empfang und Zentrale Vermittlung', filter: {} })).id;
    ({ page } = await app.signInAdmin(PHONE));
  });
  afterAll(() => app?.close());

  /** How far the page scrolls sideways (0: not at all). */
  const sideways = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

  test('no page scrolls sideways at 390 px', async () => {
    const pages: [string, string][] = [
      ['/contacts', 'Contacts'],
      [`/contacts/${contactId}`, 'Oberstudienrätin-Schwarzenberger'],
      ['/contacts/new', 'New contact'],
      [`/contacts/${contactId}/edit`, 'Edit'],
      ['/phonebooks', 'Phonebooks'],
      [`/phonebooks/${bookId}`, 'Empfang'],
      ['/sites', 'Sites'],
      ['/users', 'Users'],
      ['/settings/email', 'Settings'],
      ['/jobs', 'Jobs'],
      ['/audit', 'Audit'],
      ['/plugins', 'Plugins'],
      ['/notifications', 'Notifications'],
      ['/contacts?status=deleted', 'Contacts'],
    ];
    const wide: string[] = [];
    for (const [path, heading] of pages) {
      await page.goto(`${app.base}${path}`);
      await page.getByRole('heading', { level: 1, name: new RegExp(heading) }).first().waitFor();
      await page.locator('.state.loading').first().waitFor({ state: 'detached' }).catch(() => undefined);
      if (path === `/phonebooks/${bookId}`) await page.getByText('Provisioning snippet', { exact: true }).click();
      const by = await sideways();
      if (by > 0) wide.push(`${path} by ${by}px`);
      await app.shot(page, `narrow${path.replace(/[/?=]+/g, '-').replace(/-[0-9a-f-]{36}/, '-id')}`);
    }
    expect(wide).toEqual([]);
  });

  test('contacts are cards with labelled cells; the permanent-delete dialog fits the phone', async () => {
    await page.goto(`${app.base}/contacts`);
    const card = page.locator('table.contacts tbody tr', { hasText: 'Oberstudienrätin' });
    await card.waitFor();
    expect((await page.locator('table.contacts thead').boundingBox())!.height).toBeLessThanOrEqual(1); // headers only for screen readers
    expect(await card.evaluate((el) => getComputedStyle(el).display)).toBe('grid');
    const box = (await card.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    expect(await card.locator('td[data-label="Department"]').evaluate((el) => getComputedStyle(el, '::before').content)).toBe('"Department"');
    await page.getByRole('button', { name: 'Deleted' }).click();
    const deleted = page.locator('table.contacts tbody tr', { hasText: 'Ehemals' });
    await deleted.getByRole('button', { name: 'Delete permanently' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete for good' });
    await dialog.waitFor();
    const d = (await dialog.boundingBox())!;
    expect(d.x).toBeGreaterThanOrEqual(0);
    expect(d.x + d.width).toBeLessThanOrEqual(PHONE.width);
    expect(d.y + d.height).toBeLessThanOrEqual(PHONE.height);
    expect(await dialog.getByRole('heading').evaluate((el) => getComputedStyle(el).textAlign)).toMatch(/left|start/);
    await app.shot(page, 'narrow-delete-dialog');
    await dialog.getByRole('button', { name: 'Delete permanently' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('No deleted contacts.').waitFor();
    expect((await app.core.request(`/api/v1/contacts/${deletedId}`)).status).toBe(404);
  });

  test('History shows numbers added, removed and changed, not JSON', async () => {
    await page.goto(`${app.base}/contacts/${contactId}`);
    const history = page.getByRole('list', { name: 'History' });
    await history.getByText('Numbers').waitFor();
    const text = (await history.textContent()) ?? '';
    expect(text).toContain('added 0211 555 (home)');
    expect(text).toContain('removed +49 211 123456789 (work)');
    expect(text).toContain('removed nachtschicht');
    expect(text).not.toContain('[{');
  });

  test('filters offer the departments in use with counts; Clear filters resets them', async () => {
    await page.goto(`${app.base}/contacts`);
    await page.locator('summary', { hasText: 'Filters' }).click();
    const department = page.getByRole('combobox', { name: 'Department' });
    await department.click();
    const options = page.getByRole('listbox').getByRole('option');
    await expect.poll(() => options.allTextContents()).toEqual(['Kundenbetreuung1', 'Sales2', 'Support1']);
    await app.shot(page, 'narrow-filters');
    await options.filter({ hasText: 'Sales' }).click();
    await page.waitForURL(/department=Sales/);
    await expect.poll(() => page.locator('table.contacts tbody tr').count()).toBe(2);
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect.poll(() => page.url()).not.toContain('department=');
    await page.locator('summary', { hasText: 'Filters' }).click();
    expect(await department.inputValue()).toBe('');
    await expect.poll(() => page.locator('table.contacts tbody tr').count()).toBe(4);
    expect(await sideways()).toBe(0);
  });

  test('no console errors and no page errors', () => {
    expect(app.problems).toEqual([]);
  });
});
