/**
 * Chromium, the Phonebooks pages (with the Yealink renderer): creating a phonebook and a phone credential whose
 * secret is shown once; the list sorted by a column; a phonebook's directory URLs and provisioning snippet; the
 * snippet following a credential created or revoked on the page without a reload (before there is one, the page
 * points at the Create credential button, not at the API); copy buttons for the secret, a URL and the snippet.
 */
import { expect, test } from 'vitest';
import yealinkPlugin from '@dialbook/plugin-yealink';
import { browserSuite } from './support/app.js';

browserSuite('phonebooks', { plugins: { yealink: yealinkPlugin } }, (app) => {
  /** A phonebook of the whole test site, made through the API. */
  const seedBook = async (name: string) => {
    const res = await app.core.request('/api/v1/phonebooks', { method: 'POST', json: { siteId: app.core.site.id, name, filter: {} } });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string };
  };
  /** A new phonebook of this name, open in the browser of a new administrator, its Yealink directory URLs shown. */
  const openBook = async (name: string) => {
    const book = await seedBook(name);
    const { page } = await app.signIn();
    await page.goto(`${app.base}/phonebooks/${book.id}`);
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    const urls = page.locator('.card', { hasText: 'Directory URLs' });
    await urls.getByRole('heading', { name: 'Yealink' }).waitFor();
    return { book, page, urls };
  };

  test('create a phonebook and a phone credential (its secret shown once)', async () => {
    const { page } = await app.signIn();
    await page.getByRole('link', { name: 'Phonebooks' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Reception');
    await page.getByRole('button', { name: 'Create phonebook' }).click();
    await page.getByRole('heading', { name: 'Reception' }).waitFor();
    await page.getByLabel('New credential name').fill('Lobby phones');
    await page.getByRole('button', { name: 'Create credential' }).click();
    await page.getByText('Copy these now').waitFor();
    const shown = page.locator('.notice dd code');
    expect((await shown.nth(0).textContent()) ?? '').not.toBe('');
    expect((await shown.nth(1).textContent()) ?? '').not.toBe('');
    await page.getByRole('heading', { name: 'Directory URLs' }).waitFor();
    await page.locator('.card', { hasText: 'Directory URLs' }).locator('.state.loading').waitFor({ state: 'detached' });
    await app.shot(page, 'phonebook');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByText('Lobby phones').waitFor();
    // Shown once: after Done the secret is gone from the page.
    expect(await page.locator('.notice dd code').count()).toBe(0);
  });

  test('the list sorts by a column, with the keyboard too', async () => {
    for (const name of ['Zentrale', 'Annahme', 'Lager']) await seedBook(name);
    const { page } = await app.signIn();
    await page.goto(`${app.base}/phonebooks`);
    const table = page.getByRole('table', { name: 'Phonebooks' });
    const names = () => table.locator('tbody tr td:first-child a').allTextContents();
    await table.getByRole('link', { name: 'Zentrale' }).waitFor();
    const sortByName = table.getByRole('button', { name: 'Name' });
    await sortByName.click();
    await expect.poll(names).toEqual([...(await names())].sort((a, b) => a.localeCompare(b)));
    expect(await table.getByRole('columnheader', { name: 'Name' }).getAttribute('aria-sort')).toBe('ascending');
    await sortByName.focus();
    await page.keyboard.press('Enter');
    await expect.poll(names).toEqual([...(await names())].sort((a, b) => b.localeCompare(a)));
    expect(await table.getByRole('columnheader', { name: 'Name' }).getAttribute('aria-sort')).toBe('descending');
  });

  test('directory URLs per vendor and the provisioning snippet', async () => {
    // In-process Yealink renderer: fetch URLs and the provisioning snippet.
    const { book, page, urls } = await openBook('Empfang');
    await urls.getByText(`${app.base}/directory/${book.id}/yealink`, { exact: true }).waitFor();
    await urls.getByText('Provisioning snippet').click();
    const snippet = urls.locator('pre').first();
    await snippet.waitFor();
    expect(await snippet.textContent()).toMatch(/remote_phonebook\.data\.\d+\.url = http:\/\/127\.0\.0\.1:\d+\/directory\/.*yealink/);
    expect(await snippet.textContent()).toContain('features.remote_phonebook.enable = 1');
    await page.locator('.card', { hasText: 'Remote vendor services' }).getByText('No remote vendor service is connected').waitFor();
    await app.shot(page, 'phonebook-directory');
  });

  test('create a credential: the snippet shows its user name without a reload; copy buttons copy', async () => {
    const { book, page, urls } = await openBook('Front desk');
    const notice = page.getByTestId('no-credential');
    await notice.waitFor();
    expect(await notice.textContent()).not.toContain('/api/v1');
    await urls.getByText('Provisioning snippet', { exact: true }).click();
    const snippet = page.getByLabel('Yealink provisioning snippet', { exact: true });
    expect(await snippet.textContent()).toMatch(/remote_phonebook\.data\.\d+\.username = \n/);
    await app.shot(page, 'snippet-before');

    // The notice's button leads to the credential form.
    await notice.getByRole('button', { name: /Create a credential/ }).click();
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement && document.activeElement.id')).toBe('new-credential-name');
    await page.keyboard.type('Reception phones');
    await page.getByRole('button', { name: 'Create credential' }).click();
    await page.getByText('Copy these now').waitFor();
    const username = (await page.locator('.notice dd code').nth(0).textContent()) ?? '';
    const secret = (await page.locator('.notice dd code').nth(1).textContent()) ?? '';
    expect(username).not.toBe('');

    // Same page, no reload: the snippet and the notice follow the new credential.
    await expect.poll(() => snippet.textContent(), { timeout: 5_000 }).toContain(`.username = ${username}`);
    await notice.waitFor({ state: 'detached' });
    expect(await page.evaluate<number>("performance.getEntriesByType('navigation').length")).toBe(1);
    await app.shot(page, 'snippet-after');

    // Copy buttons: the secret, a URL, the snippet.
    const clipboard = () => page.evaluate<string>('navigator.clipboard.readText()');
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await page.locator('.notice').getByText('Copied.').first().waitFor();
    expect(await clipboard()).toBe(secret);
    await page.getByRole('button', { name: 'Copy Fetch (HTTP basic) URL' }).first().click();
    expect(await clipboard()).toBe(`${app.base}/directory/${book.id}/yealink`);
    await page.getByRole('button', { name: 'Copy Yealink provisioning snippet' }).click();
    expect(await clipboard()).toBe(await snippet.textContent());

    // Revoking it brings the notice back, again without a reload.
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
    await notice.waitFor();
    expect(await snippet.textContent()).not.toContain(username);
  });
});
