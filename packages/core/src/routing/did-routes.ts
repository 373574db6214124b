import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { body, errors, IdParam, json } from '../http/common.js';
import { createRouter } from '../http/openapi.js';
import type { DidService } from './dids.js';
import { DidBulkResultSchema, DidBulkSchema, DidCreateSchema, DidSchema, DidUpdateSchema } from './types.js';

const tags = ['Routing'];

/** `/routing/dids`: a seller's phone numbers. */
export function didRoutes(dids: DidService) {
  const app = createRouter();
  app.openapi(
    createRoute({ method: 'get', path: '/routing/dids', tags, summary: 'List DIDs', description: 'A seller sees their own.', responses: { 200: json(z.object({ items: z.array(DidSchema) }), 'DIDs by number') } }),
    async (c) => c.json({ items: await dids.list() }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post', path: '/routing/dids', tags, summary: 'Add a DID',
      description: 'Stored in E.164; not a valid number is 422 `DIALBOOK_ROUTING_DID_INVALID`, a number already added (by anyone) 409 `DIALBOOK_ROUTING_DID_TAKEN`.',
      request: body(DidCreateSchema), responses: { 201: json(DidSchema, 'Added'), 409: errors[409], 422: errors[422] },
    }),
    async (c) => c.json(await dids.create(c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({
      method: 'post', path: '/routing/dids/bulk', tags, summary: 'Add DIDs from a pasted list',
      description: 'One result per number, with its line: the DID added, or the error (invalid, taken, twice in the list). Good numbers are added whatever the others do.',
      request: body(DidBulkSchema), responses: { 200: json(DidBulkResultSchema, 'Per-line results'), 422: errors[422] },
    }),
    async (c) => c.json(await dids.bulk(c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/routing/dids/{id}', tags, summary: 'Read a DID', request: { params: IdParam }, responses: { 200: json(DidSchema, 'The DID'), 404: errors[404] } }),
    async (c) => c.json(await dids.get(c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({ method: 'patch', path: '/routing/dids/{id}', tags, summary: 'Edit a DID', description: 'Its label, and the campaign it is in (one of its seller\'s; null: none).', request: { params: IdParam, ...body(DidUpdateSchema) }, responses: { 200: json(DidSchema, 'Updated'), 404: errors[404], 422: errors[422] } }),
    async (c) => c.json(await dids.update(c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/routing/dids/{id}', tags, summary: 'Delete a DID', request: { params: IdParam }, responses: { 204: { description: 'Gone' }, 404: errors[404] } }),
    async (c) => {
      await dids.remove(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  return app;
}
