import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { SiteCreateSchema, SiteSchema, SiteUpdateSchema } from './types.js';
import { createRouter } from '../http/openapi.js';
import { body, errors, IdParam, json } from '../http/common.js';
import type { SiteService } from './service.js';

export function siteRoutes(sites: SiteService) {
  const app = createRouter();
  const tags = ['Sites'];

  app.openapi(createRoute({ method: 'get', path: '/sites', tags, summary: 'List sites', responses: { 200: json(z.object({ items: z.array(SiteSchema) }), 'Sites') } }), async (c) =>
    c.json({ items: await sites.list() }, 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/sites', tags, summary: 'Create a site', request: body(SiteCreateSchema), responses: { 201: json(SiteSchema, 'Created'), 409: errors[409], 422: errors[422] } }),
    async (c) => {
      const site = await sites.create(c.req.valid('json'));
      c.header('Location', `/api/v1/sites/${site.id}`);
      return c.json(site, 201);
    },
  );
  app.openapi(createRoute({ method: 'get', path: '/sites/{id}', tags, summary: 'Read a site', request: { params: IdParam }, responses: { 200: json(SiteSchema, 'The site'), 404: errors[404] } }), async (c) =>
    c.json(await sites.get(c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({ method: 'patch', path: '/sites/{id}', tags, summary: 'Update a site', request: { params: IdParam, ...body(SiteUpdateSchema) }, responses: { 200: json(SiteSchema, 'Updated'), 404: errors[404], 409: errors[409], 422: errors[422] } }),
    async (c) => c.json(await sites.update(c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/sites/{id}', tags, summary: 'Delete an empty site', description: 'Refused with 409 while the site holds contacts or phonebooks.', request: { params: IdParam }, responses: { 204: { description: 'Gone' }, 404: errors[404], 409: errors[409] } }),
    async (c) => {
      await sites.delete(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  return app;
}
