/**
 * Mail templates: a subject and a plain-text body with placeholders such as
 * `{first_name}` or `{link}`. Values are inserted as plain text (mails are
 * text/plain); line breaks in a value never reach the subject header.
 */

/** Every placeholder a template may use. Unknown ones are refused when a template is saved. */
export const PLACEHOLDERS = {
  first_name: 'first name of the recipient',
  last_name: 'last name of the recipient',
  name: 'full name of the recipient (or the e-mail address)',
  email: 'e-mail address of the recipient',
  link: 'the link the mail is about (sign-up, password reset, the site in the admin app)',
  pin: 'a PIN or code',
  site: 'name of the site',
  phonebook: 'name of the phonebook',
  expires: 'when the link stops working',
  url: 'base URL of this Dialbook (config server.publicUrl)',
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;
/** A value for a placeholder: text, a number, a time (shown as `2025-01-31 14:05 UTC`); null and undefined show as nothing. */
export type MailValue = string | number | Date | null | undefined;
export type TemplateData = Partial<Record<Placeholder, MailValue>>;

export const TEMPLATE_IDS = ['signup', 'password_reset', 'site_added', 'phonebook_added', 'test'] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

export interface MailTemplate {
  subject: string;
  body: string;
}

export const DEFAULT_TEMPLATES: Record<TemplateId, MailTemplate> = {
  signup: {
    subject: 'Complete your Dialbook registration',
    body: 'Hello {first_name},\n\nan account for {email} was created for you on Dialbook.\nChoose your password here to complete the registration:\n\n{link}\n\nThe link is valid for 12 hours (until {expires}). If you did not expect this mail, ignore it.\n',
  },
  password_reset: {
    subject: 'Reset your Dialbook password',
    body: 'Hello {first_name},\n\nsomeone asked to reset the password of {email} on Dialbook.\nChoose a new password here:\n\n{link}\n\nThe link is valid until {expires}. If it was not you, ignore this mail; your password stays as it is.\n',
  },
  site_added: {
    subject: 'New site in Dialbook: {site}',
    body: 'Hello {first_name},\n\nthe site "{site}" was added to Dialbook.\n\n{link}\n',
  },
  phonebook_added: {
    subject: 'New phonebook in {site}: {phonebook}',
    body: 'Hello {first_name},\n\nthe phonebook "{phonebook}" was added to the site "{site}" in Dialbook.\n\n{link}\n',
  },
  test: {
    subject: 'Dialbook test mail',
    body: 'Hello,\n\nthis is a test mail from Dialbook ({url}). If you can read it, mail delivery works.\n',
  },
};

/** How the settings form and the template list name each core template. */
export const TEMPLATE_TITLES: Record<TemplateId, string> = {
  signup: 'Sign-up invitation',
  password_reset: 'Password reset',
  site_added: 'New site',
  phonebook_added: 'New phonebook',
  test: 'Test mail',
};

/** A placeholder in a template: `{first_name}`. Names are lower-case letters, digits and `_`. */
export const PLACEHOLDER = /\{([a-z][a-z0-9_]*)\}/g;
export const PLACEHOLDER_NAME = /^[a-z][a-z0-9_]*$/;

/** Placeholders in `text` that are not among `known` (core templates: {@link PLACEHOLDERS}). */
export function unknownPlaceholders(text: string, known: Readonly<Record<string, unknown>> = PLACEHOLDERS): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((p) => !Object.hasOwn(known, p)))];
}

const show = (v: MailValue): string => {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return `${v.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return String(v);
};

/**
 * Fill the placeholders `known` names (missing values become empty; anything else in braces stays
 * as written); the subject is kept on one line.
 */
export function renderTemplate(template: MailTemplate, data: Readonly<Record<string, MailValue>>, known: Readonly<Record<string, unknown>> = PLACEHOLDERS): { subject: string; text: string } {
  const fill = (s: string) => s.replace(PLACEHOLDER, (whole, key: string) => (Object.hasOwn(known, key) ? show(Object.hasOwn(data, key) ? data[key] : undefined) : whole));
  return { subject: fill(template.subject).replace(/[\r\n]+/g, ' ').trim().slice(0, 400), text: fill(template.body) };
}

/** Values used by the preview. */
export function sampleData(url: string): TemplateData {
  return {
    first_name: 'Erika',
    last_name: 'Mustermann',
    name: 'Erika Mustermann',
    email: 'erika.mustermann@example.com',
    link: `${url}/example-link`,
    pin: '4711',
    site: 'Main office',
    phonebook: 'Everyone',
    expires: new Date(Date.now() + 12 * 3600_000),
    url,
  };
}
