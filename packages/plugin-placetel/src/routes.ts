/**
 * The plugin's staff routes under `/api/v1/plugins/<instance id>`: the sites with their webhook
 * URLs (the admin app's Placetel page), the connection test, the back-fill on request, and a new
 * webhook URL for a site. Thin: the work is in `source.ts`, `jobs.ts` and `site-rows.ts`.
 */
import { createRoute, createRouter, errors, isDialbookError, json, problemResponse, z, type AppEnv, type OpenAPIHono } from '@dialbook/core';
import { PlacetelError } from './errors.js';
import { runBackfill } from './jobs.js';
import type { PlacetelRuntime } from './runtime.js';
import { siteRows } from './site-rows.js';
import { testConnection } from './source.js';

const Tone = z.object({ label: z.string(), tone: z.enum(['good', 'warn', 'bad', 'neutral']) });
const SiteRowSchema = z.object({ siteId: z.uuid(), site: z.string(), webhookUrl: z.string(), signing: Tone, restApi: Tone, callControl: Tone, numbers: z.array(z.string()), warning: z.string().nullable() }).meta({ id: 'PlacetelSite' });
const TestReportSchema = z.object({ ok: z.boolean(), message: z.string(), account: z.object({ name: z.string().nullable(), company: z.string().nullable() }).optional(), code: z.string().optional() }).meta({ id: 'PlacetelTestReport' });
const ReportSchema = z.object({ created: z.number(), updated: z.number(), deleted: z.number(), unchanged: z.number(), failed: z.number(), days: z.number(), rows: z.number(), matched: z.number() }).meta({ id: 'PlacetelBackfillReport' });
const moment = z.iso.datetime({ offset: true }).meta({ description: 'ISO 8601 with an offset' });
const SyncInput = z
  .object({
    siteId: z.uuid(),
    start: moment.optional().meta({ description: 'Inclusive; default: backfillDays before end' }),
    end: moment.optional().meta({ description: 'Exclusive; default: now' }),
    wait: z.boolean().default(false).meta({ description: 'Answer when the back-fill is done (200 with its report) instead of at once (202)' }),
  })
  .meta({ id: 'PlacetelSyncInput' });

const refusals = { 404: errors[404], 409: problemResponse('Not set up for the site (`DIALBOOK_PLACETEL_NOT_CONFIGURED`), or a back-fill of it is running (`DIALBOOK_JOB_RUNNING`)'), 422: errors[422] };

const routes = {
  sites: createRoute({ method: 'get', path: '/sites', operationId: 'sites', summary: 'Sites and their webhook URLs', description: 'Per site: the webhook URL to paste into Placetel, signing, API key and call control state (never a secret).', responses: { 200: json(z.object({ items: z.array(SiteRowSchema), message: z.string().optional() }), 'The sites') } }),
  test: createRoute({ method: 'post', path: '/test', operationId: 'test', summary: 'Test the REST API key', description: '`GET /v2/me` with the site\'s API key. Placetel\'s refusals answer 200 with `ok: false` and the code.', request: { body: json(z.object({ siteId: z.uuid() }), 'The site') }, responses: { 200: json(TestReportSchema, 'What Placetel said'), ...refusals } }),
  sync: createRoute({
    method: 'post',
    path: '/sync',
    operationId: 'sync',
    summary: 'Back-fill calls from the REST API',
    description: 'Reads `GET /v2/calls` for every Placetel day of `[start, end)` as the tracked job `<instance>.backfill:<site id>` (progress at `GET /api/v1/jobs`). Calls known from webhooks are merged, never duplicated.',
    request: { body: json(SyncInput, 'The site and window') },
    responses: { 200: json(ReportSchema, 'The back-fill finished (wait: true)'), 202: json(z.object({ job: z.string(), message: z.string() }), 'The back-fill started'), ...refusals, 502: problemResponse('Placetel failed (`DIALBOOK_PLACETEL_AUTH`, `_UNREACHABLE`, `_PROTOCOL`)'), 503: problemResponse('Rate-limited beyond the retries (`DIALBOOK_PLACETEL_THROTTLED`)') },
  }),
  backfillView: createRoute({
    method: 'get',
    path: '/backfill',
    operationId: 'backfillWindow',
    summary: 'Back-fill a window (the admin app\'s back-fill page)',
    description: 'As `POST /sync` with `wait: true`, for the admin app\'s view form: the site by slug, and the report as one row. Reading Placetel again changes nothing that is already known.',
    request: { query: z.object({ site: z.string().trim().min(1).max(64), start: moment, end: moment.optional() }) },
    responses: { 200: json(z.object({ items: z.array(ReportSchema.extend({ site: z.string() })), message: z.string() }), 'The report'), ...refusals },
  }),
  rotate: createRoute({ method: 'post', path: '/sites/{siteId}/webhook-token', operationId: 'rotateWebhookToken', summary: 'A new webhook URL for a site', description: 'The old URL stops working at once: paste the new one into Placetel.', request: { params: z.object({ siteId: z.uuid() }) }, responses: { 200: json(z.object({ webhookUrl: z.string() }), 'The new URL'), 404: errors[404] } }),
};

/** Where the admin app reached Dialbook: the base of the webhook URLs (the `publicUrl` option wins). */
export const baseOf = (rt: PlacetelRuntime, c: { req: { url: string } }): string => rt.options.publicUrl ?? new URL(c.req.url).origin;

export function createRoutes(rt: PlacetelRuntime): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(routes.sites, async (c) => c.json(await siteRows(rt, baseOf(rt, c)), 200));
  app.openapi(routes.test, async (c) => {
    const { siteId } = c.req.valid('json');
    await rt.site(siteId);
    return c.json(await testConnection(rt, siteId), 200);
  });
  app.openapi(routes.sync, async (c) => {
    const body = c.req.valid('json');
    const site = await rt.site(body.siteId);
    const settings = await rt.settingsFor(site.id);
    rt.client(site.id, settings); // 409 now rather than in the job when no key is set
    const window = { ...(body.start ? { start: new Date(body.start) } : {}), ...(body.end ? { end: new Date(body.end) } : {}) };
    const run = runBackfill(rt, site.id, site.slug, window, c.get('actor'));
    if (body.wait) return c.json(await run, 200);
    // A back-fill of the site already running is refused at once (409), not reported as started.
    const early = await Promise.race([run.then(() => null, (err: unknown) => err), new Promise<null>((resolve) => setImmediate(resolve, null))]);
    if (early && isDialbookError(early) && early.status < 500) throw early;
    run.catch((err: unknown) => rt.ctx.logger.warn({ err, site: site.slug }, `Placetel back-fill of site "${site.slug}" failed`));
    return c.json({ job: `${rt.ctx.id}.backfill:${site.id}`, message: `back-fill of site "${site.slug}" started; see its progress under Jobs` }, 202);
  });
  app.openapi(routes.backfillView, async (c) => {
    const q = c.req.valid('query');
    const site = await rt.ctx.sites.findBySlug(q.site);
    if (!site) throw new PlacetelError('DIALBOOK_PLACETEL_SITE_UNKNOWN', `no site has the slug "${q.site}"`, { field: 'site', plugin: rt.ctx.id });
    const report = await runBackfill(rt, site.id, site.slug, { start: new Date(q.start), ...(q.end ? { end: new Date(q.end) } : {}) }, c.get('actor'));
    return c.json({ items: [{ site: site.name, ...report }], message: `back-fill of site "${site.slug}" done` }, 200);
  });
  app.openapi(routes.rotate, async (c) => {
    const { siteId } = c.req.valid('param');
    await rt.site(siteId);
    const token = await rt.tokens.rotate(siteId);
    return c.json({ webhookUrl: `${baseOf(rt, c)}/api/v1/plugins/${rt.ctx.id}/webhook/${token}` }, 200);
  });
  return app;
}
