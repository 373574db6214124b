import { createRoute } from '@hono/zod-openapi';
import type { MikroORM } from '@mikro-orm/core';
import { z } from 'zod';
import type { AuditService } from '../audit/service.js';
import type { Registry } from '../base/registry.js';
import { errors, json, problemResponse } from '../http/common.js';
import { createRouter } from '../http/openapi.js';
import type { CallSource } from './contracts.js';
import { CallExportQuerySchema, exportCalls } from './export.js';
import { MANUAL_SOURCE } from './service.js';
import { callStats, CallStatsQuerySchema, CallStatsSchema } from './stats.js';

const tags = ['Calls'];

const CallSourceInfoSchema = z
  .object({ id: z.string(), label: z.string(), plugin: z.string().nullable().meta({ description: 'The plugin instance that registered it; null for `manual`' }) })
  .meta({ id: 'CallSourceInfo' });

export interface CallReportDeps {
  orm: MikroORM;
  sources: Registry<CallSource>;
  audit: AuditService;
  defaultCountry: string | null;
}

/**
 * `GET /calls/stats`, `GET /calls/export` and `GET /calls/sources`. Mounted before the call routes, so
 * that `/calls/{id}` does not take their paths.
 */
export function callReportRoutes(deps: CallReportDeps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/calls/stats',
      tags,
      summary: 'Count calls, in total and grouped',
      description:
        "The calls `GET /calls` would list with the same filters (a conversation several sources logged counts once unless `linked=all`): how many, how many answered and missed, the answered rate, total and average duration. Days, weeks (from the local Monday) and hours are the time zone's (`timeZone` in the answer says which); `day` and `week` rows run without gaps from `start` to `end` (else from the first call to the last), at most 1000 of them. `remote` keys are `contact:<id>` for a resolved contact, else `number:<E.164 or as written>`; `user` keys are user ids, `none` for calls without one.",
      request: { query: CallStatsQuerySchema },
      responses: { 200: json(CallStatsSchema, 'The figures'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => c.json(await callStats(deps, c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/calls/export',
      tags,
      summary: 'Download calls as CSV or XLSX',
      description:
        'The calls `GET /calls` would list with the same filters, newest first, streamed (any number of rows). CSV is UTF-8 with a BOM and a header row; a text cell a spreadsheet could run as a formula starts with `\'` (phone numbers such as `+4930…` stay as they are). Times are ISO 8601 in the report\'s time zone, with the offset. Raw payloads and recordings are never exported. Each export writes an audit row `calls.exported`.',
      request: { query: CallExportQuerySchema },
      responses: {
        200: {
          description: 'The file (Content-Disposition: attachment)',
          content: { 'text/csv': { schema: z.string() }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string().meta({ format: 'binary' }) } },
        },
        404: errors[404],
        422: problemResponse('Invalid input; `field` and `errors` name the offending fields'),
      },
    }),
    async (c) => {
      const file = await exportCalls(deps, c.req.valid('query'), c.var.actor);
      return c.body(file.body, 200, { 'content-type': file.contentType, 'content-disposition': `attachment; filename="${file.filename}"`, 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/calls/sources',
      tags,
      summary: 'The call sources',
      description: '`manual` (calls entered by hand) first, then the sources plugins registered, with the plugin instance that registered each.',
      responses: { 200: json(z.array(CallSourceInfoSchema), 'The sources') },
    }),
    (c) => {
      const registered = deps.sources.list().map((s) => {
        const owner = deps.sources.ownerOf(s.id);
        return { id: s.id, label: s.label, plugin: owner && owner !== 'core' ? owner : null };
      });
      return c.json([{ id: MANUAL_SOURCE, label: 'Manual', plugin: null }, ...registered], 200);
    },
  );

  return app;
}
