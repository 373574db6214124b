import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { createRouter } from '../http/openapi.js';
import { errors, json, pageOf } from '../http/common.js';
import type { AuditService } from './service.js';

/** `GET /audit`: who did what, newest first, with filters. */
export function auditRoutes(audit: AuditService) {
  const app = createRouter();
  const AuditDevice = z
    .object({ vendor: z.string(), model: z.string().meta({ description: 'As the phone names itself: `SIP-T46S`, `W60B`' }), firmware: z.string().nullable(), mac: z.string().nullable().meta({ description: 'Lower case, colon-separated' }) })
    .meta({ id: 'AuditDevice', description: "The device, parsed from a phone's User-Agent" });
  const AuditDetail = z
    .looseObject({
      vendor: z.string().optional().meta({ description: '`directory.served`: the directory renderer (`yealink`)' }),
      variant: z.string().optional().meta({ description: "`directory.served`: the renderer's variant, `''` for its default" }),
      kind: z.enum(['fetch', 'search', 'lookup']).optional().meta({ description: '`directory.served`: the directory, a search (`?q=`) or a caller-ID lookup' }),
      bytes: z.number().int().optional().meta({ description: '`directory.served`: body size (0 for a 304)' }),
      userAgent: z.string().nullable().optional().meta({ description: "`directory.served`: the phone's User-Agent (first 500 characters)" }),
      device: AuditDevice.nullable().optional().meta({ description: '`directory.served`: the device parsed from the User-Agent, null when the vendor does not recognise it' }),
      via: z.string().optional().meta({ description: '`directory.served`: `core`, or `service:<instance>` for a remote vendor service' }),
    })
    .meta({
      id: 'AuditDetail',
      description:
        'What else the action recorded; an open object whose keys depend on the action. For `directory.served` the keys below (the phonebook is `targetId`, the HTTP status `status`, the client address `ip`). Others, e.g. `user.created` (`email`, `role`), `user.updated` (`fields`), `auth.signin-failed` (`locked`).',
    });
  const AuditSchema = z
    .object({
      id: z.number().int(),
      at: z.iso.datetime(),
      actor: z.string().meta({ description: '`user:<id>`, `apiKey:<id>`, `phone:<credential id>`, `system:system`, …' }),
      actorName: z.string().nullable().meta({ description: "The user's e-mail; for a phone its model and MAC" }),
      action: z.string().meta({ description: '`directory.served`, `auth.signin`, `user.created`, …, or `<METHOD> <route>` for an API write (`PATCH /contacts/:id`)' }),
      method: z.string().nullable(),
      path: z.string().nullable(),
      status: z.number().int().nullable().meta({ description: 'HTTP status of the answer (directory fetches: 200, 304, or 404 for a lookup nobody matched)' }),
      siteId: z.uuid().nullable().meta({ description: 'The site the event belongs to (directory fetches: the phonebook\'s site)' }),
      targetId: z.string().nullable().meta({ description: 'What the action was about (directory fetches: the phonebook id)' }),
      ip: z.string().nullable().meta({ description: 'Client address' }),
      detail: AuditDetail.nullable(),
    })
    .meta({ id: 'AuditEvent' });
  const actionList = /^[^,]{1,100}(,[^,]{1,100}){0,19}$/;
  const AuditQuery = z
    .object({
      action: z
        .string()
        .trim()
        .regex(actionList, 'one to 20 action names (up to 100 characters each) separated by commas')
        .optional()
        .meta({ description: 'Exact action name, or several separated by commas: `directory.served`, `user.created,user.deleted`, `PATCH /contacts/:id`' }),
      phonebookId: z.uuid().optional().meta({ description: "This phonebook's directory fetches, and API writes under `/api/v1/phonebooks/{id}`" }),
      actor: z.string().trim().min(1).max(320).optional().meta({ description: 'An actor key (`user:<id>`, `phone:<credential id>`) or an actor name (e-mail, `SIP-T46S 80:5e:c0:12:34:56`), exactly' }),
      from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Events at or after this time (ISO 8601 with `Z` or an offset)' }),
      to: z.iso.datetime({ offset: true }).optional().meta({ description: 'Events before this time (ISO 8601 with `Z` or an offset)' }),
      page: z.coerce.number().int().min(1).default(1),
      pageSize: z.coerce.number().int().min(1).max(500).default(100),
    })
    .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: '`to` must be later than `from`' });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/audit',
      tags: ['Audit'],
      summary: 'Who did what, newest first',
      description: 'API writes, sign-ins, account changes and every phone directory fetch (`directory.served`, written in batches within about a second). Filters combine; time, then id, newest first.',
      request: { query: AuditQuery },
      responses: { 200: json(pageOf(AuditSchema, 'AuditPage'), 'A page of audit events'), 422: errors[422] },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await audit.list({
        ...(q.action ? { actions: q.action.split(',').map((a) => a.trim()).filter(Boolean) } : {}),
        ...(q.phonebookId ? { phonebookId: q.phonebookId } : {}),
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        page: q.page,
        pageSize: q.pageSize,
      });
      return c.json(page, 200);
    },
  );
  return app;
}
