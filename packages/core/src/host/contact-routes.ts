import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { ContactFilterSchema } from '../contacts/types.js';
import { body, errors, IdParam, json, problemResponse } from '../http/common.js';
import { createRouter } from '../http/openapi.js';
import { MAX_BULK_CONTACTS, runBulkAction, type BulkActionDeps } from './bulk-actions.js';
import { contactActions, runContactAction, type ContactActionDeps } from './contact-actions.js';
import { ActionResultSchema } from './routes.js';

export type ContactActionRouteDeps = ContactActionDeps & BulkActionDeps;

const ContactActionView = z
  .object({
    id: z.string(),
    label: z.string(),
    description: z.string().nullable(),
    plugin: z.string().meta({ description: 'The plugin instance that registered it' }),
    enabled: z.boolean().meta({ description: 'Whether it applies to this contact (its `when`, and the sites the action concerns)' }),
    reason: z.string().nullable().meta({ description: 'Why it does not apply, when it does not: `the contact has no e-mail address`, …' }),
  })
  .meta({ id: 'ContactAction' });

const BulkRequest = z
  .object({
    phonebookId: z.uuid().optional().meta({ description: "Run over this phonebook's members (explicit and saved-filter ones)" }),
    filter: ContactFilterSchema.extend({ siteId: z.uuid().optional() }).optional().meta({ description: 'Run over the active contacts matching these filters, as `GET /contacts` takes them (`{}`: every contact the caller may see)' }),
  })
  .refine((b) => (b.phonebookId === undefined) !== (b.filter === undefined), { message: 'give either phonebookId or filter', path: ['phonebookId'] })
  .meta({ id: 'BulkActionRequest' });

const BulkReportLine = z
  .object({
    contactId: z.uuid(),
    name: z.string(),
    ok: z.boolean(),
    skipped: z.boolean().meta({ description: 'Not run: the action does not apply to the contact (`message` says why)' }),
    message: z.string(),
  })
  .meta({ id: 'BulkReportLine' });

const BulkReport = z
  .object({
    action: z.string(),
    job: z.string().meta({ description: 'The tracked job that ran it (`GET /jobs`: progress while it runs; its `result` keeps the counts and the first 1000 lines)' }),
    total: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    items: z.array(BulkReportLine),
  })
  .meta({ id: 'BulkReport' });

/** Contact actions (`/contacts/{id}/actions…`) and bulk actions (`/actions/{id}/bulk`). Staff and administrators. */
export function contactActionRoutes(deps: ContactActionRouteDeps) {
  const app = createRouter();
  const tags = ['Plugins'];
  const ActionParams = IdParam.extend({ actionId: z.string().min(1).max(128) });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/contacts/{id}/actions',
      tags,
      summary: "The plugins' actions for a contact, each enabled or with the reason it does not apply",
      request: { params: IdParam },
      responses: { 200: json(z.object({ items: z.array(ContactActionView) }), 'Actions of `scope: contact`'), 404: errors[404] },
    }),
    async (c) => c.json({ items: await contactActions(deps, c.req.valid('param').id) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/contacts/{id}/actions/{actionId}',
      tags,
      summary: 'Run a contact action for this contact',
      description:
        'The contact is read in the caller\'s sites (another site\'s contact is 404, as `GET /contacts/{id}`). An action that does not apply to it — its `when` (an e-mail address, an attribute) does not hold, the contact is deleted, or the action is not set up for the contact\'s site — is refused with 422 `DIALBOOK_ACTION_NOT_APPLICABLE` saying why; an action of another scope with 422 `DIALBOOK_ACTION_SCOPE`.',
      request: { params: ActionParams },
      responses: { 200: json(ActionResultSchema, 'What the action reported'), 404: errors[404], 409: errors[409], 422: errors[422] },
    }),
    async (c) => {
      const { id, actionId } = c.req.valid('param');
      return c.json(await runContactAction(deps, id, actionId, c.var.actor), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/actions/{actionId}/bulk',
      tags,
      summary: 'Run a bulk action over a phonebook or a contact filter, with a report per contact',
      description: `Runs the action (\`scope: contacts\`) once per contact, as the tracked job \`<action id>:bulk\` with its progress at \`GET /jobs\`; a second run of the same action while one runs is 409 \`DIALBOOK_JOB_RUNNING\`. Contacts it does not apply to are \`skipped\` with the reason; a contact whose run fails does not stop the others. At most ${MAX_BULK_CONTACTS} contacts (422 \`DIALBOOK_ACTION_TOO_MANY\`).`,
      request: { params: z.object({ actionId: z.string().min(1).max(128) }), ...body(BulkRequest) },
      responses: { 200: json(BulkReport, 'One line per contact'), 404: errors[404], 409: problemResponse('The same bulk action is running (`DIALBOOK_JOB_RUNNING`)'), 422: errors[422] },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const target = input.phonebookId ? { phonebookId: input.phonebookId } : { filter: input.filter ?? {} };
      return c.json(await runBulkAction(deps, c.req.valid('param').actionId, target, c.var.actor), 200);
    },
  );
  return app;
}
