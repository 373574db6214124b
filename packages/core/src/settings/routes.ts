import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { CATEGORY_ID } from './category.js';
import { createRouter } from '../http/openapi.js';
import { body, errors, json } from '../http/common.js';
import type { SettingsService } from './service.js';

const CategoryInfo = z
  .object({
    id: z.string(),
    label: z.string(),
    description: z.string().nullable(),
    scope: z.enum(['global', 'site']).meta({ description: '`site`: values per site (`?siteId=`) over the shared ones' }),
    owner: z.string().meta({ description: '`core` or the plugin instance id' }),
    schema: z.record(z.string(), z.unknown()).meta({ description: 'JSON Schema of the category; secrets carry `writeOnly: true` and `x-secret: true`' }),
  })
  .meta({ id: 'SettingCategory' });

const SettingsView = z
  .object({
    category: z.string(),
    scope: z.enum(['global', 'site']),
    siteId: z.uuid().nullable(),
    values: z.record(z.string(), z.unknown()).meta({ description: 'Effective values (defaults ← database ← config ← environment); each secret shows only as `{ "set": true | false }`' }),
    locked: z.array(z.string()).meta({ description: 'Key paths fixed by the config file or environment; PATCH refuses them (409 DIALBOOK_SETTING_LOCKED)' }),
    missing: z.array(z.string()).meta({ description: 'Required keys without a value' }),
    errors: z.array(z.object({ field: z.string(), message: z.string() })),
    updatedAt: z.iso.datetime().nullable(),
    updatedBy: z.string().nullable().meta({ description: 'Actor key of the last change: `user:<id>`, `apiKey:<id>`, `plugin:<id>`, `system:system`' }),
    updatedByName: z.string().nullable().meta({ description: "Who made the last change, as people read it: the user's e-mail (also when they used an API token), `plugin <id>`, `Dialbook`; null when not known (e.g. a deleted user)" }),
  })
  .meta({ id: 'Settings' });

const CategoryParam = z.object({ category: z.string().regex(CATEGORY_ID, 'a settings category id').meta({ param: { name: 'category', in: 'path' } }) });
const SiteQuery = z.object({ siteId: z.uuid().optional().meta({ description: 'For a site-scoped category: that site (omit for the values all sites share)' }) });
const Patch = z.record(z.string(), z.unknown()).meta({
  id: 'SettingsPatch',
  description: 'Partial, nested values. A secret set to `null` is cleared; another key set to `null` goes back to its default. Secrets are never echoed.',
});

/** `/settings`: categories with their JSON Schemas, and each category's values. Handlers are thin: `SettingsService` does the work. */
export function settingsRoutes(settings: SettingsService) {
  const app = createRouter();
  const tags = ['Settings'];

  app.openapi(
    createRoute({ method: 'get', path: '/settings', tags, summary: 'Settings categories and their JSON Schemas', responses: { 200: json(z.object({ items: z.array(CategoryInfo) }), 'Categories') } }),
    (c) => c.json({ items: settings.list() }, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/settings/{category}',
      tags,
      summary: "A category's effective values (secrets only as set / not set), locked and missing keys",
      request: { params: CategoryParam, query: SiteQuery },
      responses: { 200: json(SettingsView, 'Values'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => c.json(await settings.read(c.req.valid('param').category, c.req.valid('query').siteId ?? null), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/settings/{category}',
      tags,
      summary: "Change some of a category's values (deep patch)",
      description: 'Validated with the category schema (422 naming the key). Keys fixed by the config file or environment are refused with 409 `DIALBOOK_SETTING_LOCKED`. Emits `settings.changed`.',
      request: { params: CategoryParam, query: SiteQuery, ...body(Patch) },
      responses: { 200: json(SettingsView, 'The values after the change'), 404: errors[404], 409: errors[409], 422: errors[422] },
    }),
    async (c) => {
      const view = await settings.update(c.req.valid('param').category, c.req.valid('json'), { siteId: c.req.valid('query').siteId ?? null, actor: c.var.actor });
      return c.json(view, 200);
    },
  );
  return app;
}
