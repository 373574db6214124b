import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { csvStream } from '../calls/export.js';
import { errors, json, problemResponse } from '../http/common.js';
import { createRouter } from '../http/openapi.js';
import type { RoutingReports } from './reports.js';
import { ReportFilterSchema, RoutedCallPageSchema, RoutedCallQuerySchema, RoutingSummarySchema, type RoutedCallDto } from './report-types.js';

const tags = ['Routing reports'];
const invalid = problemResponse('Invalid input; `field` names the offending filter');

/** The columns of the routed-calls CSV, in order. */
export const ROUTED_CSV_COLUMNS = ['call id', 'started', 'answered', 'ended', 'seller id', 'campaign', 'DID', 'caller', 'client', 'outcome', 'status', 'talk seconds', 'converted'] as const;

const csvRow = (r: RoutedCallDto) =>
  [r.callId, r.startedAt, r.answeredAt, r.endedAt, r.sellerId, r.campaignName, r.did, r.caller, r.clientName, r.outcome, r.status, r.talkSeconds, r.converted ? 'yes' : 'no'];

/** `/routing/reports/*`: a seller's routed calls, their counts per campaign and client, and the CSV of them. */
export function reportRoutes(reports: RoutingReports) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get', path: '/routing/reports/calls', tags, summary: 'Routed calls (a seller: their own)',
      description: 'Newest first, in keyset pages (`next`). Filters: `start` (inclusive) and `end` (exclusive) as ISO 8601 with an offset, `campaignId`, `didId`, `clientId`, `outcome`; admin and staff also `sellerId`. Another seller\'s id in a filter is 404.',
      request: { query: RoutedCallQuerySchema }, responses: { 200: json(RoutedCallPageSchema, 'A page'), 404: errors[404], 422: invalid },
    }),
    async (c) => c.json(await reports.calls(c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({
      method: 'get', path: '/routing/reports/summary', tags, summary: 'Routed calls per campaign and per client',
      description: 'Over the same filters as the list: calls, connected (talked), connect rate, converted and the average talk seconds of the connected calls; most calls first.',
      request: { query: ReportFilterSchema }, responses: { 200: json(RoutingSummarySchema, 'The counts'), 404: errors[404], 422: invalid },
    }),
    async (c) => c.json(await reports.summary(c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({
      method: 'get', path: '/routing/reports/calls/export', tags, summary: 'Download routed calls as CSV',
      description: 'Every call the list would show with the same filters (no paging), newest first, streamed. UTF-8 with a BOM and a header row; times ISO 8601 in UTC; a cell a spreadsheet could run as a formula starts with `\'`.',
      request: { query: RoutedCallQuerySchema.omit({ limit: true, cursor: true }) },
      responses: { 200: { description: 'The CSV (Content-Disposition: attachment)', content: { 'text/csv': { schema: z.string() } } }, 404: errors[404], 422: invalid },
    }),
    async (c) => {
      const read = (await reports.batches(c.req.valid('query')))();
      async function* rows() {
        for await (const batch of read) yield batch.map(csvRow);
      }
      const body = csvStream(ROUTED_CSV_COLUMNS, rows());
      const today = new Date().toISOString().slice(0, 10);
      return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="routed-calls-${today}.csv"`, 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' });
    },
  );
  return app;
}
