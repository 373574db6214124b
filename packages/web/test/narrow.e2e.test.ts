/**
 * Chromium on a 390 px phone: no page scrolls sideways, the contacts list is one card per contact (labelled
 * cells, actions inside the card), and the permanent-delete confirmation opened from a card fits the screen.
 * Also the contact History as people read it (numbers added, removed, changed) and the filters offered from
 * the values in use, with Clear filters.
 */
import { beforeAll, expect, test } from 'vitest';
import { systemActor } from '@dialbook/core';
import yealinkPlugin from '@dialbook/plugin-yealink';
import type { Page } from 'playwright-core';
import { browserSuite, PHONE } from './support/app.js';
import { toolsPlugin } from './support/tools-plugin.js';

/** Run in the page by Playwright (this test's TypeScript has no DOM library). */
declare const getComputedStyle: (el: unknown, pseudo?: string) => { display: string; textAlign: string; content: string };

browserSuite('the admin app on a 390 px phone', { plugins: { yealink: yealinkPlugin, tools: toolsPlugin } }, (app) => {
  let contactId = '';
  let bookId = '';
  // Seeded once for the tests here, which only read it.
  beforeAll(async () => {
    const site = app.core.site.id;
    const c = app.core.dialbook.contacts;
    const long = await c.create(
      { siteId: site, firstName: 'Maximiliane', lastName: 'Oberstudienrätin-Schwarzenberger', organization: 'Landeshauptstadt Düsseldorf Stadtwerke Versorgung GmbH', department: 'Kundenbetreuung', tags: ['key-account', 'nachtschicht'], emails: ['maximiliane.oberstudienraetin-schwarzenberger@stadtwerke-duesseldorf.example'], phones: [{ type: 'work', number: '+49 211 123456789' }, { type: 'mobile', number: '0171 1234567' }] },
      systemActor,
    );
    contactId = long.id;
    await c.update(long.id, { phones: [{ type: 'mobile', number: '0171 1234567' }, { type: 'home', number: '0211 555' }], tags: ['key-account'] }, systemActor);
    for (const [firstName, lastName, department] of [['Anna', 'Berg', 'Sales'], ['Bernd', 'Conrad', 'Support'], ['Cem', 'Demir', 'Sales']] as const) await c.create({ siteId: site, firstName, lastName, department, phones: [{ number: '030 1234567' }] }, systemActor);
    bookId = (await app.core.dialbook.phonebooks.create({ siteId: site, name: 'Empfang und Zentrale Vermittlung', filter: {} })).id;
  });
  const onPhone = async () => (await app.signIn({ viewport: PHONE })).page;

  /** How far the page scrolls sideways (0: not at all). */
  const sideways = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

  test('no page scrolls sideways at 390 px', async () => {
    const page = await onPhone();
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
      ['/views/tools/phone-lookup?mac=001A2B3C4D5E', 'Phone lookup'],
      ['/import', 'Import'],
      ['/contacts?status=deleted', 'Contacts'],
      ['/routing/campaigns', 'Campaigns'],
      ['/routing/dids', 'DIDs'],
      ['/routing/clients', 'Clients'],
      ['/routing/test', 'Test a decision'],
      ['/routing/reports', 'Reports'],
    ];
    const wide: string[] = [];
    for (const [path, heading] of pages) {
      await page.goto(`${app.base}${path}`);
      await page.getByRole('heading', { level: 1, name: new RegExp(heading) }).first().waitFor();
      await page.locator('.state.loading').first().waitFor({ state: 'detached' }).catch(() => undefined);
      if (path === `/phonebooks/${bookId}`) await page.getByText('Provisioning snippet', { exact: true }).click();
      const by = await sideways(page);
      if (by > 0) wide.push(`${path} by ${by}px`);
      await app.shot(page, `narrow${path.replace(/[/?=]+/g, '-').replace(/-[0-9a-f-]{36}/, '-id')}`);
    }
    expect(wide).toEqual([]);
  });

  test('contacts are cards with labelled cells; the permanent-delete dialog fits the phone', async () => {
    const gone = await app.core.dialbook.contacts.create({ siteId: app.core.site.id, firstName: 'Egon', lastName: 'Ehemals', department: 'Archiv' }, systemActor);
    await app.core.dialbook.contacts.softDelete(gone.id, systemActor);
    const page = await onPhone();
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
    expect((await app.core.request(`/api/v1/contacts/${gone.id}`)).status).toBe(404);
  });

  test('History shows numbers added, removed and changed, not JSON', async () => {
    const page = await onPhone();
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
    const page = await onPhone();
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
    expect(await sideways(page)).toBe(0);
  });
});
