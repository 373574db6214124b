/**
 * Chromium: a phonebook's provisioning snippet follows its phone credential without a reload. Before there is
 * one, the page points at the Create credential button (not at the API); after creating it, the Yealink
 * snippet and URLs carry its user name at once, and the secret, URLs and snippet copy to the clipboard.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { testDatabaseKind } from '@dialbook/core/testing';
import yealinkPlugin from '@dialbook/plugin-yealink';
import { browserTestsMissing, startApp, type RunningApp } from './support/app.js';

const missing = browserTestsMissing('the snippet Chromium test');

describe.skipIf(missing.length > 0)(`provisioning snippet refresh in Chromium (${testDatabaseKind()})`, () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ plugins: { yealink: yealinkPlugin } });
  });
  afterAll(() => app?.close());

  test('create a credential: the snippet shows its user name without a reload; copy buttons copy', async () => {
    const res = await app.core.request('/api/v1/phonebooks', { method: 'POST', json: { siteId: app.core.site.id, name: 'Front desk', filter: {} } });
    const book = (await res.json()) as { id: string };
    const { page } = await app.signInAdmin();
    await page.goto(`${app.base}/phonebooks/${book.id}`);
    await page.getByRole('heading', { name: 'Front desk', level: 1 }).waitFor();
    const urls = page.locator('.card', { hasText: 'Directory URLs' });
    await urls.getByRole('heading', { name: 'Yealink' }).waitFor();
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

  test('no console errors and no page errors', () => {
    expect(app.problems).toEqual([]);
  });
});
