/**
 * E-mailing a person their PIN: the plugin's mail template (`<instance id>.pin-mail`, editable and
 * previewable like core's, with a fake PIN in the preview) and the contact and bulk actions that
 * send it through core's outbox. Core keeps a mail carrying the PIN only encrypted until it is
 * sent; the History row "PIN e-mailed" names the address, never the PIN.
 */
import type { ActionResult, ContactActionInput, PluginMailTemplate } from '@dialbook/core';
import { PIN_KEY, problemResult } from './pin.js';
import type { CucmRuntime } from './runtime.js';

export const PIN_MAIL: PluginMailTemplate = {
  id: 'pin-mail',
  label: 'CUCM: PIN mail',
  description: 'Tells a person their PIN (forced authorization code) for calls that ask for one.',
  subject: 'Your PIN for telephone calls',
  body:
    'Hello {first_name} {last_name},\n\n' +
    'your PIN (forced authorization code) is: {pin}\n\n' +
    'Dial it when your desk phone asks for an authorization code, for example before a long-distance call. ' +
    'Keep it to yourself: calls made with it are billed to you.\n\n' +
    '-- \nDialbook, {site}\n',
  placeholders: {
    first_name: 'first name of the person',
    last_name: 'last name of the person',
    name: 'the name the phonebook shows',
    email: 'the address the mail goes to',
    pin: 'the PIN (forced authorization code)',
    site: 'name of the site',
  },
  // What the preview shows: sample values, never a real PIN.
  sample: { first_name: 'Erika', last_name: 'Mustermann', name: 'Erika Mustermann', email: 'erika.mustermann@example.com', pin: '0000', site: 'Main office' },
  secret: ['pin'],
};

/** The History field of the row "PIN e-mailed". */
export const PIN_MAIL_FIELD = 'cucm.pin-mail';

/** The actions "Email PIN" and "Email PIN to every contact with one": one contact per run. */
export async function emailPin(rt: CucmRuntime, { contact, actor }: ContactActionInput): Promise<ActionResult> {
  const to = contact.emails[0];
  if (!to) return { ok: false, message: 'The contact has no e-mail address.' };
  try {
    const pin = await rt.ctx.contacts.getSecret(contact.id, PIN_KEY);
    if (!pin) return { ok: false, message: 'No PIN is stored for this contact: fetch it from CUCM first.' };
    const site = await rt.ctx.sites.get(contact.siteId);
    const { id } = await rt.ctx.mail.send({
      to,
      template: PIN_MAIL.id,
      data: { first_name: contact.firstName ?? '', last_name: contact.lastName ?? '', name: contact.displayName, email: to, pin, site: site.name },
    });
    await rt.ctx.contacts.recordHistory(contact.id, { field: PIN_MAIL_FIELD, note: `PIN e-mailed to ${to}` }, actor);
    return { ok: true, message: `PIN e-mailed to ${to}`, data: { mailId: id } };
  } catch (err) {
    return problemResult(err);
  }
}
