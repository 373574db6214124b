import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { createRouter } from '../openapi.js';
import { errors, json } from './common.js';

const PluginHealth = z
  .object({
    id: z.string().describe('`<plugin id>.<check id>`'),
    label: z.string(),
    ok: z.boolean().describe('false also when the check threw or did not answer in time'),
    message: z.string().describe("The check's message, or why it failed"),
    checkedAt: z.iso.datetime(),
    durationMs: z.number().int().min(0),
  })
  .meta({ id: 'PluginHealthCheck' });

const PluginInfo = z
  .object({
    id: z.string(),
    name: z.string(),
    version: z.string().nullable(),
    description: z.string().nullable(),
    from: z.string(),
    state: z.string(),
    contactSources: z.array(z.string()),
    renderers: z.array(z.string()),
    actions: z.array(z.object({ id: z.string(), label: z.string(), description: z.string().nullable() })),
    health: z.array(PluginHealth).describe("The plugin's registered health checks, run for this answer: in parallel, each with a short time limit (`HEALTH_CHECK_TIMEOUT_MS`, 2 s)"),
  })
  .meta({ id: 'PluginInfo' });

const ActionResult = z.object({ ok: z.boolean(), message: z.string(), data: z.unknown().optional() }).meta({ id: 'ActionResult' });

export function pluginRoutes() {
  const app = createRouter();
  const tags = ['Plugins'];
  app.openapi(createRoute({ method: 'get', path: '/plugins', tags, summary: 'Loaded plugins, what they registered, and their health', responses: { 200: json(z.object({ items: z.array(PluginInfo) }), 'Plugins') } }), async (c) =>
    c.json({ items: await c.var.dialbook.describePluginsWithHealth() }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/actions/{actionId}',
      tags,
      summary: "Run a plugin's registered action (test connection, sync now, …)",
      request: { params: z.object({ actionId: z.string().min(1).max(128) }), body: { content: { 'application/json': { schema: z.object({ siteId: z.uuid().optional() }) } }, required: false } },
      responses: { 200: json(ActionResult, 'What the action reported'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => {
      const action = c.var.dialbook.registries.actions.require(c.req.valid('param').actionId);
      const input = c.req.header('content-type')?.includes('json') ? (c.req.valid('json') ?? {}) : {};
      return c.json(await action.run({ actor: c.var.actor, ...(input.siteId ? { siteId: input.siteId } : {}) }), 200);
    },
  );
  return app;
}
