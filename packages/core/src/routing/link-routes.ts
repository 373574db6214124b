import { createRoute } from '@hono/zod-openapi';
import { body, errors, IdParam, json } from '../http/common.js';
import { createRouter } from '../http/openapi.js';
import type { LinkService } from './links.js';
import { LinkCreateSchema, LinkSchema, LinkUpdateSchema } from './types.js';

const tags = ['Routing'];

/** `/routing/links`: campaign ↔ client links (written by admin and staff, read by the campaign's seller). */
export function linkRoutes(links: LinkService) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'post', path: '/routing/links', tags, summary: 'Link a client to a campaign',
      description: 'One link per campaign and client: a second is 409 `DIALBOOK_ROUTING_LINK_EXISTS`.',
      request: body(LinkCreateSchema), responses: { 201: json(LinkSchema, 'Linked'), 409: errors[409], 422: errors[422] },
    }),
    async (c) => c.json(await links.create(c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/routing/links/{id}', tags, summary: 'Read a link', request: { params: IdParam }, responses: { 200: json(LinkSchema, 'The link'), 404: errors[404] } }),
    async (c) => c.json(await links.get(c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({ method: 'patch', path: '/routing/links/{id}', tags, summary: 'Edit a link', description: 'Fields left out stay.', request: { params: IdParam, ...body(LinkUpdateSchema) }, responses: { 200: json(LinkSchema, 'Updated'), 404: errors[404], 422: errors[422] } }),
    async (c) => c.json(await links.update(c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/routing/links/{id}', tags, summary: 'Remove a link', request: { params: IdParam }, responses: { 204: { description: 'Gone' }, 404: errors[404] } }),
    async (c) => {
      await links.remove(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  return app;
}
