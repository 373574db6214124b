/**
 * The plugin's HTTP routes, mounted under `/api/v1/plugins/<instance id>` for `staff` and
 * documented in the core's `/openapi.json` (`/plugins/<instance id>/…`; the core sets the tag
 * `Plugin: <instance id>` and prefixes the operation ids with the instance id: `ldapSync`).
 * Thin: the core validates the input (422 problem+json naming the field), the service does
 * the work, errors become problem+json in the core.
 */
import type { MiddlewareHandler } from 'hono';
import { createRoute, createRouter, DialbookError, errors, json, jsonBody, problemResponse, z, type AppEnv, type OpenAPIHono } from '@dialbook/core';
import type { LdapService } from './service.js';
import {
  ConflictParam,
  ConflictSchema,
  ConflictsQuery,
  ImportInput,
  ImportResultSchema,
  LdapSyncOutcomeSchema,
  ProbeReportSchema,
  ResolveInput,
  ResolveResultSchema,
  SearchHitSchema,
  SearchQuery,
  SiteQuery,
  SiteStatusSchema,
  SyncInput,
  TestInput,
} from './schemas.js';

/** A body sent as JSON that does not parse is refused as before: 422 naming `body` (the core's validator would answer 400). */
const parsableJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.header('content-type')?.includes('json')) {
    try {
      await c.req.json(); // cached by Hono for the validator
    } catch {
      throw new DialbookError('DIALBOOK_VALIDATION', 'the request body is not valid JSON', { status: 422, field: 'body' });
    }
  }
  await next();
};

const unknownSite = problemResponse('Unknown site');
const directoryErrors = {
  409: problemResponse('Not set up for the site (`DIALBOOK_LDAP_NOT_CONFIGURED`, naming the missing keys), sync turned off, or a sync of the site running on another instance'),
  502: problemResponse('The directory failed: `DIALBOOK_LDAP_DNS`, `_TCP`, `_TLS`, `_BIND`, `_BASE_DN`, `_FILTER`, `_SEARCH`, `_CONNECTION`, with `details.stage`'),
};

const routes = {
  test: createRoute({
    method: 'post',
    path: '/test',
    operationId: 'test',
    summary: 'Test the connection',
    description: 'Runs every step (settings, dns, tcp, tls, bind, baseDN, filter, mapping) with the saved settings of a site, or unsaved ones laid over them; names the step that failed. Directory problems are answered 200 with `ok: false`.',
    middleware: [parsableJson] as const,
    request: { body: { content: { 'application/json': { schema: TestInput } }, required: false } },
    responses: { 200: json(ProbeReportSchema, 'What each step did'), 404: unknownSite, 422: errors[422] },
  }),
  sync: createRoute({
    method: 'post',
    path: '/sync',
    operationId: 'sync',
    summary: 'Sync a site now',
    description: 'Waits for the outcome; progress meanwhile at GET /jobs. A sync of the site already running here is joined.',
    middleware: [parsableJson] as const,
    request: jsonBody(SyncInput),
    responses: { 200: json(LdapSyncOutcomeSchema, 'The outcome'), 404: unknownSite, 409: directoryErrors[409], 422: errors[422], 502: directoryErrors[502] },
  }),
  status: createRoute({
    method: 'get',
    path: '/status',
    operationId: 'status',
    summary: 'Sync state of a site',
    description: 'Configured?, schedule and next run, last run and last full run, marker, what the next scheduled run would do, open conflicts.',
    request: { query: SiteQuery },
    responses: { 200: json(SiteStatusSchema, 'The state'), 404: unknownSite, 422: errors[422] },
  }),
  search: createRoute({
    method: 'get',
    path: '/search',
    operationId: 'search',
    summary: 'Search the directory',
    request: { query: SearchQuery },
    responses: { 200: json(z.object({ items: z.array(SearchHitSchema) }), 'Matching entries'), 404: unknownSite, 409: directoryErrors[409], 422: errors[422], 502: directoryErrors[502] },
  }),
  import: createRoute({
    method: 'post',
    path: '/import',
    operationId: 'import',
    summary: 'Import one entry',
    description: 'By DN or by the identity `search` answers. 404 when no entry under the base DN matches the filter; 409 `DIALBOOK_LDAP_UID_CONFLICT` with the conflict id.',
    middleware: [parsableJson] as const,
    request: jsonBody(ImportInput),
    responses: {
      200: json(ImportResultSchema, 'The contact was updated'),
      201: json(ImportResultSchema, 'The contact was created'),
      404: problemResponse('Unknown site, or no entry under the base DN matches the filter'),
      409: problemResponse('A UID conflict (`DIALBOOK_LDAP_UID_CONFLICT`), or not set up for the site'),
      422: errors[422],
      502: directoryErrors[502],
    },
  }),
  conflicts: createRoute({
    method: 'get',
    path: '/conflicts',
    operationId: 'listConflicts',
    summary: 'UID conflicts of a site',
    request: { query: ConflictsQuery },
    responses: { 200: json(z.object({ items: z.array(ConflictSchema) }), 'Conflicts, newest first'), 404: unknownSite, 422: errors[422] },
  }),
  resolve: createRoute({
    method: 'post',
    path: '/conflicts/{cid}/resolve',
    operationId: 'resolveConflict',
    summary: 'Decide a conflict: keep, overwrite or link',
    middleware: [parsableJson] as const,
    request: { params: ConflictParam, ...jsonBody(ResolveInput) },
    responses: { 200: json(ResolveResultSchema, 'The conflict as it now is and the contact written'), 404: problemResponse('Unknown conflict'), 409: errors[409], 422: errors[422] },
  }),
};

export function createRoutes(service: LdapService): OpenAPIHono<AppEnv> {
  const app = createRouter();

  /** Test connection: with the saved settings of a site, or with unsaved ones laid over them. */
  app.openapi(routes.test, async (c) => {
    const { siteId, settings } = c.req.valid('json');
    return c.json(await service.test(siteId ?? null, settings), 200);
  });

  /** Sync a site now and wait for the result (progress meanwhile at GET /api/v1/jobs). */
  app.openapi(routes.sync, async (c) => {
    const input = c.req.valid('json');
    return c.json(await service.syncTracked(input.siteId, { mode: input.mode, confirmDeletions: input.confirmDeletions, trigger: 'manual', requestedBy: c.var.actor }), 200);
  });

  /** The site's sync state: last run, last full run, marker, next scheduled run. */
  app.openapi(routes.status, async (c) => c.json(await service.status(c.req.valid('query').siteId), 200));

  /** Live search in the directory. */
  app.openapi(routes.search, async (c) => {
    const q = c.req.valid('query');
    return c.json({ items: await service.search(q.siteId, q.q, q.limit) }, 200);
  });

  /** Import one entry by DN (or by its identity, as search returns it). */
  app.openapi(routes.import, async (c) => {
    const input = c.req.valid('json');
    const { contact, created } = await service.importOne(input.siteId, (input.dn ?? input.externalId)!);
    return created ? c.json({ contact, created }, 201) : c.json({ contact, created }, 200);
  });

  /** UID conflicts of a site. */
  app.openapi(routes.conflicts, async (c) => {
    const q = c.req.valid('query');
    return c.json({ items: await service.conflicts(q.siteId, q.status === 'all' ? undefined : q.status) }, 200);
  });

  /** Decide a conflict: keep, overwrite or link. */
  app.openapi(routes.resolve, async (c) => c.json(await service.resolve(c.req.valid('param').cid, c.req.valid('json').action, c.var.actor), 200));

  return app;
}
