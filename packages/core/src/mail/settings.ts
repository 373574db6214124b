import { z } from 'zod';
import type { SettingCategory } from '../settings/category.js';
import { secret } from '../settings/schema.js';
import type { TemplateInfo } from './catalogue.js';
import { DEFAULT_TEMPLATES, PLACEHOLDERS, TEMPLATE_IDS, TEMPLATE_TITLES, unknownPlaceholders, type TemplateId } from './templates.js';

/** A template's saved text: subject and body, using only the placeholders it knows. */
const templateSchema = (known: Readonly<Record<string, unknown>>) =>
  z
    .object({ subject: z.string().min(1).max(300).meta({ title: 'Subject' }), body: z.string().min(1).max(20_000).meta({ title: 'Body' }) })
    .superRefine((t, ctx) => {
      for (const field of ['subject', 'body'] as const) {
        for (const p of unknownPlaceholders(t[field], known)) ctx.addIssue({ code: 'custom', path: [field], message: `unknown placeholder {${p}}` });
      }
    });
const TemplateSchema = templateSchema(PLACEHOLDERS);
const braces = (keys: readonly string[]) => keys.map((p) => `{${p}}`).join(', ');

const coreTemplates = Object.fromEntries(TEMPLATE_IDS.map((id) => [id, TemplateSchema.default(DEFAULT_TEMPLATES[id]).meta({ title: TEMPLATE_TITLES[id] })])) as Record<TemplateId, z.ZodDefault<typeof TemplateSchema>>;

/** The plugins' templates, one group per plugin instance: `templates.<instance>.<name>`, so a key path is `templates.<template id>`. */
function pluginTemplates(templates: readonly TemplateInfo[]): Record<string, z.ZodType> {
  const byOwner = new Map<string, TemplateInfo[]>();
  for (const t of templates) byOwner.set(t.owner, [...(byOwner.get(t.owner) ?? []), t]);
  return Object.fromEntries(
    [...byOwner].map(([owner, list]) => [
      owner,
      z
        .object(Object.fromEntries(list.map((t) => [t.path[t.path.length - 1]!, templateSchema(t.placeholders).default(t.defaults).meta({ title: t.label, description: `${t.description ? `${t.description} ` : ''}Placeholders: ${braces(Object.keys(t.placeholders))}` })])))
        .prefault({})
        .meta({ title: `Templates of plugin ${owner}` }),
    ]),
  );
}

/** The `email` settings with the plugins' templates (registered in their `setup`) beside core's. */
export function emailSettingsSchema(plugins: readonly TemplateInfo[] = []) {
  return z.object({
    smtp: z
      .object({
        host: z.string().min(1).optional().meta({ title: 'Host', description: 'Host name of the SMTP server; no mail is sent until it is set.' }),
        port: z.number().int().min(1).max(65535).default(587).meta({ title: 'Port' }),
        security: z.enum(['starttls', 'tls', 'none']).default('starttls').meta({ title: 'Connection security', description: 'starttls: upgrade after connecting (port 587); tls: TLS from the start (465); none: plain (local relays only).' }),
        username: z.string().min(1).optional().meta({ title: 'User name' }),
        password: secret(z.string().min(1)).optional().meta({ title: 'Password' }),
        rejectUnauthorized: z.boolean().default(true).meta({ title: 'Verify the TLS certificate', description: 'Refuse servers whose TLS certificate does not verify.' }),
      })
      .prefault({})
      .meta({ title: 'SMTP server' }),
    from: z
      .object({
        address: z.email().optional().meta({ title: 'Sender address', description: 'The From address of every mail; required to send.' }),
        name: z.string().min(1).max(200).default('Dialbook').meta({ title: 'Sender name' }),
      })
      .prefault({})
      .meta({ title: 'Sender' }),
    templates: z
      .object({ ...coreTemplates, ...(pluginTemplates(plugins) as object) }) // (typed as core's: plugin templates are read by key path)
      .prefault({})
      .meta({ title: 'Mail templates', description: `Subject and plain-text body of each mail. Placeholders of core's templates: ${braces(Object.keys(PLACEHOLDERS))}` }),
  });
}

/** The `email` settings category of core's templates alone (what the type describes). */
export const EmailSettingsSchema = emailSettingsSchema();
export type EmailSettings = z.output<typeof EmailSettingsSchema>;

/** The `email` settings category: SMTP server, sender and the mail templates (with the plugins' ones). */
export const emailCategory = (plugins: readonly TemplateInfo[] = []): SettingCategory => ({
  id: 'email',
  label: 'E-mail',
  description: 'SMTP server, sender and mail templates',
  scope: 'global',
  schema: emailSettingsSchema(plugins),
});
