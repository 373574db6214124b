import { z } from 'zod';

/** How a routed call ended, as reports filter it: `pending` is a call not logged yet (ringing, up, or never placed). */
export const REPORT_OUTCOMES = ['converted', 'connected', 'no_answer', 'busy', 'failed', 'canceled', 'pending'] as const;

const moment = z.iso.datetime({ offset: true });

/** The filters every routing report takes. */
export const ReportFilterSchema = z.object({
  start: moment.optional().meta({ description: 'Calls that started at or after this moment (ISO 8601 with an offset)' }),
  end: moment.optional().meta({ description: 'Calls that started before this moment (exclusive)' }),
  sellerId: z.uuid().optional().meta({ description: 'One seller\'s calls (admin and staff; a seller sees only their own)' }),
  campaignId: z.uuid().optional(),
  didId: z.uuid().optional(),
  clientId: z.uuid().optional(),
});
export type ReportFilter = z.output<typeof ReportFilterSchema>;

export const RoutedCallQuerySchema = ReportFilterSchema.extend({
  outcome: z.enum(REPORT_OUTCOMES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional().meta({ description: 'The `next` of the previous page' }),
}).meta({ id: 'RoutedCallQuery' });
export type RoutedCallQuery = z.input<typeof RoutedCallQuerySchema>;

export const RoutedCallSchema = z
  .object({
    callId: z.string(),
    startedAt: z.iso.datetime().meta({ description: 'When the call was decided on (or the CDR says it started)' }),
    answeredAt: z.iso.datetime().nullable(),
    endedAt: z.iso.datetime().nullable(),
    sellerId: z.uuid(),
    campaignId: z.uuid(),
    campaignName: z.string(),
    didId: z.uuid().nullable(),
    did: z.string(),
    caller: z.string().nullable(),
    clientId: z.uuid().nullable(),
    clientName: z.string().nullable(),
    outcome: z.enum(REPORT_OUTCOMES),
    status: z.string().nullable().meta({ description: 'As the engine reported the end: `completed`, `no_answer`, `busy`, `failed`, `canceled`' }),
    talkSeconds: z.number().int().nullable(),
    converted: z.boolean(),
    callRecordId: z.uuid().nullable().meta({ description: 'The call-log record (`GET /calls/{id}`, admin and staff)' }),
  })
  .meta({ id: 'RoutedCall' });
export type RoutedCallDto = z.infer<typeof RoutedCallSchema>;

export const RoutedCallPageSchema = z.object({ items: z.array(RoutedCallSchema), next: z.string().nullable() }).meta({ id: 'RoutedCallPage' });

const SummaryRow = {
  calls: z.number().int(),
  connected: z.number().int(),
  connectRate: z.number().meta({ description: 'connected / calls, 0 to 1 (0 without calls)' }),
  converted: z.number().int(),
  averageTalkSeconds: z.number().meta({ description: 'Over the connected calls (0 without any)' }),
};
export const RoutingSummarySchema = z
  .object({
    totals: z.object(SummaryRow),
    campaigns: z.array(z.object({ campaignId: z.uuid(), name: z.string(), ...SummaryRow })),
    clients: z.array(z.object({ clientId: z.uuid().nullable().meta({ description: 'null: calls that reached no client' }), name: z.string().nullable(), ...SummaryRow })),
  })
  .meta({ id: 'RoutingSummary' });
export type RoutingSummary = z.infer<typeof RoutingSummarySchema>;
