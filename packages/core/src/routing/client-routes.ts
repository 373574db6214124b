import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { body, errors, IdParam, json } from '../http/common.js';
import { createRouter } from '../http/openapi.js';
import type { ClientService } from './clients.js';
import { ClientCreateSchema, ClientSchema, ClientUpdateSchema } from './types.js';

const tags = ['Routing'];

/** `/routing/clients`: call centres that buy calls (admin and staff). */
export function clientRoutes(clients: ClientService) {
  const app = createRouter();
  app.openapi(
    createRoute({ method: 'get', path: '/routing/clients', tags, summary: 'List routing clients', responses: { 200: json(z.object({ items: z.array(ClientSchema) }), 'Clients by name') } }),
    async (c) => c.json({ items: await clients.list() }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post', path: '/routing/clients', tags, summary: 'Add a routing client',
      description: 'The SIP `password` is stored encrypted (needs `DIALBOOK_SECRET_KEY`) and never returned: responses carry `sip.hasPassword`.',
      request: body(ClientCreateSchema), responses: { 201: json(ClientSchema, 'Added'), 422: errors[422] },
    }),
    async (c) => c.json(await clients.create(c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/routing/clients/{id}', tags, summary: 'Read a routing client', request: { params: IdParam }, responses: { 200: json(ClientSchema, 'The client'), 404: errors[404] } }),
    async (c) => c.json(await clients.get(c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch', path: '/routing/clients/{id}', tags, summary: 'Edit a routing client',
      description: 'Fields left out stay; in `sip`, `password` left out stays, `null` removes it.',
      request: { params: IdParam, ...body(ClientUpdateSchema) }, responses: { 200: json(ClientSchema, 'Updated'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => c.json(await clients.update(c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({
      method: 'delete', path: '/routing/clients/{id}', tags, summary: 'Delete a routing client',
      description: 'A client still linked to a campaign is 409 `DIALBOOK_ROUTING_CLIENT_IN_USE`.',
      request: { params: IdParam }, responses: { 204: { description: 'Gone' }, 404: errors[404], 409: errors[409] },
    }),
    async (c) => {
      await clients.remove(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  return app;
}
