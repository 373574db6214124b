import { z } from 'zod';

const moment = z.iso.datetime({ offset: true });

/** The body of `POST /api/internal/log_call` (the seed's CDR endpoint): one routed call as the engine saw it end. */
export const LogCallSchema = z.object({
  callId: z.string().regex(/^[A-Za-z0-9._:@-]{1,200}$/, 'Enter the engine\'s call id: 1 to 200 letters, digits or . _ : @ -'),
  did: z.string().trim().min(1).max(64),
  caller: z.string().trim().max(64).nullish(),
  clientId: z.uuid().nullish().transform((v) => v ?? undefined),
  status: z.enum(['completed', 'no_answer', 'busy', 'failed', 'canceled']),
  talkSeconds: z.number().int().min(0).max(604_800).default(0),
  startedAt: moment,
  answeredAt: moment.nullish(),
  endedAt: moment,
});
export type LogCall = z.output<typeof LogCallSchema>;
