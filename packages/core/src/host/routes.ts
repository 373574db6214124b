import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { runAction, visibleActions, type ActionRunnerDeps } from './actions.js';
import { describePlugins, describePluginsWithHealth, type PluginRegistries } from './describe.js';
import type { LoadedPlugin } from './load.js';
import { PluginViewInfo } from './views.js';

export interface PluginRouteDeps extends ActionRunnerDeps {
  plugins: readonly LoadedPlugin[];
  registries: PluginRegistries;
}
import { createRouter } from '../http/openapi.js';
import { errors, json } from '../http/common.js';

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
    actions: z
      .array(
        z.object({
          id: z.string(),
          label: z.string(),
          description: z.string().nullable(),
          scope: z.enum(['plugin', 'contact', 'contacts']).meta({ description: '`plugin`: a button run with `POST /actions/{id}`; `contact`: on a contact\'s page, `POST /contacts/{id}/actions/{actionId}`; `contacts`: a bulk action, `POST /actions/{id}/bulk`' }),
          when: z
            .object({ hasAttribute: z.array(z.string()).optional(), hasEmail: z.boolean().optional() })
            .nullable()
            .meta({ description: 'What a contact needs for a contact or bulk action to apply (attributes `ns` or `ns.key`, an e-mail address); null: any active contact' }),
        }),
      )
      .describe("The plugin's actions; a site-limited `user` sees only those concerning one of their sites (and those concerning no site in particular)"),
    views: z.array(PluginViewInfo).describe("The admin-app pages (`global`) and contact panels (`contact`) the plugin's routes fill"),
    health: z.array(PluginHealth).describe("The plugin's registered health checks, run for this answer: in parallel, each with a short time limit (`HEALTH_CHECK_TIMEOUT_MS`, 2 s)"),
  })
  .meta({ id: 'PluginInfo' });

export const ActionResultSchema = z.object({ ok: z.boolean(), message: z.string(), data: z.unknown().optional() }).meta({ id: 'ActionResult' });

export function pluginRoutes(host: PluginRouteDeps) {
  const app = createRouter();
  const tags = ['Plugins'];
  const HealthQuery = z.object({ health: z.enum(['true', 'false']).default('true').meta({ description: '`false`: leave the health checks out (`health: []`), for callers that only want what plugins registered (the navigation)' }) });
  app.openapi(createRoute({ method: 'get', path: '/plugins', tags, summary: 'Loaded plugins, what they registered, and their health', request: { query: HealthQuery }, responses: { 200: json(z.object({ items: z.array(PluginInfo) }), 'Plugins'), 422: errors[422] } }), async (c) => {
    const plugins = c.req.valid('query').health === 'false' ? describePlugins(host.plugins, host.registries).map((p) => ({ ...p, health: [] })) : await describePluginsWithHealth(host.plugins, host.registries);
    return c.json({ items: await Promise.all(plugins.map(async (p) => ({ ...p, actions: await visibleActions(host.registries.actions, p.actions) }))) }, 200);
  });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/actions/{actionId}',
      tags,
      summary: "Run a plugin's button action (test connection, sync now, …)",
      description:
        "An action that syncs a contact source (\"Sync now\") runs as that source's sync job of the site — the job `POST /sources/{id}/sync` runs, listed with its progress at `GET /jobs` — or of each site it concerns when no `siteId` is given; while that job runs it reports `ok: false` rather than running twice. Contact and bulk actions are refused here (422 `DIALBOOK_ACTION_SCOPE`).",
      request: { params: z.object({ actionId: z.string().min(1).max(128) }), body: { content: { 'application/json': { schema: z.object({ siteId: z.uuid().optional() }) } }, required: false } },
      responses: { 200: json(ActionResultSchema, 'What the action reported'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => {
      const input = c.req.header('content-type')?.includes('json') ? (c.req.valid('json') ?? {}) : {};
      return c.json(await runAction(host, c.req.valid('param').actionId, { actor: c.var.actor, siteId: input.siteId }), 200);
    },
  );
  return app;
}
