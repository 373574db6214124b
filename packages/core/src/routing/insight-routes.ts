import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { body, errors, IdParam, json } from '../http/common.js';
import { createRouter } from '../http/openapi.js';
import type { RoutingEngine } from './engine.js';
import type { LiveCounterReader } from './live.js';
import { PERIODS } from './model.js';

const tags = ['Routing'];

const PreviewRequestSchema = z
  .object({
    did: z.string().trim().min(1).max(64).meta({ description: 'The number dialled (E.164, or national in the default country)' }),
    caller: z.string().trim().max(64).nullable().default(null).meta({ description: 'The caller id; null, empty or `anonymous` for a withheld number' }),
  })
  .meta({ id: 'RoutingPreviewRequest' });

const PreviewSchema = z
  .object({
    did: z.string().meta({ description: 'The DID as read (E.164)' }),
    caller: z.string().nullable(),
    at: z.iso.datetime().meta({ description: 'The time the decision was computed for' }),
    campaign: z.object({ id: z.uuid(), name: z.string(), strategy: z.string() }).nullable(),
    action: z.enum(['route', 'reject']),
    reason: z.string().nullable().meta({ description: 'Why it was rejected (`no_campaign`, `closed`, `all_capped`, …); null when routed' }),
    explanation: z.string().meta({ description: 'The outcome in words' }),
    targets: z.array(z.object({ linkId: z.uuid(), clientId: z.uuid(), clientName: z.string(), ringTimeout: z.number().int(), priority: z.number().int(), weight: z.number().int() })).meta({ description: 'In ringing order' }),
    skipped: z.array(z.object({ linkId: z.uuid(), clientId: z.string(), clientName: z.string(), reason: z.string(), explanation: z.string().meta({ description: 'The reason in words' }) })),
  })
  .meta({ id: 'RoutingDecisionPreview' });

const PeriodSchema = z.object({ count: z.number().int(), cap: z.number().int().nullable() });
const CountersSchema = z
  .object({
    at: z.iso.datetime(),
    items: z.array(
      z.object({
        linkId: z.uuid(),
        clientId: z.uuid(),
        clientName: z.string(),
        active: z.number().int().meta({ description: 'Live calls on the link now' }),
        concurrencyCap: z.number().int().nullable(),
        countBy: z.enum(['routed', 'connected', 'converted']),
        periods: z.object(Object.fromEntries(PERIODS.map((p) => [p, PeriodSchema])) as Record<(typeof PERIODS)[number], typeof PeriodSchema>),
      }),
    ),
  })
  .meta({ id: 'RoutingCampaignCounters' });

/** Routing for people: a dry-run decision ("test a decision") and a campaign's live counters. */
export function insightRoutes(engine: RoutingEngine, live: LiveCounterReader) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'post', path: '/routing/decisions/preview', tags, summary: 'Test a decision (dry run)',
      description: 'The decision the engine would give a call on `did` from `caller` now — ordered targets with client names and ring timeouts, every other link with why it was skipped — but nothing is counted or written. Admin and staff: any DID; a seller: their own (else 404).',
      request: body(PreviewRequestSchema), responses: { 200: json(PreviewSchema, 'The decision, explained'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => c.json(await engine.preview(c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({
      method: 'get', path: '/routing/campaigns/{id}/counters', tags, summary: "A campaign's live counters per link",
      description: "Live calls now and this hour's, day's and month's and the total counts (of the kind each link's caps count, in the client's time zone) with their caps. A seller: their own campaigns.",
      request: { params: IdParam }, responses: { 200: json(CountersSchema, 'Counters per link, lowest priority first'), 404: errors[404] },
    }),
    async (c) => c.json(await live.forCampaign(c.req.valid('param').id), 200),
  );
  return app;
}
