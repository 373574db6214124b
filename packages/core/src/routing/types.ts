import { z } from 'zod';
import { TimeZoneSchema } from '../sites/timezone.js';
import { minutesOf } from './hours.js';
import { COUNT_KINDS, STRATEGIES } from './model.js';

const name = z.string().trim().min(1).max(200);
const cap = z.number().int().min(0).max(100_000_000).nullable();
const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const time = z.string().regex(TIME, 'Enter a time as HH:MM (00:00 to 24:00).');
/** A block's end after its start (checked only once both are times; their own errors say what else is wrong). */
const ordered = (b: { from: unknown; to: unknown }): boolean =>
  typeof b.from !== 'string' || typeof b.to !== 'string' || !TIME.test(b.from) || !TIME.test(b.to) || minutesOf(b.from) < minutesOf(b.to);
const ORDER_MESSAGE = { message: 'A block ends after it starts (split a block that runs past midnight in two).', path: ['to'] };
const block = z
  .object({ from: time, to: time })
  .refine(ordered, ORDER_MESSAGE);

/** Hours of operation: weekly blocks (ISO weekday 1 = Monday) and exception dates, in the client's zone. */
export const HoursSchema = z
  .object({
    weekly: z.array(z.object({ day: z.number().int().min(1).max(7), from: time, to: time }).refine(ordered, ORDER_MESSAGE)).max(100),
    exceptions: z.array(z.object({ date: z.iso.date(), blocks: z.array(block).max(20).meta({ description: 'Open hours that day; none: closed all day' }) })).max(400).default([]),
  })
  .meta({ id: 'RoutingHours', description: 'Weekly blocks plus exception dates, read in the client\'s time zone; null: always open' });

/** Volume caps per period (null: none) and what they count. */
export const CapsSchema = z
  .object({ hour: cap.default(null), day: cap.default(null), month: cap.default(null), total: cap.default(null), countBy: z.enum(COUNT_KINDS).default('routed') })
  .meta({ id: 'RoutingCaps', description: 'Caps per hour, day, month (reset in the client\'s time zone) and in total; `countBy` says whether routed, connected or converted calls count' });

const NO_CAPS = { hour: null, day: null, month: null, total: null, countBy: 'routed' as const };

/** A client's SIP connection as written: `password` is write-only (absent: unchanged, null: removed). */
const SipInputSchema = z.object({
  host: z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.\-:[\]]+$/, 'Enter a host name or IP address.'),
  port: z.number().int().min(1).max(65535).default(5060),
  transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
  username: z.string().trim().min(1).max(128).nullable().default(null),
  password: z.string().min(1).max(256).nullable().optional().meta({ description: 'Write-only: stored encrypted, never returned (see `hasPassword`)' }),
  codecs: z.array(z.string().trim().regex(/^[a-z0-9_]{2,20}$/, 'Enter codec names as Asterisk knows them, such as ulaw or opus.')).max(20).default(['ulaw', 'alaw']),
  dialPrefix: z.string().regex(/^[0-9*#+]{0,20}$/, 'Digits, *, # or + only.').default(''),
  numberFormat: z.enum(['e164', 'national', 'digits']).default('e164'),
});

export const ClientCreateSchema = z
  .object({
    name,
    timeZone: TimeZoneSchema.default('UTC'),
    enabled: z.boolean().default(true),
    sip: SipInputSchema,
    concurrencyCap: cap.default(null),
    caps: CapsSchema.default(NO_CAPS),
    hours: HoursSchema.nullable().default(null),
  })
  .meta({ id: 'RoutingClientCreate' });
export type ClientCreate = z.output<typeof ClientCreateSchema>;

export const ClientUpdateSchema = z
  .object({
    name: name.optional(),
    timeZone: TimeZoneSchema.optional(),
    enabled: z.boolean().optional(),
    sip: SipInputSchema.partial().optional().meta({ description: 'Fields left out stay' }),
    concurrencyCap: cap.optional(),
    caps: CapsSchema.optional(),
    hours: HoursSchema.nullable().optional(),
  })
  .meta({ id: 'RoutingClientUpdate' });
export type ClientUpdate = z.output<typeof ClientUpdateSchema>;

export const ClientSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    timeZone: z.string(),
    enabled: z.boolean(),
    sip: SipInputSchema.omit({ password: true }).extend({ hasPassword: z.boolean() }),
    concurrencyCap: z.number().int().nullable(),
    caps: CapsSchema,
    hours: HoursSchema.nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'RoutingClient' });
export type ClientDto = z.infer<typeof ClientSchema>;

const campaignFields = {
  name,
  enabled: z.boolean(),
  strategy: z.enum(STRATEGIES),
  ringTimeoutSeconds: z.number().int().min(5).max(300),
  attempts: z.number().int().min(1).max(20),
  duplicateWindowHours: z.number().int().min(0).max(24 * 365).meta({ description: 'The same caller within this many hours is a duplicate (0: off)' }),
  duplicateAction: z.enum(['same_client', 'reject']).meta({ description: 'A duplicate goes to the client it reached before, or is rejected' }),
  blockAnonymous: z.boolean(),
};

export const CampaignCreateSchema = z
  .object({
    ...campaignFields,
    ownerId: z.uuid().optional().meta({ description: 'The seller (a user id); admin and staff only — a seller\'s campaigns are their own' }),
    enabled: campaignFields.enabled.default(true),
    strategy: campaignFields.strategy.default('priority'),
    ringTimeoutSeconds: campaignFields.ringTimeoutSeconds.default(30),
    attempts: campaignFields.attempts.default(3),
    duplicateWindowHours: campaignFields.duplicateWindowHours.default(0),
    duplicateAction: campaignFields.duplicateAction.default('same_client'),
    blockAnonymous: campaignFields.blockAnonymous.default(false),
  })
  .meta({ id: 'RoutingCampaignCreate' });
export type CampaignCreate = z.output<typeof CampaignCreateSchema>;

export const CampaignUpdateSchema = z.object(campaignFields).partial().meta({ id: 'RoutingCampaignUpdate' });
export type CampaignUpdate = z.output<typeof CampaignUpdateSchema>;

export const CampaignSchema = z
  .object({ id: z.uuid(), ownerId: z.uuid(), ...campaignFields, name: z.string(), createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() })
  .meta({ id: 'RoutingCampaign' });
export type CampaignDto = z.infer<typeof CampaignSchema>;

const number = z.string().trim().min(3).max(64).meta({ description: 'A phone number; stored in E.164 (read with `country` when national)' });
const country = z.string().regex(/^[A-Z]{2}$/, 'Enter an ISO country code such as US or DE.').optional().meta({ description: 'How a national number is read (default: the configured default country)' });

export const DidCreateSchema = z
  .object({ number, country, label: z.string().trim().max(200).nullable().default(null), campaignId: z.uuid().nullable().default(null), ownerId: z.uuid().optional().meta({ description: 'admin and staff only' }) })
  .meta({ id: 'RoutingDidCreate' });
export type DidCreate = z.output<typeof DidCreateSchema>;

export const DidUpdateSchema = z.object({ label: z.string().trim().max(200).nullable(), campaignId: z.uuid().nullable() }).partial().meta({ id: 'RoutingDidUpdate' });
export type DidUpdate = z.output<typeof DidUpdateSchema>;

export const DidBulkSchema = z
  .object({
    text: z.string().max(65_536).meta({ description: 'Numbers, one a line (commas and semicolons also separate; blank lines are ignored); at most 64 KiB, some 4,000 numbers: split longer lists' }),
    country,
    campaignId: z.uuid().nullable().default(null),
    ownerId: z.uuid().optional(),
  })
  .meta({ id: 'RoutingDidBulk' });
export type DidBulk = z.output<typeof DidBulkSchema>;

export const DidSchema = z
  .object({ id: z.uuid(), number: z.string().meta({ description: 'E.164' }), ownerId: z.uuid(), campaignId: z.uuid().nullable(), label: z.string().nullable(), createdAt: z.iso.datetime() })
  .meta({ id: 'RoutingDid' });
export type DidDto = z.infer<typeof DidSchema>;

export const DidBulkResultSchema = z
  .object({
    created: z.number().int(),
    lines: z.array(z.object({ line: z.number().int(), input: z.string(), did: DidSchema.optional(), error: z.object({ code: z.string(), message: z.string() }).optional() })),
  })
  .meta({ id: 'RoutingDidBulkResult' });
export type DidBulkResult = z.infer<typeof DidBulkResultSchema>;

const linkFields = {
  priority: z.number().int().min(-1000).max(1000).meta({ description: 'Lower first' }),
  weight: z.number().int().min(0).max(10_000),
  concurrencyCap: cap,
  caps: CapsSchema,
  hours: HoursSchema.nullable(),
  minTalkSeconds: z.number().int().min(0).max(86_400).meta({ description: 'Talk seconds from which a call counts as converted' }),
  enabled: z.boolean(),
};

export const LinkCreateSchema = z
  .object({
    campaignId: z.uuid(),
    clientId: z.uuid(),
    priority: linkFields.priority.default(1),
    weight: linkFields.weight.default(1),
    concurrencyCap: cap.default(null),
    caps: CapsSchema.default(NO_CAPS),
    hours: linkFields.hours.default(null),
    minTalkSeconds: linkFields.minTalkSeconds.default(60),
    enabled: linkFields.enabled.default(true),
  })
  .meta({ id: 'RoutingLinkCreate' });
export type LinkCreate = z.output<typeof LinkCreateSchema>;

export const LinkUpdateSchema = z.object(linkFields).partial().meta({ id: 'RoutingLinkUpdate' });
export type LinkUpdate = z.output<typeof LinkUpdateSchema>;

export const LinkSchema = z
  .object({ id: z.uuid(), campaignId: z.uuid(), clientId: z.uuid(), clientName: z.string(), ...linkFields, createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() })
  .meta({ id: 'RoutingLink' });
export type LinkDto = z.infer<typeof LinkSchema>;
