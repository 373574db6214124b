import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { createRouter } from '../http/openapi.js';
import { body, errors, json, pageOf, problemResponse } from '../http/common.js';
import type { MailService } from './service.js';

const OutboxItem = z
  .object({
    id: z.uuid(),
    to: z.string(),
    subject: z.string(),
    template: z.string().nullable(),
    status: z.enum(['pending', 'sending', 'sent']),
    sensitive: z.boolean().meta({ description: 'Its data held a secret (a PIN): subject and body are stored encrypted until it is sent, then dropped; the subject here shows each secret as `••••`' }),
    attempts: z.number().int(),
    nextAttemptAt: z.iso.datetime(),
    lastError: z.string().nullable(),
    createdAt: z.iso.datetime(),
    sentAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'OutboxMail' });

const Template = z
  .object({
    id: z.string().meta({ description: 'Core templates: `signup`, `password_reset`, `site_added`, `phonebook_added`, `test`; plugin templates: `<instance id>.<name>`' }),
    label: z.string(),
    description: z.string().nullable(),
    owner: z.string().meta({ description: '`core` or the plugin instance id' }),
    placeholders: z.record(z.string(), z.string()).meta({ description: 'The placeholders it may use (`{name}`), with their meaning; saving any other is refused' }),
    secret: z.array(z.string()).meta({ description: 'Placeholders holding secrets: mails that set them are stored encrypted until sent' }),
    subject: z.string(),
    body: z.string(),
    defaults: z.object({ subject: z.string(), body: z.string() }),
    edited: z.boolean().meta({ description: 'The saved text differs from the default' }),
  })
  .meta({ id: 'MailTemplate' });

const Preview = z.object({ subject: z.string(), text: z.string() }).meta({ id: 'MailPreview' });
const TemplateEdit = z.object({ subject: z.string().min(1).max(300).optional(), body: z.string().min(1).max(20_000).optional() }).meta({ id: 'MailTemplateEdit' });

/** `/mail`: the outbox, template previews and a test send. */
export function mailRoutes(mail: MailService) {
  const app = createRouter();
  const tags = ['Mail'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/mail/outbox',
      tags,
      summary: 'Queued and sent mails, newest first (without bodies)',
      description: 'Failed sends stay `pending` with `lastError` and are retried with backoff until they succeed. A mail holding a secret is `sensitive`: its body is stored only encrypted (and dropped once sent), its subject listed with the secret masked.',
      request: {
        query: z.object({
          status: z.enum(['pending', 'sending', 'sent']).optional(),
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
      responses: { 200: json(pageOf(OutboxItem, 'OutboxPage'), 'A page of mails'), 422: errors[422] },
    }),
    async (c) => c.json(await mail.outbox(c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/mail/templates',
      tags,
      summary: "Every mail template, core's and the plugins', with its placeholders and saved text",
      description: 'Edit one through `PATCH /settings/email` with `templates.<id>` (`{ "templates": { "cucm": { "pin-mail": { "subject": … } } } }` for `cucm.pin-mail`).',
      responses: { 200: json(z.object({ items: z.array(Template) }), 'Templates') },
    }),
    async (c) => c.json({ items: await mail.listTemplates() }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/mail/templates/{id}/preview',
      tags,
      summary: 'Render a template with sample data',
      description: 'Any template of `GET /mail/templates`, filled with sample data (a plugin template with its `sample`), never real data. Send `subject` and/or `body` to preview unsaved edits; templates are saved through `PATCH /settings/email` (`templates.<id>`).',
      request: { params: z.object({ id: z.string().min(1).max(64) }), body: { content: { 'application/json': { schema: TemplateEdit } }, required: false } },
      responses: { 200: json(Preview, 'Rendered subject and text'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => {
      const edits = c.req.header('content-type')?.includes('json') ? (c.req.valid('json') ?? {}) : {};
      return c.json(await mail.preview(c.req.valid('param').id, edits), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/mail/test',
      tags,
      summary: 'Send the `test` template to an address now (not through the outbox)',
      request: body(z.object({ to: z.email() }).meta({ id: 'MailTest' })),
      responses: {
        200: json(z.object({ to: z.string(), response: z.string().meta({ description: "The SMTP server's answer" }) }), 'Accepted by the SMTP server'),
        409: problemResponse('Mail is not configured (`DIALBOOK_MAIL_NOT_CONFIGURED`)'),
        422: errors[422],
        502: problemResponse("The SMTP server refused or could not be reached; `detail` has its answer (`DIALBOOK_MAIL_SEND_FAILED`)"),
      },
    }),
    async (c) => c.json(await mail.sendTest(c.req.valid('json').to), 200),
  );
  return app;
}
