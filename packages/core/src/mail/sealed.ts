/**
 * Mails holding a secret (a PIN): their rendered subject and body are stored only encrypted, with
 * the settings' secret box (`DIALBOOK_SECRET_KEY`, AES-256-GCM, bound to the outbox row), opened by
 * the worker when it sends them and dropped once sent. The clear columns keep the subject with the
 * secrets masked, and a notice instead of the body, so the outbox can be listed and logged safely.
 */
import { DialbookError } from '../base/errors.js';
import { SECRET_KEY_HINT, type SecretBox, type SecretPlace } from '../base/secret-box.js';
import type { TemplateInfo } from './catalogue.js';
import { renderTemplate, type MailTemplate, type MailValue } from './templates.js';

/** What the `text` column holds while the real body is encrypted. */
export const SEALED_TEXT = '[encrypted until it is sent: this mail holds a secret]';
/** …and once it is sent. */
export const SENT_SEALED_TEXT = '[removed after sending: this mail held a secret]';
/** What stands for a secret in the stored (clear) subject. */
export const MASK = '••••';

const place = (id: string): SecretPlace => ({ category: 'mail_outbox', scope: id, label: `queued mail ${id}` });

/** The secret placeholders `data` gives a value (the mail must then be sealed). */
export const secretsIn = (info: TemplateInfo, data: Readonly<Record<string, MailValue>>): string[] =>
  info.secret.filter((k) => data[k] !== undefined && data[k] !== null && String(data[k]) !== '');

export interface SealedMail {
  /** The subject with every secret shown as {@link MASK}. */
  subject: string;
  text: string;
  sealed: string;
}

/**
 * Render `template` for row `id` and seal it. Without `DIALBOOK_SECRET_KEY` nothing secret may be
 * stored, so the mail is refused (409 `DIALBOOK_SECRET_KEY_MISSING`) before anything is queued.
 */
export function sealMail(box: SecretBox, id: string, info: TemplateInfo, template: MailTemplate, data: Readonly<Record<string, MailValue>>, secrets: readonly string[]): SealedMail {
  if (!box.configured) {
    throw new DialbookError(
      'DIALBOOK_SECRET_KEY_MISSING',
      `mail template "${info.id}" would carry a secret (${secrets.map((s) => `{${s}}`).join(', ')}), which is kept encrypted until the mail is sent; no key is set: ${SECRET_KEY_HINT}`,
      { status: 409, details: { template: info.id } },
    );
  }
  const rendered = renderTemplate(template, data, info.placeholders);
  const masked = renderTemplate(template, { ...data, ...Object.fromEntries(secrets.map((s) => [s, MASK])) }, info.placeholders);
  return { subject: masked.subject, text: SEALED_TEXT, sealed: box.encrypt({ subject: rendered.subject, text: rendered.text }, place(id)) };
}

/** The subject and body of a sealed row, for the worker about to send it. */
export function openMail(box: SecretBox, id: string, sealed: string): { subject: string; text: string } {
  const plain = box.decrypt(sealed, place(id));
  return { subject: String(plain.subject ?? ''), text: String(plain.text ?? '') };
}
