import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { CredentialSchema } from './types.js';
import { createRouter } from '../http/openapi.js';
import { body, errors, IdParam, json } from '../http/common.js';
import type { PhonebookService } from '../phonebooks/service.js';
import type { CredentialService } from './service.js';

export function credentialRoutes(credentials: CredentialService, phonebooks: PhonebookService) {
  const app = createRouter();
  const tags = ['Machine credentials'];
  const Issued = z
    .object({
      credential: CredentialSchema,
      secret: z.string().meta({ description: 'Shown once. Phonebooks: the basic-auth password, and the token for URLs' }),
      username: z.string().nullable().meta({ description: 'Basic-auth user name (phonebook credentials)' }),
    })
    .meta({ id: 'CredentialIssued' });
  const Name = z.object({ name: z.string().trim().min(1).max(200) });

  app.openapi(
    createRoute({ method: 'get', path: '/phonebooks/{id}/credentials', tags, summary: "A phonebook's phone credentials (never the secrets)", request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(CredentialSchema) }), 'Credentials'), 404: errors[404] } }),
    async (c) => {
      const { id } = c.req.valid('param');
      await phonebooks.get(id); // 404 outside the caller's sites
      return c.json({ items: await credentials.list({ kind: 'phonebook', phonebookId: id }) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/phonebooks/{id}/credentials',
      tags,
      summary: 'Create a credential desk phones use to fetch this phonebook (shown once)',
      description: 'Phones send it as HTTP basic (`username` / `secret`) or, when they cannot, as a token in the directory URL. It is good for this phonebook only.',
      request: { params: IdParam, ...body(Name.meta({ id: 'PhonebookCredentialCreate' })) },
      responses: { 201: json(Issued, 'Issued'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => c.json(await credentials.createForPhonebook(c.req.valid('param').id, c.req.valid('json').name, c.var.actor), 201),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/credentials', tags, summary: 'All machine credentials', request: { query: z.object({ kind: z.enum(['phonebook', 'service', 'engine']).optional() }) }, responses: { 200: json(z.object({ items: z.array(CredentialSchema) }), 'Credentials'), 422: errors[422] } }),
    async (c) => c.json({ items: await credentials.list(c.req.valid('query')) }, 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/credentials/{id}', tags, summary: 'Revoke a machine credential', request: { params: IdParam }, responses: { 200: json(CredentialSchema, 'Revoked'), 404: errors[404] } }),
    async (c) => c.json(await credentials.revoke(c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/service-keys',
      tags,
      summary: 'Create an API key for a remote vendor service (shown once)',
      request: body(Name.extend({ service: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a vendor service id such as yealink'), phonebookId: z.uuid().nullish() }).meta({ id: 'ServiceKeyCreate' })),
      responses: { 201: json(Issued, 'Issued'), 422: errors[422] },
    }),
    async (c) => {
      const b = c.req.valid('json');
      return c.json(await credentials.createServiceKey(b.service, b.phonebookId ?? null, b.name, c.var.actor), 201);
    },
  );
  app.openapi(
    createRoute({ method: 'post', path: '/engine-tokens', tags, summary: 'Create an internal token for a telephony engine (shown once)', request: body(Name.meta({ id: 'EngineTokenCreate' })), responses: { 201: json(Issued, 'Issued'), 422: errors[422] } }),
    async (c) => c.json(await credentials.createEngineToken(c.req.valid('json').name, c.var.actor), 201),
  );
  return app;
}
