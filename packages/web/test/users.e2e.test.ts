/**
 * Chromium, the Users page. With mail set up (a real SMTP server): an administrator invites a user with a
 * site, the user's row says so, and the mailed sign-up link signs the user up in another browser; a user's
 * sites are changed in the Edit dialog. Without mail: the page says so, and an administrator copies an invited
 * user's sign-up link (a fresh one each time), which signs the user up in another browser.
 */
import { expect, test } from 'vitest';
import { browserSuite, type RunningApp } from './support/app.js';

/** The invited user opens `link` in a browser of their own, chooses a password and is signed in. */
const signUpFrom = async (app: RunningApp, link: string, password: string) => {
  const { page } = await app.newPage();
  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('New password again').fill(password);
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
};

browserSuite('users and invitations', { mail: true }, (app) => {
  test('invite a user with a site: the row shows it, the mailed link signs the user up', async () => {
    const { page } = await app.signIn();
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('E-mail').fill('bob.user@example.com');
    await page.locator('form', { hasText: 'Invite a user' }).getByLabel('Test site').check();
    await page.getByRole('button', { name: 'Send invitation', exact: true }).click();
    await page.getByText('Invited bob.user@example.com').waitFor();
    const bob = page.getByRole('table', { name: 'Users' }).locator('tr', { hasText: 'bob.user@example.com' });
    await bob.getByRole('cell', { name: 'Test site', exact: true }).waitFor();
    await bob.getByText('invited', { exact: true }).waitFor();
    await app.shot(page, 'users');
    await signUpFrom(app, await app.linkFromMail('bob.user@example.com', '/signup'), 'bob-password-123');
    await page.reload();
    await bob.getByText('active', { exact: true }).waitFor();
  });

  test("change a user's sites in the Edit dialog", async () => {
    const site = await app.core.request('/api/v1/sites', { method: 'POST', json: { name: 'Hamburg office', defaultCountry: 'DE' } });
    expect(site.status).toBe(201);
    const invited = await app.core.request('/api/v1/users', { method: 'POST', json: { email: 'clara.site@example.com', role: 'user', siteIds: [app.core.site.id] } });
    expect(invited.status).toBe(201);
    const { page } = await app.signIn();
    await page.goto(`${app.base}/users`);
    const row = page.locator('tr', { hasText: 'clara.site@example.com' });
    await row.getByRole('cell', { name: 'Test site', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Edit clara.site@example.com' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit clara.site@example.com' });
    await dialog.getByLabel('Hamburg office').check();
    await dialog.getByLabel('Test site').uncheck();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByRole('cell', { name: 'Hamburg office', exact: true }).waitFor();
    const users = (await (await app.core.request('/api/v1/users')).json()) as { items: { email: string; siteIds: string[] }[] };
    expect(users.items.find((u) => u.email === 'clara.site@example.com')?.siteIds).toEqual([((await site.json()) as { id: string }).id]);
  });
});

browserSuite('invitations without mail', {}, (app) => {
  test('the banner says mail is not configured; Copy invitation link gives a link that works', async () => {
    const { page } = await app.signIn();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    const banner = page.getByRole('note', { name: 'Mail not configured' });
    await banner.getByText('the SMTP server and the sender address').waitFor();
    await banner.getByRole('link', { name: 'Settings → E-mail' }).waitFor();

    await page.getByLabel('E-mail', { exact: true }).fill('carla.neu@example.test');
    await page.locator('form', { hasText: 'Invite a user' }).getByLabel('Test site').check();
    await page.getByRole('button', { name: 'Send invitation', exact: true }).click();
    await page.getByText('Mail is not configured, so the link waits in the outbox').waitFor();
    const row = page.locator('tr', { hasText: 'carla.neu@example.test' });
    await row.getByRole('button', { name: 'Copy invitation link' }).click();
    const box = page.getByLabel('Invitation link for carla.neu@example.test');
    const link = (await box.locator('code').textContent()) ?? '';
    expect(link).toMatch(new RegExp(`^${app.base}/signup\\?token=`));
    await box.getByRole('button', { name: 'Copy invitation link for carla.neu@example.test' }).click();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(link);
    await app.shot(page, 'users-invitation-link');
    // A fresh link each time: opened again, the dialog has another one (the first no longer works).
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'detached' });
    await row.getByRole('button', { name: 'Copy invitation link' }).click();
    await expect.poll(async () => (await box.locator('code').textContent()) ?? link).not.toBe(link);
    const fresh = (await box.locator('code').textContent())!;
    const stale = await app.core.request('/api/v1/auth/signup', { method: 'POST', anonymous: true, json: { token: new URL(link).searchParams.get('token'), password: 'stale-password-123' } });
    expect(stale.status).toBeGreaterThanOrEqual(400);

    await signUpFrom(app, fresh, 'carla-password-123');
  });
});
