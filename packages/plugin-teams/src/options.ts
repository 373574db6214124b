/** The options of a Teams instance in the deployment config (`plugins.teams.options`). */
import { z } from '@dialbook/core';

export const TeamsOptionsSchema = z
  .object({
    graphBaseUrl: z.url().optional().meta({ description: "Graph's base (…/v1.0) instead of the site's cloud; tests point it at a local double." }),
    authorityHost: z.url().optional().meta({ description: "Entra ID's sign-in host (https) instead of the site's cloud; the tenant id is appended." }),
    tokenEndpoint: z.url().optional().meta({ description: 'Tests only: the token endpoint to POST to, skipping discovery (MSAL knownAuthorities + authorityMetadata); may be plain http on loopback.' }),
    concurrency: z.number().int().min(1).max(16).default(4).meta({ description: 'Graph requests in flight at once per sync.' }),
    requestsPer20s: z.number().int().min(1).max(1500).default(600).meta({ description: 'Pace of Graph requests per sync, below the documented 1,500 per 20 s per app.' }),
    maxRetries: z.number().int().min(0).max(10).default(5).meta({ description: 'Retries of a request answered 429/503 (after its Retry-After, else backing off exponentially) or failing on the network.' }),
    maxRetryAfterSeconds: z.number().int().min(1).max(900).default(320).meta({ description: 'The longest Retry-After honoured (Graph has been seen asking for 315 s); a longer one fails the request.' }),
    timeoutSeconds: z.number().int().min(1).max(300).default(60),
    pageSize: z.number().int().min(1).max(999).optional().meta({ description: 'Prefer: odata.maxpagesize for the callRecords list (Graph default: 60).' }),
    subscriptionCron: z.string().trim().min(1).max(100).default('*/30 * * * *').meta({ description: 'When the change-notification subscriptions are checked: created where missing, renewed once less than a third of their 4,200 minutes is left.' }),
    scheduleTimezone: z.string().optional().meta({ description: "Time zone of the sites' sync schedules (default: the server's)." }),
  })
  .prefault({});

export type TeamsOptions = z.output<typeof TeamsOptionsSchema>;
