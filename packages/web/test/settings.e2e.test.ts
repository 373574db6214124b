/**
 * Chromium, Settings, mailing through a real SMTP server: a setting changed in the form rendered from its
 * category's JSON Schema (saved through the API), secrets write-only, the mail template preview with a draft,
 * and a test mail that arrives with the new sender name.
 */
import { expect, test } from 'vitest';
import { browserSuite } from './support/app.js';

browserSuite('settings', { mail: true }, (app) => {
  test('change a setting in the form rendered from its schema, and preview and test-send mail', async () => {
    const { page } = await app.signIn();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'E-mail', level: 2 }).waitFor();
    await page.locator('details.schema-group', { hasText: 'Sender' }).first().locator('summary').first().waitFor();
    const name = page.getByLabel('Sender name', { exact: true });
    await name.fill('Dialbook Test Desk');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    const saved = (await (await app.core.request('/api/v1/settings/email')).json()) as { values: { from: { name: string } } };
    expect(saved.values.from.name).toBe('Dialbook Test Desk');
    // Secrets are write-only: the SMTP password shows only as "not set".
    await expect.poll(() => page.getByLabel(/^Password/).getAttribute('type')).toBe('password');
    await page.getByLabel('Draft subject').fill('Hello {first_name}');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByLabel('Preview').getByText(/Subject:\s*Hello/).waitFor();
    await page.getByLabel('Send test mail to').fill('desk@example.com');
    await page.getByRole('button', { name: 'Send test mail' }).click();
    await page.getByText(/Sent to desk@example.com/).waitFor();
    expect(app.smtp.to('desk@example.com')[0]?.headers.from).toContain('Dialbook Test Desk');
    await app.shot(page, 'settings-email');
  });
});
