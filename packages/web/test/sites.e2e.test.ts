/**
 * Chromium, the Sites page: the list (sorted by a column); a site's country is picked from a searchable list of
 * ISO 3166 countries. Typing "Germany" gives DE (not "Ge", Georgia); text that names no country, such as "XX",
 * is refused at the field before anything is sent; a site is edited (name, slug, country) in a dialog. The
 * delete dialog opened from a table row is whole, in the viewport, with its title at the left.
 */
import { expect, test } from 'vitest';
import { browserSuite } from './support/app.js';

/** Run in the page by Playwright (this test's TypeScript has no DOM library). */
declare const getComputedStyle: (el: unknown, pseudo?: string) => { display: string; textAlign: string; content: string };

browserSuite('sites', {}, (app) => {
  const sites = async () => ((await (await app.core.request('/api/v1/sites')).json()) as { items: { id: string; name: string; slug: string; defaultCountry: string | null }[] }).items;

  test('the list of sites, sorted by a column', async () => {
    for (const [name, defaultCountry] of [['Aachen office', 'DE'], ['Wien office', 'AT']]) expect((await app.core.request('/api/v1/sites', { method: 'POST', json: { name, defaultCountry } })).status).toBe(201);
    const { page } = await app.signIn();
    await page.getByRole('link', { name: 'Sites' }).click();
    await page.getByRole('cell', { name: 'Test site', exact: true }).waitFor();
    await app.shot(page, 'sites');
    const table = page.getByRole('table', { name: 'Sites' });
    const countries = () => table.locator('td[data-label="Country"]').allTextContents();
    const ascending = [...(await countries())].sort((a, b) => a.localeCompare(b));
    expect(ascending).toEqual(expect.arrayContaining(['Austria (AT)', 'Germany (DE)']));
    await table.getByRole('button', { name: 'Country' }).click();
    await expect.poll(countries).toEqual(ascending);
    await table.getByRole('button', { name: 'Country' }).click();
    await expect.poll(countries).toEqual([...ascending].reverse());
    expect(await table.getByRole('columnheader', { name: 'Country' }).getAttribute('aria-sort')).toBe('descending');
  });

  test('create a site: "Germany" is DE; "XX" and a bare "Ge" are refused at the field', async () => {
    const { page } = await app.signIn();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sites' }).click();
    const form = page.getByRole('form', { name: 'New site' });
    const country = form.getByRole('combobox', { name: 'Country' });

    // Something that is no country: refused here, nothing sent.
    await form.getByLabel('Name', { exact: true }).fill('Nowhere');
    await country.fill('XX');
    await page.getByRole('listbox').getByText('No country matches').waitFor();
    await form.getByRole('button', { name: 'Create site' }).click();
    await form.getByText('"XX" is not a country in the list').waitFor();
    // A prefix is not a choice either: "Ge" matches Georgia, Germany, … and picks none of them.
    await country.fill('Ge');
    const options = page.getByRole('listbox').getByRole('option');
    await expect.poll(() => options.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Georgia'), expect.stringContaining('Germany')]));
    await form.getByRole('button', { name: 'Create site' }).click();
    await form.getByText('"Ge" is not a country in the list').waitFor();
    expect((await sites()).map((s) => s.name)).not.toContain('Nowhere');

    // Typed in full, by name: Germany (DE).
    await form.getByLabel('Name', { exact: true }).fill('Berlin office');
    await country.fill('Germany');
    await expect.poll(() => options.allTextContents()).toEqual(['GermanyDE']);
    await country.press('Enter');
    expect(await country.inputValue()).toBe('Germany');
    await app.shot(page, 'country-picker');
    await form.getByRole('button', { name: 'Create site' }).click();
    await page.locator('tr', { hasText: 'Berlin office' }).getByRole('cell', { name: 'Germany (DE)' }).waitFor();
    expect((await sites()).find((s) => s.name === 'Berlin office')?.defaultCountry).toBe('DE');

    // By ISO code, with the keyboard: "ch" → Switzerland.
    await form.getByLabel('Name', { exact: true }).fill('Zürich office');
    await country.fill('ch');
    await expect.poll(() => options.first().textContent()).toContain('Switzerland');
    await country.press('ArrowDown');
    await expect.poll(() => country.getAttribute('aria-activedescendant')).toMatch(/item-0$/);
    await country.press('Enter');
    expect(await country.inputValue()).toBe('Switzerland');
    await form.getByRole('button', { name: 'Create site' }).click();
    await page.locator('tr', { hasText: 'Zürich office' }).getByRole('cell', { name: 'Switzerland (CH)' }).waitFor();
  });

  test('edit a site in a dialog: name, slug and country; the delete dialog is whole and left-aligned', async () => {
    expect((await app.core.request('/api/v1/sites', { method: 'POST', json: { name: 'Munich office', defaultCountry: 'DE' } })).status).toBe(201);
    const { page } = await app.signIn();
    await page.goto(`${app.base}/sites`);
    await page.getByRole('button', { name: 'Edit Munich office' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Munich office' });
    await dialog.waitFor();
    await dialog.getByLabel('Name', { exact: true }).fill('Vienna office');
    await dialog.getByLabel('Slug').fill('vienna');
    const country = dialog.getByRole('combobox', { name: 'Country' });
    await country.fill('Austr');
    await page.getByRole('option', { name: /Austria/ }).click();
    await app.shot(page, 'site-edit');
    await dialog.getByRole('button', { name: 'Save site' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('tr', { hasText: 'Vienna office' }).getByRole('cell', { name: 'Austria (AT)' }).waitFor();
    expect((await sites()).find((s) => s.slug === 'vienna')).toMatchObject({ name: 'Vienna office', defaultCountry: 'AT' });

    // The confirmation from a row: in a portal, entirely in the viewport, its title at the left.
    await page.locator('tr', { hasText: 'Vienna office' }).getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete site' });
    await confirm.waitFor();
    const box = (await confirm.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(1280);
    expect(box.y + box.height).toBeLessThanOrEqual(860);
    expect(await confirm.evaluate((el) => el.closest('table') === null)).toBe(true);
    expect(await confirm.getByRole('heading', { name: 'Delete site' }).evaluate((el) => getComputedStyle(el).textAlign)).toMatch(/left|start/);
    // Focus starts on Cancel; Escape closes and returns focus to the button.
    expect(await page.evaluate<string | null>('document.activeElement && document.activeElement.textContent')).toBe('Cancel');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    await app.shot(page, 'sites-edited');
  });
});
