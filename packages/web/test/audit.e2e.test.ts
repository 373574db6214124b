/**
 * Chromium, the Audit page (with the Yealink renderer): a desk phone (Node `fetch` with a phone credential as
 * HTTP basic and a Yealink User-Agent) fetches a phonebook's Yealink directory (200, then 304 with the ETag);
 * the Audit page shows every kind of event, and filtered to directory fetches, then to the phonebook and the
 * last hour (and to an empty range), both fetches with device model, MAC, firmware, status and client
 * address; on a tablet each event is a card with labelled cells.
 */
import { expect, test } from 'vitest';
import yealinkPlugin from '@dialbook/plugin-yealink';
import { browserSuite, LAPTOP, TABLET } from './support/app.js';

/** Run in the page by Playwright (this test's TypeScript has no DOM library). */
declare const getComputedStyle: (el: unknown, pseudo?: string) => { display: string; content: string };

browserSuite('audit', { plugins: { yealink: yealinkPlugin } }, (app) => {
  test('a desk phone fetches the directory; the Audit page shows the fetches with the device', async () => {
    const created = await app.core.request('/api/v1/phonebooks', { method: 'POST', json: { siteId: app.core.site.id, name: 'Reception', filter: {} } });
    expect(created.status).toBe(201);
    const book = (await created.json()) as { id: string };
    const issued = await app.core.request(`/api/v1/phonebooks/${book.id}/credentials`, { method: 'POST', json: { name: 'Lobby phones' } });
    expect(issued.status).toBe(201);
    const phoneCredential = (await issued.json()) as { username: string; secret: string };
    // As a Yealink phone does it: HTTP basic with the credential, its User-Agent naming model, firmware and MAC.
    const headers = { authorization: `Basic ${Buffer.from(`${phoneCredential.username}:${phoneCredential.secret}`).toString('base64')}`, 'user-agent': 'Yealink SIP-T46U 108.86.0.45 80:5e:c0:aa:bb:cc' };
    const first = await fetch(`${app.base}/directory/${book.id}/yealink`, { headers });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('xml');
    expect(await first.text()).toContain('<YealinkIPPhone');
    const again = await fetch(`${app.base}/directory/${book.id}/yealink`, { headers: { ...headers, 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);

    const { page } = await app.signIn();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit', level: 1 }).waitFor();
    await page.locator('table.audit tbody tr').first().waitFor(); // sign-ins, account and API changes so far
    await page.getByRole('button', { name: 'Sign-up' }).first().waitFor();
    await app.shot(page, 'audit-all');
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
    await app.shot(page, 'audit');
    const tomorrow = new Date(Date.now() + 24 * 3_600_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    await page.getByLabel('From').fill(`${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}T08:00`);
    await page.getByText('No audit event matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Last 24 hours' }).click();
    await expect.poll(() => rows.count()).toBe(2);

    // On a tablet each event is a card with labelled cells.
    await page.setViewportSize(TABLET);
    await rows.first().getByText('MAC').waitFor();
    expect(await rows.first().evaluate((el) => getComputedStyle(el).display)).toBe('grid');
    expect(await rows.first().locator('td[data-label="Details"]').evaluate((el) => getComputedStyle(el, '::before').content)).toBe('"Details"');
    await app.shot(page, 'audit-tablet');
    // Back on a laptop it is a table again.
    await page.setViewportSize(LAPTOP);
    await expect.poll(() => rows.first().evaluate((el) => getComputedStyle(el).display)).toBe('table-row');
  });
});
