/** The options of a Placetel instance in the deployment config (`plugins.placetel.options`). */
import { z } from '@dialbook/core';

export const PlacetelOptionsSchema = z
  .object({
    publicUrl: z.url().optional().meta({ description: "Dialbook's address as Placetel reaches it (https://dialbook.example.com), for the webhook URLs shown; default: the address the admin app used." }),
    apiBaseUrl: z.url().default('https://api.placetel.de/v2').meta({ description: 'The REST API (v2); tests point it at a local double.' }),
    perPage: z.number().int().min(1).max(100).default(100).meta({ description: 'Rows asked per page of GET /calls.' }),
    maxRetries: z.number().int().min(0).max(10).default(4).meta({ description: 'Retries of a request answered 429 (after its Retry-After) or 5xx.' }),
    maxRetryAfterSeconds: z.number().int().min(0).max(600).default(60).meta({ description: 'The longest Retry-After honoured; a longer one fails the request.' }),
    allowHttpFiles: z.boolean().default(false).meta({ description: 'Tests only: fetch recordings over plain http (a local double).' }),
    timeoutSeconds: z.number().int().min(1).max(300).default(30),
    syncCron: z.string().nullable().default('23 2 * * *').meta({ description: "When the back-fill runs (cron, server time); null: only on request. Each site reads its last backfillDays days." }),
    replayHours: z.number().int().min(1).max(168).default(24).meta({ description: 'How long an identical signed body is acknowledged without changing anything.' }),
  })
  .prefault({});

export type PlacetelOptions = z.output<typeof PlacetelOptionsSchema>;
