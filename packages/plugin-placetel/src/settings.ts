/**
 * The runtime settings of a Placetel instance, one set per site over a shared set
 * (`settingsScope: 'site'`), edited at `PATCH /api/v1/settings/<instance id>?siteId=`. The two
 * secrets are stored encrypted and never returned, logged or audited (core's `secret`).
 */
import { secret, z } from '@dialbook/core';

const E164 = /^\+[1-9]\d{3,14}$/;
const Number_ = z.string().trim().regex(E164, 'an E.164 number such as +4922112345678');
/** A call control target: a number in any form Placetel dials (E.164, national, an extension) or a SIP peer. */
const Target = z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9+*#@._-]+$/, 'a number, an extension or a SIP peer such as 7777abcdefg@fpbx.de');

export const CallControlSchema = z
  .object({
    enabled: z.boolean().default(false).meta({ description: 'Answer IncomingCall with a routing decision (the number\'s routing in Placetel must be "External API").' }),
    action: z.enum(['forward', 'reject']).default('forward').meta({ description: 'forward: ring the target groups in turn; reject: refuse the call.' }),
    targets: z
      .array(
        z.object({
          numbers: z.array(Target).min(1).max(10).meta({ description: 'Rung together.' }),
          ringtime: z.number().int().min(5).max(300).default(30).meta({ description: 'Seconds this group rings before the next one.' }),
        }),
      )
      .max(10)
      .default([])
      .meta({ description: 'Target groups, rung one after another (<Target ringtime> in the answer).' }),
  })
  .prefault({});

export const PlacetelSettingsSchema = z.object({
  secret: secret(z.string().min(8).max(256)).optional().meta({ description: "The shared secret set in Placetel's Notify API; every webhook must be signed with it (X-PLACETEL-SIGNATURE)." }),
  apiKey: secret(z.string().min(8).max(512)).optional().meta({ description: 'The REST API key (Placetel: Integrations → Web API), for the back-fill and the connection test.' }),
  numbers: z.array(Number_).max(500).default([]).meta({ description: "The site's Placetel numbers (E.164); they decide which party of a call is local." }),
  peers: z
    .record(z.string().trim().min(1).max(200), z.string().trim().min(1).max(200))
    .default({})
    .meta({ description: 'SIP peer (e.g. 7777abcdefg@fpbx.de) → Dialbook user (id or e-mail address): whose call it is.' }),
  allowUnsigned: z.boolean().default(false).meta({ description: 'Accept webhooks without a signature while no secret is set. Anyone who knows the URL can then write calls: for testing only.' }),
  callControl: CallControlSchema,
  backfillDays: z.number().int().min(0).max(31).default(2).meta({ description: 'Days (today included) the scheduled back-fill reads again; 0 turns the scheduled back-fill off for the site.' }),
});

export type PlacetelSettings = z.output<typeof PlacetelSettingsSchema>;
export type CallControlSettings = PlacetelSettings['callControl'];
