import { z } from 'zod';
import type { SettingCategory } from '../settings/category.js';
import { secret } from '../settings/schema.js';
import { DEFAULT_TEMPLATES, PLACEHOLDERS, TEMPLATE_IDS, unknownPlaceholders, type TemplateId } from './templates.js';

const TemplateSchema = z
  .object({ subject: z.string().min(1).max(300).meta({ title: 'Subject' }), body: z.string().min(1).max(20_000).meta({ title: 'Body' }) })
  .superRefine((t, ctx) => {
    for (const field of ['subject', 'body'] as const) {
      for (const p of unknownPlaceholders(t[field])) ctx.addIssue({ code: 'custom', path: [field], message: `unknown placeholder {${p}}` });
    }
  });

/** How the settings form names each template. */
const TEMPLATE_TITLES: Record<TemplateId, string> = {
  signup: 'Sign-up invitation',
  password_reset: 'Password reset',
  site_added: 'New site',
  phonebook_added: 'New phonebook',
  test: 'Test mail',
};

const templates = Object.fromEntries(TEMPLATE_IDS.map((id) => [id, TemplateSchema.default(DEFAULT_TEMPLATES[id]).meta({ title: TEMPLATE_TITLES[id] })])) as Record<TemplateId, z.ZodDefault<typeof TemplateSchema>>;

/** The `email` settings category: SMTP server, sender and the mail templates. */
export const EmailSettingsSchema = z.object({
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
    .object(templates)
    .prefault({})
    .meta({ title: 'Mail templates', description: `Subject and plain-text body of each mail. Placeholders: ${Object.keys(PLACEHOLDERS).map((p) => `{${p}}`).join(', ')}` }),
});
export type EmailSettings = z.output<typeof EmailSettingsSchema>;

export const emailCategory: SettingCategory<typeof EmailSettingsSchema> = {
  id: 'email',
  label: 'E-mail',
  description: 'SMTP server, sender and mail templates',
  scope: 'global',
  schema: EmailSettingsSchema,
};
