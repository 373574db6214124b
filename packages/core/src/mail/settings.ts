import { z } from 'zod';
import type { SettingCategory } from '../settings/category.js';
import { secret } from '../settings/schema.js';
import { DEFAULT_TEMPLATES, PLACEHOLDERS, TEMPLATE_IDS, unknownPlaceholders, type TemplateId } from './templates.js';

const TemplateSchema = z
  .object({ subject: z.string().min(1).max(300), body: z.string().min(1).max(20_000) })
  .superRefine((t, ctx) => {
    for (const field of ['subject', 'body'] as const) {
      for (const p of unknownPlaceholders(t[field])) ctx.addIssue({ code: 'custom', path: [field], message: `unknown placeholder {${p}}` });
    }
  });

const templates = Object.fromEntries(TEMPLATE_IDS.map((id) => [id, TemplateSchema.default(DEFAULT_TEMPLATES[id])])) as Record<TemplateId, z.ZodDefault<typeof TemplateSchema>>;

/** The `email` settings category: SMTP server, sender and the mail templates. */
export const EmailSettingsSchema = z.object({
  smtp: z
    .object({
      host: z.string().min(1).optional().meta({ description: 'SMTP server; no mail is sent until it is set' }),
      port: z.number().int().min(1).max(65535).default(587),
      security: z.enum(['starttls', 'tls', 'none']).default('starttls').meta({ description: 'starttls: upgrade after connecting (port 587); tls: TLS from the start (465); none: plain (local relays only)' }),
      username: z.string().min(1).optional(),
      password: secret(z.string().min(1)).optional(),
      rejectUnauthorized: z.boolean().default(true).meta({ description: 'refuse servers whose TLS certificate does not verify' }),
    })
    .prefault({}),
  from: z
    .object({
      address: z.email().optional().meta({ description: 'sender address; required to send' }),
      name: z.string().min(1).max(200).default('Dialbook'),
    })
    .prefault({}),
  templates: z
    .object(templates)
    .prefault({})
    .meta({ description: `Mail templates (subject and plain-text body). Placeholders: ${Object.keys(PLACEHOLDERS).map((p) => `{${p}}`).join(', ')}` }),
});
export type EmailSettings = z.output<typeof EmailSettingsSchema>;

export const emailCategory: SettingCategory<typeof EmailSettingsSchema> = {
  id: 'email',
  label: 'E-mail',
  description: 'SMTP server, sender and mail templates',
  scope: 'global',
  schema: EmailSettingsSchema,
};
