import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { body, errors, json } from '../http/common.js';
import { createRouter } from '../http/openapi.js';
import type { ContactService } from './service.js';
import { ContactSchema } from './types.js';

const tags = ['Contacts'];
const SecretParams = z.object({
  id: z.uuid().meta({ param: { name: 'id', in: 'path' } }),
  key: z.string().min(3).max(128).meta({ param: { name: 'key', in: 'path' }, description: 'A registered secret attribute, e.g. `cucm.pin`' }),
});
const SecretSet = z.object({ value: z.string().min(1).max(1024).nullable().meta({ description: 'The new value; `null` clears it' }) }).meta({ id: 'ContactSecretSet' });
const SecretValue = z.object({ key: z.string(), value: z.string().nullable() }).meta({ id: 'ContactSecretValue' });
const EnrichResult = z
  .object({ done: z.number().int(), changed: z.number().int(), pending: z.array(z.object({ contactId: z.uuid(), enricher: z.string(), reason: z.string() })) })
  .meta({ id: 'EnrichResult' });
const EnrichmentState = z
  .object({
    enrichers: z.array(z.object({ id: z.string(), label: z.string(), owner: z.string(), pending: z.number().int(), oldestPending: z.iso.datetime().nullable() })),
    secretAttributes: z.array(z.object({ key: z.string(), label: z.string(), owner: z.string() })),
  })
  .meta({ id: 'EnrichmentState' });

/**
 * Secret contact attributes (staff and admins): set one, or reveal it — a POST, so each reveal is
 * in the audit log (who, which contact and key; never the value) — and the enrichers' state.
 */
export function secretRoutes(contacts: ContactService) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/contacts/{id}/secrets/{key}/reveal',
      tags,
      summary: 'Reveal a secret attribute of a contact (audited)',
      description: 'Staff and admins. The value is never part of the contact itself: its attributes hold only `{ secret: "set", updatedAt }` where one is set. The answer is not cached (`Cache-Control: no-store`).',
      request: { params: SecretParams },
      responses: { 200: json(SecretValue, 'The value (null when none is set)'), 404: errors[404], 409: errors[409] },
    }),
    async (c) => {
      const { id, key } = c.req.valid('param');
      const value = await contacts.getSecret(id, key);
      c.header('Cache-Control', 'no-store');
      return c.json({ key, value }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/contacts/{id}/secrets/{key}',
      tags,
      summary: 'Set or clear a secret attribute of a contact',
      description: 'Staff and admins. Encrypted at rest with `DIALBOOK_SECRET_KEY` (409 without one). Writes History (the marker only, never the value) and `contact.updated`.',
      request: { params: SecretParams, ...body(SecretSet) },
      responses: { 200: json(ContactSchema, 'The contact with the new marker'), 404: errors[404], 409: errors[409], 422: errors[422] },
    }),
    async (c) => {
      const { id, key } = c.req.valid('param');
      return c.json(await contacts.setSecret(id, key, c.req.valid('json').value, c.var.actor), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/contacts/{id}/enrich',
      tags,
      summary: 'Run the contact enrichers for one contact now',
      description: 'Staff and admins. Every registered enricher that is on for the contact\'s site (or only `enricher`), as after a sync; what it could not do stays pending and is retried.',
      request: { params: z.object({ id: z.uuid().meta({ param: { name: 'id', in: 'path' } }) }), body: { content: { 'application/json': { schema: z.object({ enricher: z.string().min(1).max(128).optional() }) } }, required: false } },
      responses: { 200: json(EnrichResult, 'What the enrichers did'), 404: errors[404] },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = (c.req.valid('json') ?? {}) as { enricher?: string };
      const contact = await contacts.get(id);
      if (body.enricher) contacts.enrichment.registry.require(body.enricher);
      return c.json(await contacts.enrich(contact.siteId, [id], body.enricher ? { only: body.enricher } : {}), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/enrichers',
      tags,
      summary: 'Contact enrichers, their pending contacts, and the secret attributes plugins registered',
      responses: { 200: json(EnrichmentState, 'Registered enrichers and secret attributes') },
    }),
    async (c) => {
      const { enrichment, secretAttributes } = contacts;
      const pending = new Map((await enrichment.pending()).map((p) => [p.enricher, p]));
      return c.json(
        {
          enrichers: enrichment.registry.list().map((e) => ({ id: e.id, label: e.label, owner: enrichment.registry.ownerOf(e.id) ?? 'core', pending: pending.get(e.id)?.contacts ?? 0, oldestPending: pending.get(e.id)?.oldest ?? null })),
          secretAttributes: secretAttributes.registry.list().map((a) => ({ key: a.key, label: a.label, owner: secretAttributes.registry.ownerOf(a.id) ?? 'core' })),
        },
        200,
      );
    },
  );

  return app;
}
