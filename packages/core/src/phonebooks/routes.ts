import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { ContactSchema } from '../contacts/types.js';
import { PhonebookCreateSchema, PhonebookSchema, PhonebookUpdateSchema } from './types.js';
import { createRouter } from '../http/openapi.js';
import { body, errors, IdParam, json, pageOf } from '../http/common.js';
import type { PhonebookService } from './service.js';

export function phonebookRoutes(phonebooks: PhonebookService) {
  const app = createRouter();
  const tags = ['Phonebooks'];
  const MemberPage = pageOf(ContactSchema, 'PhonebookMemberPage');

  app.openapi(
    createRoute({ method: 'get', path: '/phonebooks', tags, summary: 'List phonebooks', request: { query: z.object({ siteId: z.uuid().optional() }) }, responses: { 200: json(z.object({ items: z.array(PhonebookSchema) }), 'Phonebooks'), 422: errors[422] } }),
    async (c) => c.json({ items: await phonebooks.list(c.req.valid('query').siteId) }, 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/phonebooks', tags, summary: 'Create a phonebook', request: body(PhonebookCreateSchema), responses: { 201: json(PhonebookSchema, 'Created'), 409: errors[409], 422: errors[422] } }),
    async (c) => {
      const pb = await phonebooks.create(c.req.valid('json'));
      c.header('Location', `/api/v1/phonebooks/${pb.id}`);
      return c.json(pb, 201);
    },
  );
  app.openapi(createRoute({ method: 'get', path: '/phonebooks/{id}', tags, summary: 'Read a phonebook', request: { params: IdParam }, responses: { 200: json(PhonebookSchema, 'The phonebook'), 404: errors[404] } }), async (c) =>
    c.json(await phonebooks.get(c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({ method: 'patch', path: '/phonebooks/{id}', tags, summary: 'Update a phonebook (name, slug, saved filter)', request: { params: IdParam, ...body(PhonebookUpdateSchema) }, responses: { 200: json(PhonebookSchema, 'Updated'), 404: errors[404], 409: errors[409], 422: errors[422] } }),
    async (c) => c.json(await phonebooks.update(c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/phonebooks/{id}', tags, summary: 'Delete a phonebook (its contacts stay)', request: { params: IdParam }, responses: { 204: { description: 'Gone' }, 404: errors[404] } }),
    async (c) => {
      await phonebooks.delete(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/phonebooks/{id}/members',
      tags,
      summary: 'Active members: explicit ones and saved-filter matches, by name',
      request: { params: IdParam, query: z.object({ page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(1000).default(100) }) },
      responses: { 200: json(MemberPage, 'A page of members'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => c.json(await phonebooks.members(c.req.valid('param').id, c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/phonebooks/{id}/members',
      tags,
      summary: 'Add explicit members',
      request: { params: IdParam, ...body(z.object({ contactIds: z.array(z.uuid()).min(1).max(1000) }).meta({ id: 'PhonebookMembersAdd' })) },
      responses: { 200: json(z.object({ added: z.number().int() }), 'How many were not yet members'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => c.json({ added: await phonebooks.addMembers(c.req.valid('param').id, c.req.valid('json').contactIds) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/phonebooks/{id}/members/{contactId}',
      tags,
      summary: 'Remove an explicit member',
      request: { params: IdParam.extend({ contactId: z.uuid() }) },
      responses: { 204: { description: 'Removed' }, 404: errors[404] },
    }),
    async (c) => {
      const p = c.req.valid('param');
      await phonebooks.removeMember(p.id, p.contactId);
      return c.body(null, 204);
    },
  );
  return app;
}
