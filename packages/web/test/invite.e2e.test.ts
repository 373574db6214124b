/**
 * Chromium: with mail not set up, the Users page says so, and an administrator copies an invited user's
 * sign-up link (a fresh one each time); the copied link signs the user up in another browser.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { testDatabaseKind } from '@dialbook/core/testing';
import { browserTestsMissing, startApp, type RunningApp } from './support/app.js';

const missing = browserTestsMissing('the invitation-link Chromium test');

describe.skipIf(missing.length > 0)(`invitations without mail in Chromium (${testDatabaseKind()})`, () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app?.close());

  test('the banner says mail is not configured; Copy invitation link gives a link that works', async () => {
    const { page } = await app.signInAdmin();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    const banner = page.getByRole('note', { name: 'Mail not configured' });
    await banner.getByText('the SMTP server and the sender address').waitFor();
    await banner.getByRole('link', { name: 'Settings → E-mail' }).waitFor();

    await page.getByLabel('E-mail', { exact: true }).fill('carla.neu@example.test');
    await page.locator('form', { hasText: 'Invite a user' }).getByLabel('Test site').check();
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Mail is not configured, so the link waits in the outbox').waitFor();
    const row = page.locator('tr', { hasText: 'carla.neu@example.test' });
    await row.getByRole('button', { name: 'Copy invitation link' }).click();
    const box = page.getByLabel('Invitation link for carla.neu@example.test');
    const link = (await box.locator('code').textContent()) ?? '';
    expect(link).toMatch(new RegExp(`^${app.base}/signup\\?token=`));
    await box.getByRole('button', { name: 'Copy invitation link for carla.neu@example.test' }).click();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(link);
    await app.shot(page, 'users-invitation-link');

    const { page: carla } = await app.newPage();
    await carla.goto(link);
    await carla.getByLabel('New password', { exact: true }).fill('carla-password-123');
    await carla.getByLabel('New password again').fill('carla-password-123');
    await carla.getByRole('button', { name: 'Set password and sign in' }).click();
    await carla.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
  });

  test('no console errors and no page errors', () => {
    expect(app.problems).toEqual([]);
  });
});
