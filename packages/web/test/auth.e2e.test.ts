/**
 * Chromium, signing in and out, mailing through a real SMTP server: an administrator created through the API
 * signs up from the mailed link (a too-short password refused first); a signed-in user signs out, resets the
 * password from the mailed link and signs in with the new one.
 */
import { expect, test } from 'vitest';
import { browserSuite } from './support/app.js';

browserSuite('sign-up, sign-in and password reset', { mail: true }, (app) => {
  test('an administrator created through the API signs up from the mailed link', async () => {
    const email = 'ana.admin@example.com';
    const created = await app.core.request('/api/v1/users', { method: 'POST', json: { email, firstName: 'Ana', lastName: 'Admin', role: 'admin' } });
    expect(created.status).toBe(201);
    const link = await app.linkFromMail(email, '/signup');
    const { page } = await app.newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: /set your password/i }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('New password again').fill('short');
    app.expected.add('422 /api/v1/auth/signup');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByText('a password needs at least 10 characters').waitFor();
    await app.shot(page, 'signup');
    await page.getByLabel('New password', { exact: true }).fill('first-password-123');
    await page.getByLabel('New password again').fill('first-password-123');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await page.getByText(email).waitFor();
  });

  test('sign out, reset the password from the mailed link, sign in with the new one', async () => {
    const { page, email } = await app.signIn();
    const newPassword = 'second-password-456';
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await app.shot(page, 'signin');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('E-mail').fill(email);
    const before = app.smtp.to(email).length;
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText(/a link to set a new password is on its way/).waitFor();
    const link = await app.linkFromMail(email, '/reset-password', before);
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('New password again').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed').waitFor();
    await app.shot(page, 'reset-password');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(newPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
  });
});
