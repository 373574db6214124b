import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { AccessInfoSchema, ConfigFieldSchema } from './protocol.js';
import { createRouter } from '../http/openapi.js';
import { body, errors, json } from '../http/common.js';
import type { VendorServices } from './service.js';

const tags = ['Vendor services'];
const Params = z.object({
  id: z.uuid().meta({ param: { name: 'id', in: 'path' } }),
  vendor: z.string().max(64).meta({ param: { name: 'vendor', in: 'path' } }),
});
const IdOnly = z.object({ id: z.uuid().meta({ param: { name: 'id', in: 'path' } }) });

const FieldSchema = ConfigFieldSchema.extend({
  value: z.union([z.string(), z.number(), z.boolean(), z.object({ set: z.boolean() }), z.null()]).describe('Current value; secrets only as `{ set }`'),
  filled: z.boolean().describe('Filled by core from the phonebook or site'),
});

export const VendorPairSchema = z
  .object({
    vendor: z.string(),
    phonebookId: z.uuid(),
    state: z.enum(['unavailable', 'disabled', 'setup', 'enabled']).describe('Live, held in memory: `unavailable` while no service of the vendor is connected'),
    message: z.string().nullable(),
    access: AccessInfoSchema.nullable().describe('What phones need (fetch URL, user name, provisioning lines), as the service reported it'),
    configured: z.boolean(),
    enabled: z.boolean().describe("The administrator's stored decision"),
    fields: z.array(FieldSchema).describe('What the connected service asks for (empty while unavailable)'),
    missing: z.array(z.string()),
    instances: z.array(z.object({ instanceId: z.string(), version: z.string(), connectedAt: z.iso.datetime(), state: z.enum(['enabled', 'disabled']).nullable() })),
    updatedAt: z.iso.datetime().nullable(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: 'VendorServicePair' });

const ConnectedSchema = z
  .object({
    sessionId: z.string(),
    service: z.string(),
    vendor: z.string(),
    version: z.string(),
    instanceId: z.string(),
    phonebookId: z.uuid().nullable(),
    remoteAddress: z.string().nullable(),
    connectedAt: z.iso.datetime(),
    lastSeenAt: z.iso.datetime(),
    config: z.array(ConfigFieldSchema),
  })
  .meta({ id: 'VendorServiceInstance' });

const ConfigureSchema = z
  .object({ values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).describe('Values for the fields the service asked for; a secret left out keeps its stored value, null clears') })
  .meta({ id: 'VendorServiceConfigure' });

/**
 * Remote vendor services: connected instances, and per phonebook the state of each vendor
 * (`unavailable → disabled → setup → enabled`), its setup, configuration and enablement.
 */
export function vendorRoutes(vendors: VendorServices) {
  const app = createRouter();
  const pair = (description: string) => json(VendorPairSchema, description);

  app.openapi(createRoute({ method: 'get', path: '/vendor-services', tags, summary: 'Connected remote vendor service instances', responses: { 200: json(z.object({ items: z.array(ConnectedSchema) }), 'Connected instances') } }), (c) =>
    c.json({ items: vendors.connected() }, 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/phonebooks/{id}/vendors', tags, summary: "A phonebook's remote vendor services and their states", request: { params: IdOnly }, responses: { 200: json(z.object({ items: z.array(VendorPairSchema) }), 'One entry per vendor'), 404: errors[404] } }),
    async (c) => c.json({ items: await vendors.list(c.req.valid('param').id) }, 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/phonebooks/{id}/vendors/{vendor}', tags, summary: 'One vendor for a phonebook: state, fields, access', request: { params: Params }, responses: { 200: pair('The pair'), 404: errors[404] } }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json(await vendors.get(p.id, p.vendor), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/phonebooks/{id}/vendors/{vendor}/setup',
      tags,
      summary: 'Enter setup: shows the fields the service asks for (core fills what it knows)',
      request: { params: Params },
      responses: { 200: pair('In setup'), 404: errors[404], 409: errors[409] },
    }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json(await vendors.startSetup(p.id, p.vendor), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'put',
      path: '/phonebooks/{id}/vendors/{vendor}/configuration',
      tags,
      summary: 'Submit the configuration: stored, a key issued for the pair, sent to the service; answers with its state and access',
      request: { params: Params, ...body(ConfigureSchema) },
      responses: { 200: pair('Configured (see `state` and `message`)'), 404: errors[404], 409: errors[409], 422: errors[422] },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const values = Object.fromEntries(Object.entries(c.req.valid('json').values));
      return c.json(await vendors.configure(p.id, p.vendor, values, c.var.actor), 200);
    },
  );
  app.openapi(
    createRoute({ method: 'post', path: '/phonebooks/{id}/vendors/{vendor}/enable', tags, summary: 'Serve the phonebook through the service again (stored configuration, new pair key)', request: { params: Params }, responses: { 200: pair('Enabled (see `state`)'), 404: errors[404], 409: errors[409] } }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json(await vendors.enable(p.id, p.vendor, c.var.actor), 200);
    },
  );
  app.openapi(
    createRoute({ method: 'post', path: '/phonebooks/{id}/vendors/{vendor}/disable', tags, summary: 'Stop serving the phonebook through the service (its pair key is revoked)', request: { params: Params }, responses: { 200: pair('Disabled'), 404: errors[404] } }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json(await vendors.disable(p.id, p.vendor, c.var.actor), 200);
    },
  );
  return app;
}
