/**
 * Every mail template, core's and the plugins', described in one shape: what it is called, which
 * placeholders it may use (and which of them hold secrets), its default text, and where its saved
 * text lives in the `email` settings. Plugins add theirs in `setup` (`ctx.mail.registerTemplate`);
 * the catalogue is frozen with the other registries.
 */
import { DialbookError } from '../base/errors.js';
import { Registry } from '../base/registry.js';
import { DEFAULT_TEMPLATES, PLACEHOLDER_NAME, PLACEHOLDERS, sampleData, TEMPLATE_IDS, TEMPLATE_TITLES, unknownPlaceholders, type MailTemplate, type MailValue } from './templates.js';

/**
 * A mail template a plugin registers with `ctx.mail.registerTemplate(…)` in `setup`.
 *
 * ```ts
 * ctx.mail.registerTemplate({
 *   id: 'pin-mail', // becomes `<instance id>.pin-mail`
 *   label: 'PIN e-mail',
 *   subject: 'Your PIN',
 *   body: 'Hello {first_name},\n\nyour PIN is {pin}.\n',
 *   placeholders: { first_name: 'first name of the person', pin: 'the PIN' },
 *   sample: { first_name: 'Erika', pin: '4711' },
 *   secret: ['pin'],
 * });
 * ```
 */
export interface PluginMailTemplate {
  /** `<instance id>.<name>` (`cucm.pin-mail`); a bare name (`pin-mail`) is prefixed with the instance id. */
  id: string;
  /** How the admin app names it. */
  label: string;
  /** What it is sent for. */
  description?: string;
  /** The default subject and plain-text body; administrators may change both (settings `email.templates.<id>`). */
  subject: string;
  body: string;
  /** Every placeholder the template may use, with what it means. Saved text using any other is refused. */
  placeholders: Record<string, string>;
  /** What the preview fills in: sample values, never real data. */
  sample: Record<string, string>;
  /** Placeholders that hold secrets (`['pin']`): a mail whose data sets one is kept encrypted until it is sent. */
  secret?: string[];
}

/** One template as the catalogue describes it. */
export interface TemplateInfo {
  id: string;
  label: string;
  description: string | null;
  /** `core`, or the plugin instance that registered it. */
  owner: string;
  /** The placeholders it may use, with their meaning. */
  placeholders: Record<string, string>;
  /** Those holding secrets. */
  secret: string[];
  /** The text it has until an administrator changes it. */
  defaults: MailTemplate;
  /** Its saved text's key path in the `email` settings: `templates.signup`, `templates.cucm.pin-mail`. */
  path: string[];
}

interface PluginTemplateInfo extends TemplateInfo {
  sample: Record<string, string>;
}

/** The longest template id (the outbox's `template` column). */
export const MAX_TEMPLATE_ID = 64;
const TEMPLATE_NAME = /^[a-z][a-z0-9_-]{0,47}$/;
const MAX_SUBJECT = 300;
const MAX_BODY = 20_000;

const CORE: readonly TemplateInfo[] = TEMPLATE_IDS.map((id) => ({
  id,
  label: TEMPLATE_TITLES[id],
  description: null,
  owner: 'core',
  placeholders: { ...PLACEHOLDERS },
  secret: [],
  defaults: DEFAULT_TEMPLATES[id],
  path: ['templates', id],
}));

export class MailTemplates {
  private readonly plugins = new Registry<PluginTemplateInfo>('mail template');

  /** Add a plugin's template (checked whole: every problem in one error). */
  register(template: PluginMailTemplate, owner: string): TemplateInfo {
    const info = checkTemplate(template, owner);
    this.plugins.register(info, owner);
    return info;
  }

  freeze(): void {
    this.plugins.freeze();
  }

  /** Core's templates, then the plugins' in registration order. */
  list(): TemplateInfo[] {
    return [...CORE, ...this.plugins.list()];
  }

  /** The plugins' templates only. */
  pluginTemplates(): TemplateInfo[] {
    return this.plugins.list();
  }

  get(id: string): TemplateInfo | undefined {
    return CORE.find((t) => t.id === id) ?? this.plugins.get(id);
  }

  /** What a preview of the template fills in: core's sample person and links, or the plugin's `sample`. */
  sample(id: string, publicUrl: string): Record<string, MailValue> {
    const plugin = this.plugins.get(id);
    return plugin ? { ...defaultsFor(plugin, publicUrl), ...plugin.sample } : sampleData(publicUrl);
  }

  /** Values core supplies when the data leaves them out: `{email}` (the recipient) and `{url}` (this Dialbook), where the template has them. */
  defaults(info: TemplateInfo, to: string, publicUrl: string): Record<string, MailValue> {
    return info.owner === 'core' ? { url: publicUrl, link: publicUrl, email: to } : { ...defaultsFor(info, publicUrl), ...(Object.hasOwn(info.placeholders, 'email') ? { email: to } : {}) };
  }
}

const defaultsFor = (info: TemplateInfo, publicUrl: string): Record<string, MailValue> => (Object.hasOwn(info.placeholders, 'url') ? { url: publicUrl } : {});

const isText = (v: unknown): v is string => typeof v === 'string';
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Check a plugin's template and describe it; throws one error naming every problem. */
export function checkTemplate(t: PluginMailTemplate, owner: string): PluginTemplateInfo {
  const problems: string[] = [];
  const raw = isText(t?.id) ? t.id : '';
  const name = raw.startsWith(`${owner}.`) ? raw.slice(owner.length + 1) : raw;
  const id = `${owner}.${name}`;
  if (!TEMPLATE_NAME.test(name)) problems.push(`id "${raw}": the name after "${owner}." must be lower-case letters, digits, "-" and "_", starting with a letter (at most 48)`);
  if (id.length > MAX_TEMPLATE_ID) problems.push(`id "${id}" is longer than ${MAX_TEMPLATE_ID} characters`);
  if ((TEMPLATE_IDS as readonly string[]).includes(owner)) problems.push(`plugin instance id "${owner}" is also the id of a core mail template: give the instance another id to register mail templates`);
  if (!isText(t?.label) || !t.label.trim()) problems.push('label: is required');
  if (t?.description !== undefined && !isText(t.description)) problems.push('description: must be text');
  const placeholders = isRecord(t?.placeholders) ? t.placeholders : {};
  if (!isRecord(t?.placeholders)) problems.push('placeholders: must be an object of placeholder names and their meaning');
  for (const [key, meaning] of Object.entries(placeholders)) {
    if (!PLACEHOLDER_NAME.test(key)) problems.push(`placeholders.${key}: a placeholder name is lower-case letters, digits and "_", starting with a letter`);
    if (!isText(meaning)) problems.push(`placeholders.${key}: its meaning must be text`);
  }
  for (const [field, max] of [['subject', MAX_SUBJECT], ['body', MAX_BODY]] as const) {
    const text = t?.[field];
    if (!isText(text) || !text.trim()) problems.push(`${field}: is required`);
    else if (text.length > max) problems.push(`${field}: must be at most ${max} characters`);
    else for (const p of unknownPlaceholders(text, placeholders)) problems.push(`${field}: unknown placeholder {${p}} (declare it in placeholders)`);
  }
  const sample = isRecord(t?.sample) ? t.sample : {};
  if (!isRecord(t?.sample)) problems.push('sample: must be an object of placeholder names and sample values');
  for (const [key, value] of Object.entries(sample)) {
    if (!Object.hasOwn(placeholders, key)) problems.push(`sample.${key}: not one of the placeholders`);
    if (!isText(value)) problems.push(`sample.${key}: must be text`);
  }
  const secret = t?.secret ?? [];
  if (!Array.isArray(secret)) problems.push('secret: must be a list of placeholder names');
  else for (const key of secret) if (!Object.hasOwn(placeholders, key)) problems.push(`secret: "${String(key)}" is not one of the placeholders`);
  if (problems.length) {
    throw new DialbookError('DIALBOOK_MAIL_TEMPLATE_INVALID', `mail template "${raw || '(no id)'}" of ${owner} is refused:\n${problems.map((p) => `  ${p}`).join('\n')}`, { plugin: owner });
  }
  return {
    id,
    label: t.label.trim(),
    description: t.description ?? null,
    owner,
    placeholders: { ...(placeholders as Record<string, string>) },
    secret: [...new Set(secret)],
    defaults: { subject: t.subject, body: t.body },
    path: ['templates', owner, name],
    sample: { ...(sample as Record<string, string>) },
  };
}
