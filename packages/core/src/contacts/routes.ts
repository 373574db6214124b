import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { ContactCreateSchema, ContactListQuerySchema, ContactSchema, ContactUpdateSchema } from './types.js';
import { ContactFacetsQuerySchema, ContactFacetsSchema } from './facets.js';
import { DialbookError } from '../base/errors.js';
import { createRouter } from '../http/openapi.js';
import { body, errors, IdParam, json, pageOf } from '../http/common.js';
import type { ContactService } from './service.js';

const tags = ['Contacts'];
const ContactPage = pageOf(ContactSchema, 'ContactPage');
const HistorySchema = z
  .object({
    id: z.number().int(),
    contactId: z.uuid(),
    field: z.string().meta({ description: '`created`, `deleted`, `restored`, or the changed field' }),
    old: z.unknown(),
    new: z.unknown(),
    actor: z.string().meta({ description: '`type:id` of who made the change' }),
    actorName: z.string().nullable(),
    at: z.iso.datetime(),
  })
  .meta({ id: 'HistoryEntry' });

const etag = (c: { id: string; version: number }) => `"${c.id}.${c.version}"`;
function versionFrom(ifMatch: string | undefined, id: string): number | undefined {
  if (!ifMatch) return undefined;
  const m = /^(?:W\/)?"([0-9a-f-]{36})\.(\d+)"$/.exec(ifMatch.trim());
  if (!m || m[1] !== id) throw new DialbookError('DIALBOOK_CONTACT_VERSION', `If-Match ${ifMatch} does not name a version of contact ${id}`, { status: 412, field: 'If-Match' });
  return Number(m[2]);
}

export function contactRoutes(contacts: ContactService) {
  const app = createRouter();

  app.openapi(
    createRoute({ method: 'get', path: '/contacts', tags, summary: 'List and search contacts', request: { query: ContactListQuerySchema }, responses: { 200: json(ContactPage, 'A page of contacts'), 422: errors[422] } }),
    async (c) => c.json(await contacts.list(c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({ method: 'post', path: '/contacts', tags, summary: 'Create a contact', request: body(ContactCreateSchema), responses: { 201: json(ContactSchema, 'Created'), 409: errors[409], 422: errors[422] } }),
    async (c) => {
      const contact = await contacts.create(c.req.valid('json'), c.var.actor);
      c.header('Location', `/api/v1/contacts/${contact.id}`);
      c.header('ETag', etag(contact));
      return c.json(contact, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/contacts/lookup',
      tags,
      summary: 'Find active contacts by phone number',
      description: 'The number may be written in any common form: `+49 30 1234567`, `030 1234567` and `0049301234567` find the same contact. National forms are read with `country`, else the site\'s default country, else the configured default.',
      request: {
        query: z.object({
          number: z.string().trim().min(1).max(64),
          country: z.string().regex(/^[A-Za-z]{2}$/, 'an ISO 3166 alpha-2 country code such as DE').transform((s) => s.toUpperCase()).optional(),
          siteId: z.uuid().optional(),
        }),
      },
      responses: { 200: json(z.object({ items: z.array(ContactSchema) }), 'Matching contacts (empty when none)'), 422: errors[422] },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json({ items: await contacts.lookup(q.number, { country: q.country, siteId: q.siteId }) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/contacts/facets',
      tags,
      summary: 'Departments, tags and sources in use, with counts (for the list filters)',
      description: "Distinct values of the list's `department`, `tag` and `source` filters among the contacts the caller may see (their sites; `siteId` for one), active ones unless `status` says otherwise. Spellings the filters treat as one (case, accents) are counted together.",
      request: { query: ContactFacetsQuerySchema },
      responses: { 200: json(ContactFacetsSchema, 'Values with their contact counts, by name'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => c.json(await contacts.facets(c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({ method: 'get', path: '/contacts/{id}', tags, summary: 'Read a contact (deleted ones too)', request: { params: IdParam }, responses: { 200: json(ContactSchema, 'The contact; `ETag` carries its version'), 404: errors[404] } }),
    async (c) => {
      const contact = await contacts.get(c.req.valid('param').id);
      c.header('ETag', etag(contact));
      return c.json(contact, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/contacts/{id}',
      tags,
      summary: 'Update a contact',
      description: 'Fields left out stay as they are; `null` clears a field. Each changed field writes one History row. Send `If-Match` with the ETag you read to refuse the update (412) when someone changed the contact in between.',
      request: { params: IdParam, headers: z.object({ 'if-match': z.string().optional() }), ...body(ContactUpdateSchema) },
      responses: { 200: json(ContactSchema, 'Updated'), 404: errors[404], 409: errors[409], 412: errors[409], 422: errors[422] },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const contact = await contacts.update(id, c.req.valid('json'), c.var.actor, versionFrom(c.req.header('if-match'), id));
      c.header('ETag', etag(contact));
      return c.json(contact, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/contacts/{id}', tags, summary: 'Delete a contact (soft: restorable)', request: { params: IdParam }, responses: { 200: json(ContactSchema, 'Deleted; restorable'), 404: errors[404], 409: errors[409] } }),
    async (c) => c.json(await contacts.softDelete(c.req.valid('param').id, c.var.actor), 200),
  );

  app.openapi(
    createRoute({ method: 'post', path: '/contacts/{id}/restore', tags, summary: 'Restore a deleted contact', request: { params: IdParam }, responses: { 200: json(ContactSchema, 'Restored'), 404: errors[404], 409: errors[409] } }),
    async (c) => c.json(await contacts.restore(c.req.valid('param').id, c.var.actor), 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/contacts/{id}/permanent',
      tags,
      summary: 'Delete a soft-deleted contact for good',
      description: 'Removes the contact, its numbers, memberships and history, and leaves a notification. An active contact is refused with 409: delete it first.',
      request: { params: IdParam },
      responses: { 204: { description: 'Gone' }, 404: errors[404], 409: errors[409] },
    }),
    async (c) => {
      await contacts.purge(c.req.valid('param').id, c.var.actor);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/contacts/{id}/history', tags, summary: "A contact's History, newest first", request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(HistorySchema) }), 'History rows'), 404: errors[404] } }),
    async (c) => c.json({ items: await contacts.history(c.req.valid('param').id) }, 200),
  );

  return app;
}
