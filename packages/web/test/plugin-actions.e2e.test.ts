/**
 * Chromium: what a plugin adds to contacts and mail, drawn by the admin app without plugin-specific
 * code (issue 12). A test plugin registers a PIN mail template, a contact action "Email PIN" and a bulk
 * action "Email PINs". On a contact's page the action runs and shows its result (the mail arrives at a
 * real SMTP server with the PIN), and is disabled with the reason for a contact without an e-mail
 * address; on the contacts list the bulk action runs over the current filter and shows a report per
 * contact; the e-mail settings list the plugin template with its placeholders and preview it with
 * sample data.
 */
import { beforeAll, expect, test } from 'vitest';
import { definePlugin, systemActor, type ContactActionInput, type ContactDto, type PluginContext } from '@dialbook/core';
import { eventually } from '@dialbook/core/testing';
import { browserSuite } from './support/app.js';

const pinMailer = definePlugin({
  name: 'pin-mailer',
  setup(ctx: PluginContext) {
    ctx.mail.registerTemplate({
      id: 'pin-mail',
      label: 'PIN e-mail',
      subject: 'Your PIN',
      body: 'Hello {first_name},\n\nyour PIN is {pin}.\n',
      placeholders: { first_name: 'first name of the person', pin: 'the PIN' },
      sample: { first_name: 'Erika', pin: '4711' },
      secret: ['pin'],
    });
    const emailPin = async ({ contact }: ContactActionInput) => {
      await ctx.mail.send({ to: contact.emails[0]!, template: 'pin-mail', data: { first_name: contact.firstName, pin: String(contact.attributes.crm?.pin) } });
      return { ok: true, message: `PIN e-mailed to ${contact.emails[0]}` };
    };
    const when = { hasEmail: true, hasAttribute: ['crm.pin'] };
    ctx.actions.register({ id: 'email-pin', label: 'Email PIN', description: 'Sends the person their PIN', scope: 'contact', when, run: emailPin });
    ctx.actions.register({ id: 'email-pins', label: 'Email PINs', description: 'Sends each person their PIN', scope: 'contacts', when, run: emailPin });
  },
});

browserSuite('contact actions, bulk actions and plugin mail templates', { plugins: { crm: pinMailer }, mail: true }, (app) => {
  let ana: ContactDto;
  let bob: ContactDto;
  beforeAll(async () => {
    const add = (body: Record<string, unknown>) => app.core.dialbook.contacts.create({ siteId: app.core.site.id, department: 'Field', ...body }, systemActor);
    ana = await add({ firstName: 'Ana', lastName: 'Lima', emails: ['ana@example.net'], attributes: { crm: { pin: '246810' } } });
    bob = await add({ firstName: 'Bob', lastName: 'Noemail', attributes: { crm: { pin: '13579' } } });
    await add({ firstName: 'Cleo', lastName: 'Nopin', emails: ['cleo@example.net'] });
    await add({ firstName: 'Dan', lastName: 'Desk', department: 'Office', emails: ['dan@example.net'], attributes: { crm: { pin: '1111' } } });
  });

  test("a contact action runs from the contact's page; one that does not apply is disabled with the reason", async () => {
    const { page } = await app.signIn();
    await page.goto(`${app.base}/contacts/${ana.id}`);
    const card = page.locator('.contact-actions');
    await card.getByRole('button', { name: 'Email PIN' }).click();
    await card.getByRole('status', { name: 'Email PIN result' }).getByText('PIN e-mailed to ana@example.net').waitFor();
    await app.shot(page, 'contact-actions');
    await app.core.dialbook.mail.flush();
    const mail = await eventually('the PIN mail', () => app.smtp.to('ana@example.net')[0]);
    expect(mail.text).toContain('your PIN is 246810.');

    await page.goto(`${app.base}/contacts/${bob.id}`);
    const button = page.locator('.contact-actions').getByRole('button', { name: 'Email PIN' });
    await button.waitFor();
    expect(await button.isDisabled()).toBe(true);
    await page.locator('.contact-actions').getByText('Not available: The contact has no e-mail address.').waitFor();
  });

  test('a bulk action runs over the filtered list and reports each contact', async () => {
    const { page } = await app.signIn();
    const before = app.smtp.to('ana@example.net').length;
    await page.goto(`${app.base}/contacts?department=Field`);
    await page.getByRole('button', { name: 'Bulk actions…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run a bulk action' });
    await dialog.getByLabel('Action', { exact: true }).selectOption({ label: 'Email PINs' });
    await dialog.getByText('the contacts of the current list (3)').waitFor();
    await dialog.getByRole('button', { name: 'Run “Email PINs”' }).click();
    const report = dialog.getByRole('region', { name: 'Bulk action report' });
    await report.getByText('1 done').waitFor();
    expect(await report.getByRole('status').textContent()).toBe('1 done, 0 failed, 2 skipped, of 3 contact(s).');
    const rows = report.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    await report.locator('tr', { hasText: 'Bob Noemail' }).getByText('the contact has no e-mail address').waitFor();
    await report.locator('tr', { hasText: 'Cleo Nopin' }).getByText('the contact has no crm.pin attribute').waitFor();
    await report.locator('tr', { hasText: 'Ana Lima' }).getByText('done', { exact: true }).waitFor();
    await app.shot(page, 'bulk-report');
    await app.core.dialbook.mail.flush();
    expect(app.smtp.to('ana@example.net')).toHaveLength(before + 1);
    expect(app.smtp.to('dan@example.net')).toHaveLength(0); // not in the filter
  });

  test('the plugin template is listed with its placeholders and previewed with sample data', async () => {
    const { page } = await app.signIn();
    await page.goto(`${app.base}/settings/email`);
    const card = page.locator('.card', { hasText: 'Templates and preview' });
    await card.getByLabel('Template', { exact: true }).selectOption({ label: 'PIN e-mail (plugin crm)' });
    const details = card.getByLabel('Template details');
    await details.getByText('crm.pin-mail').waitFor();
    await details.getByText('secret: kept encrypted until sent').waitFor();
    await card.getByRole('button', { name: 'Preview' }).click();
    const preview = card.getByLabel('Preview');
    await preview.getByText('your PIN is 4711.').waitFor();
    expect(await preview.textContent()).not.toContain('246810');
    // The settings form has the plugin's template, under its plugin, to edit.
    await page.getByText('Templates of plugin crm').waitFor();
    await app.shot(page, 'mail-plugin-template');
  });
});
