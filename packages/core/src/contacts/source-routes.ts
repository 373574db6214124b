import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { DialbookError } from '../base/errors.js';
import { createRouter } from '../http/openapi.js';
import { errors, json } from '../http/common.js';
import type { SiteService } from '../sites/service.js';
import type { ContactSources } from './sources.js';

const SyncResultSchema = z
  .object({ created: z.number().int(), updated: z.number().int(), deleted: z.number().int(), unchanged: z.number().int(), failed: z.number().int() })
  .loose()
  .meta({ id: 'SyncResult' });

/** The registered contact sources, and a sync of one into a site as a tracked job. */
export function sourceRoutes(sources: ContactSources, sites: SiteService) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/sources',
      tags: ['Jobs'],
      summary: 'Registered contact sources and what each can do',
      responses: { 200: json(z.object({ items: z.array(z.object({ id: z.string(), label: z.string(), sync: z.boolean(), search: z.boolean(), importOne: z.boolean(), test: z.boolean() })) }), 'Sources') },
    }),
    (c) =>
      c.json({ items: sources.registry.list().map((s) => ({ id: s.id, label: s.label, sync: !!s.sync, search: !!s.search, importOne: !!s.importOne, test: !!s.test })) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/sources/{id}/sync',
      tags: ['Jobs'],
      summary: 'Sync a contact source into a site now',
      description: 'Runs as a job (progress at `GET /jobs`); answers when it has finished. 409 while the same source already syncs that site.',
      request: { params: z.object({ id: z.string().min(1).max(100) }), body: { content: { 'application/json': { schema: z.object({ siteId: z.uuid() }).meta({ id: 'SyncRequest' }) } }, required: true } },
      responses: { 200: json(SyncResultSchema, 'What the sync did'), 404: errors[404], 409: errors[409], 422: errors[422] },
    }),
    async (c) => {
      const source = sources.registry.require(c.req.valid('param').id);
      if (!source.sync) throw new DialbookError('DIALBOOK_SOURCE_NO_SYNC', `${source.label} cannot sync`, { status: 422 });
      const { siteId } = c.req.valid('json');
      const site = await sites.get(siteId);
      const result = await sources.sync(source.id, site, c.var.actor);
      return c.json(result as z.infer<typeof SyncResultSchema>, 200);
    },
  );
  return app;
}
