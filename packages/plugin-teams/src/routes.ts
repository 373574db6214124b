/**
 * The plugin's staff routes under `/api/v1/plugins/<instance id>`: the sync of a window on
 * request (a tracked job), the connection test, and the change-notification subscriptions per site
 * (the view's rows). Thin: the work is in `jobs.ts` and `source.ts`.
 */
import { createRoute, createRouter, errors, isDialbookError, json, problemResponse, z, type AppEnv, type OpenAPIHono } from '@dialbook/core';
import { TeamsError } from './errors.js';
import { runSync } from './jobs.js';
import type { TeamsRuntime } from './runtime.js';
import { testConnection } from './source.js';
import { NEEDS_PUBLIC_URL, type NotificationsState, type Subscriptions } from './subscriptions.js';

const moment = z.iso.datetime({ offset: true }).meta({ description: 'ISO 8601 with an offset' });
const SyncInput = z
  .object({
    siteId: z.uuid().optional().meta({ description: 'Default: the only site, when there is one' }),
    start: moment.meta({ description: 'Inclusive: calls that started at or after it' }),
    end: moment.meta({ description: 'Exclusive' }),
    wait: z.boolean().default(false).meta({ description: 'Answer when the sync is done (200 with its report) instead of at once (202)' }),
  })
  .meta({ id: 'TeamsSyncInput' });
const ReportSchema = z.object({ created: z.number(), updated: z.number(), deleted: z.number(), unchanged: z.number(), failed: z.number(), records: z.number(), skipped: z.number(), pstnRows: z.number(), directRoutingRows: z.number(), errors: z.array(z.string()), start: z.string(), end: z.string() }).meta({ id: 'TeamsSyncReport' });
const TestReportSchema = z.object({ ok: z.boolean(), message: z.string(), code: z.string().optional(), field: z.string().optional(), records: z.number().optional() }).meta({ id: 'TeamsTestReport' });

const TONE: Record<NotificationsState, 'good' | 'warn' | 'bad' | 'neutral'> = { off: 'neutral', 'not set up': 'neutral', 'needs server.publicUrl': 'warn', pending: 'neutral', active: 'good', failing: 'bad' };
const SubscriptionRowSchema = z
  .object({
    siteId: z.string(),
    site: z.string(),
    state: z.object({ label: z.string(), tone: z.enum(['good', 'warn', 'bad', 'neutral']) }),
    note: z.string().nullable(),
    subscriptionId: z.string().nullable(),
    expiresAt: z.string().nullable(),
    lastNotificationAt: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .meta({ id: 'TeamsSubscriptionRow' });

const refusals = { 404: errors[404], 409: problemResponse('Not set up for the site (`DIALBOOK_TEAMS_NOT_CONFIGURED`), or a sync of it is running (`DIALBOOK_JOB_RUNNING`)'), 422: errors[422] };

const routes = {
  sync: createRoute({
    method: 'post',
    path: '/sync',
    operationId: 'sync',
    summary: 'Sync Teams call records of a window',
    description: 'Reads the callRecords that started in `[start, end)` from Microsoft Graph as the tracked job `<instance>.sync:<site id>` (progress at `GET /api/v1/jobs`), upserted by callRecord id: a window synced twice duplicates nothing.',
    request: { body: json(SyncInput, 'The site and window') },
    responses: {
      200: json(ReportSchema, 'The sync finished (wait: true)'),
      202: json(z.object({ job: z.string(), message: z.string() }), 'The sync started'),
      ...refusals,
      502: problemResponse('Entra ID or Graph refused or failed (`DIALBOOK_TEAMS_AUTH`, `_CONSENT`, `_UNREACHABLE`, `_PROTOCOL`)'),
      503: problemResponse('Throttled beyond the retries (`DIALBOOK_TEAMS_THROTTLED`)'),
    },
  }),
  subscriptions: createRoute({ method: 'get', path: '/subscriptions', operationId: 'subscriptions', summary: 'Change-notification subscriptions per site', description: 'Per site: notifications off / needs server.publicUrl / active / failing, the Graph subscription id, when it runs out, the last notification and the last error (never the clientState). Feeds the view "Teams change notifications".', responses: { 200: json(z.object({ items: z.array(SubscriptionRowSchema), message: z.string().optional() }), 'The sites') } }),
  test: createRoute({ method: 'post', path: '/test', operationId: 'test', summary: 'Test sign-in and Graph access', description: "Acquires a token with the site's app registration, then reads one page of callRecords. Refusals answer 200 with `ok: false`, the code and the setting concerned.", request: { body: json(z.object({ siteId: z.uuid() }), 'The site') }, responses: { 200: json(TestReportSchema, 'What Entra ID and Graph said'), ...refusals } }),
};

export function createRoutes(rt: TeamsRuntime, subs: Subscriptions): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(routes.subscriptions, async (c) => {
    const slugs = new Map((await rt.ctx.sites.list()).map((s) => [s.id, s.slug]));
    const rows = await subs.status();
    const items = rows.map((r) => ({ siteId: r.siteId, site: slugs.get(r.siteId) ?? r.siteId, state: { label: r.state, tone: TONE[r.state] }, note: r.note, subscriptionId: r.subscriptionId, expiresAt: r.expiresAt, lastNotificationAt: r.lastNotificationAt, lastError: r.lastError }));
    const needsUrl = rows.some((r) => r.state === 'needs server.publicUrl');
    return c.json({ items, ...(needsUrl ? { message: `Change notifications are on for a site but Dialbook has no public address: ${NEEDS_PUBLIC_URL}.` } : !items.length ? { message: 'no site yet' } : {}) }, 200);
  });
  app.openapi(routes.sync, async (c) => {
    const body = c.req.valid('json');
    let siteId = body.siteId;
    if (!siteId) {
      const sites = await rt.ctx.sites.list();
      if (sites.length !== 1) throw new TeamsError('DIALBOOK_TEAMS_WINDOW', `name the site (siteId): there are ${sites.length} sites`, { field: 'siteId', plugin: rt.ctx.id });
      siteId = sites[0]!.id;
    }
    const site = await rt.site(siteId);
    const start = new Date(body.start);
    const end = new Date(body.end);
    if (!(start < end)) throw new TeamsError('DIALBOOK_TEAMS_WINDOW', 'start must be before end', { field: 'end', plugin: rt.ctx.id });
    await rt.configured(site.id); // 409 now rather than in the job
    const run = runSync(rt, site.id, site.slug, { start, end });
    if (body.wait) return c.json(await run, 200);
    // A sync of the site already running is refused at once (409), not reported as started.
    const early = await Promise.race([run.then(() => null, (err: unknown) => err), new Promise<null>((resolve) => setImmediate(resolve, null))]);
    if (early && isDialbookError(early) && early.status < 500) throw early;
    run.catch((err: unknown) => rt.ctx.logger.warn({ err, site: site.slug }, `Teams sync of site "${site.slug}" failed`));
    return c.json({ job: `${rt.ctx.id}.sync:${site.id}`, message: `sync of site "${site.slug}" started; see its progress under Jobs` }, 202);
  });
  app.openapi(routes.test, async (c) => {
    const { siteId } = c.req.valid('json');
    await rt.site(siteId);
    return c.json(await testConnection(rt, siteId), 200);
  });
  return app;
}
