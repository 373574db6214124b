import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { createRouter } from '../http/openapi.js';
import { body, errors, IdParam, json } from '../http/common.js';
import type { CallService } from './service.js';
import { CallCreateSchema, CallListQuerySchema, CallSchema, CallUpdateSchema } from './types.js';

const tags = ['Calls'];
const CallPageSchema = z
  .object({ items: z.array(CallSchema), next: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last one' }) })
  .meta({ id: 'CallPage' });
const TimelineQuery = CallListQuerySchema.pick({ limit: true, cursor: true });

export function callRoutes(calls: CallService) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/calls',
      tags,
      summary: 'List calls, newest first',
      description: '`start` is inclusive and `end` exclusive, both ISO 8601 with an offset, compared with when the call started. Pages are keyset pages: pass `next` as `cursor`; calls recorded meanwhile never shift a page.',
      request: { query: CallListQuerySchema },
      responses: { 200: json(CallPageSchema, 'A page of calls'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => c.json(await calls.list(c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/calls',
      tags,
      summary: 'Record a call by hand',
      description: 'Source `manual` unless another registered call source is named. The same `source` and `externalId` again is 409 `DIALBOOK_CALL_EXTERNAL_ID_TAKEN` with the existing call\'s id in `details.id`.',
      request: body(CallCreateSchema),
      responses: { 201: json(CallSchema, 'Recorded'), 409: errors[409], 422: errors[422] },
    }),
    async (c) => {
      const call = await calls.create(c.req.valid('json'), c.var.actor);
      c.header('Location', `/api/v1/calls/${call.id}`);
      return c.json(call, 201);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/calls/{id}', tags, summary: 'Read a call', request: { params: IdParam }, responses: { 200: json(CallSchema, 'The call'), 404: errors[404] } }),
    async (c) => c.json(await calls.get(c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/calls/{id}',
      tags,
      summary: 'Edit a call recorded by hand',
      description: 'Fields left out stay; `null` clears. Calls a source recorded are 409 `DIALBOOK_CALL_NOT_MANUAL`.',
      request: { params: IdParam, ...body(CallUpdateSchema) },
      responses: { 200: json(CallSchema, 'Updated'), 404: errors[404], 409: errors[409], 422: errors[422] },
    }),
    async (c) => c.json(await calls.update(c.req.valid('param').id, c.req.valid('json'), c.var.actor), 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/calls/{id}',
      tags,
      summary: 'Delete a call recorded by hand',
      description: 'Calls a source recorded are 409 `DIALBOOK_CALL_NOT_MANUAL`.',
      request: { params: IdParam },
      responses: { 204: { description: 'Gone' }, 404: errors[404], 409: errors[409] },
    }),
    async (c) => {
      await calls.remove(c.req.valid('param').id, c.var.actor);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/contacts/{id}/calls',
      tags,
      summary: "A contact's calls, newest first",
      description: 'The calls whose remote number resolved to the contact, in keyset pages as `GET /calls`.',
      request: { params: IdParam, query: TimelineQuery },
      responses: { 200: json(CallPageSchema, 'A page of calls'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => c.json(await calls.forContact(c.req.valid('param').id, c.req.valid('query')), 200),
  );

  return app;
}
