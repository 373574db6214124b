import { z } from 'zod';
import type { DialbookError } from '../base/errors.js';
import { SourceSchema } from '../contacts/types.js';

/**
 * The call's shapes, shared by the service (validation of what sources send) and the HTTP layer
 * (request validation and the OpenAPI document).
 */
export const CALL_DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

/**
 * A call's status. `ringing` (not answered yet) and `in_progress` (answered, not ended) are the two
 * states of a call still going on; the others are final: how it ended.
 */
export const CALL_STATUSES = ['ringing', 'in_progress', 'answered', 'missed', 'busy', 'failed', 'voicemail', 'blocked', 'canceled'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export const FINAL_STATUSES: readonly CallStatus[] = ['answered', 'missed', 'busy', 'failed', 'voicemail', 'blocked', 'canceled'];

export const CallDirectionSchema = z.enum(CALL_DIRECTIONS).meta({ id: 'CallDirection' });
export const CallStatusSchema = z.enum(CALL_STATUSES).meta({ id: 'CallStatus', description: '`ringing` and `in_progress` while the call goes on; then how it ended' });

/** Directions as sources write them: case-insensitive, with the legacy `INCOMING`, `OUTGOING` and `MISSED` (inbound and missed). */
const DIRECTION_ALIASES: Record<string, { direction: CallDirection; status?: CallStatus }> = {
  inbound: { direction: 'inbound' },
  incoming: { direction: 'inbound' },
  in: { direction: 'inbound' },
  outbound: { direction: 'outbound' },
  outgoing: { direction: 'outbound' },
  out: { direction: 'outbound' },
  internal: { direction: 'internal' },
  missed: { direction: 'inbound', status: 'missed' },
};

const STATUS_ALIASES: Record<string, CallStatus> = { cancelled: 'canceled', 'in-progress': 'in_progress', inprogress: 'in_progress', accepted: 'answered' };

/** A direction as written (`INCOMING`, `outbound`, `MISSED`): the direction, and the status it implies. */
export function readDirection(raw: string): { direction: CallDirection; status?: CallStatus } | null {
  return DIRECTION_ALIASES[raw.trim().toLowerCase()] ?? null;
}

/** A status as written (`Missed`, `cancelled`, `in-progress`). */
export function readStatus(raw: string): CallStatus | null {
  const s = raw.trim().toLowerCase();
  return (CALL_STATUSES as readonly string[]).includes(s) ? (s as CallStatus) : (STATUS_ALIASES[s] ?? null);
}

const LegacyDirection = z.string().max(32).transform((s, ctx) => {
  const d = readDirection(s);
  if (!d) {
    ctx.addIssue({ code: 'custom', message: 'must be one of "inbound", "outbound", "internal" (or INCOMING, OUTGOING, MISSED)' });
    return z.NEVER;
  }
  return d;
});
const LooseStatus = z.string().max(32).transform((s, ctx) => {
  const st = readStatus(s);
  if (!st) {
    ctx.addIssue({ code: 'custom', message: `must be one of ${CALL_STATUSES.map((x) => `"${x}"`).join(', ')}` });
    return z.NEVER;
  }
  return st;
});

const moment = z.union([z.date(), z.iso.datetime({ offset: true }).transform((s) => new Date(s))]);
const number = z.string().trim().max(64);
const text = (max: number) => z.string().trim().max(max);

/** The most `rawPayload` may take (its JSON); a larger payload is replaced by `{ truncated: true, bytes }` and the call is kept. */
export const RAW_PAYLOAD_MAX_BYTES = 32 * 1024;

export const LocalPartyInputSchema = z.object({
  number: number.nullish(),
  extension: text(64).nullish(),
  userId: text(200).nullish().meta({ description: "The source's id of the local user (SIP peer, Teams user id)" }),
});
export const RemotePartyInputSchema = z.object({ number: number.nullish(), name: text(200).nullish() });

/**
 * One event or snapshot of a call as a source reports it, for `ctx.calls.upsert`. Times are `Date`s
 * or ISO 8601 with an offset. Any field may be left out: what is known is merged into the record
 * (see `merge.ts`). A new record takes its start from `startedAt`, else `answeredAt`, else `endedAt`.
 */
export const CallRecordInputSchema = z.object({
  externalId: z.string().trim().min(1).max(512),
  direction: LegacyDirection,
  status: LooseStatus.nullish(),
  startedAt: moment.nullish(),
  answeredAt: moment.nullish(),
  endedAt: moment.nullish(),
  /** Connected seconds, when the source says so without times (Placetel's `duration`). */
  durationSeconds: z.number().int().min(0).max(10 * 24 * 3600).nullish(),
  local: LocalPartyInputSchema.nullish(),
  remote: RemotePartyInputSchema.nullish(),
  /** The Dialbook user the call belongs to, where known. */
  userId: z.uuid().nullish(),
  /**
   * A recording or voicemail of the call: `ref` is opaque to core (a vendor's call id, a file
   * name), handed back to the source's `fetchRecording` when a user plays it.
   */
  recording: z.object({ kind: z.enum(['recording', 'voicemail']), ref: z.string().trim().min(1).max(2048) }).nullish(),
  rawPayload: z.unknown().optional(),
});
export type CallRecordInput = z.input<typeof CallRecordInputSchema>;
export type CallRecordParsed = z.output<typeof CallRecordInputSchema>;

const isoMoment = z.iso.datetime({ offset: true }).meta({ description: 'ISO 8601 with an offset: `2026-03-29T10:00:00+02:00`' });

/** `POST /calls`: a call entered by hand (source `manual` unless another is named). */
export const CallCreateSchema = z
  .object({
    siteId: z.uuid(),
    source: SourceSchema.default('manual'),
    externalId: z.string().trim().min(1).max(512).optional().meta({ description: 'Default: a new UUID' }),
    direction: CallDirectionSchema,
    status: CallStatusSchema.optional().meta({ description: 'Default: `answered` when `answeredAt` is given, else `missed` (inbound) or `canceled`' }),
    startedAt: isoMoment,
    answeredAt: isoMoment.nullish(),
    endedAt: isoMoment.nullish(),
    durationSeconds: z.number().int().min(0).max(10 * 24 * 3600).nullish(),
    local: LocalPartyInputSchema.optional(),
    remote: RemotePartyInputSchema.optional(),
    userId: z.uuid().nullish(),
  })
  .meta({ id: 'CallCreate' });
export type CallCreate = z.input<typeof CallCreateSchema>;

/** `PATCH /calls/{id}` (manual calls): fields left out stay, `null` clears. */
export const CallUpdateSchema = z
  .object({
    direction: CallDirectionSchema,
    status: CallStatusSchema,
    startedAt: isoMoment,
    answeredAt: isoMoment.nullable(),
    endedAt: isoMoment.nullable(),
    durationSeconds: z.number().int().min(0).max(10 * 24 * 3600).nullable(),
    local: LocalPartyInputSchema,
    remote: RemotePartyInputSchema,
    userId: z.uuid().nullable(),
  })
  .partial()
  .meta({ id: 'CallUpdate' });
export type CallUpdate = z.input<typeof CallUpdateSchema>;

export const CallSchema = z
  .object({
    id: z.uuid(),
    siteId: z.uuid(),
    source: z.string(),
    externalId: z.string(),
    direction: CallDirectionSchema,
    status: CallStatusSchema,
    startedAt: z.iso.datetime(),
    answeredAt: z.iso.datetime().nullable(),
    endedAt: z.iso.datetime().nullable(),
    durationSeconds: z.number().int().nullable().meta({ description: 'Connected seconds: from `answeredAt` to `endedAt`, else as the source said; 0 for an unanswered call that ended' }),
    local: z.object({ number: z.string().nullable(), extension: z.string().nullable(), userId: z.string().nullable() }),
    remote: z.object({ number: z.string().nullable(), e164: z.string().nullable(), name: z.string().nullable() }),
    /** The resolved contact's name, else the remote name the source sent. */
    displayName: z.string().nullable().meta({ description: "The resolved contact's name, else the remote name the source sent" }),
    userId: z.uuid().nullable(),
    contactId: z.uuid().nullable(),
    rawPayload: z.unknown(),
    recording: z
      .object({ kind: z.enum(['recording', 'voicemail']), url: z.string().meta({ description: 'Where Dialbook streams it with your rights: `/api/v1/calls/{id}/recording`' }) })
      .nullable()
      .meta({ description: "The call's recording or voicemail, played through Dialbook; the vendor's own (signed) URL is never shown" }),
    conversationId: z.uuid().nullable().meta({ description: 'Set when this record is linked with records of other sources as one conversation (the id of its earliest record); see `GET /calls/{id}/links`' }),
    linkPrimary: z.boolean().meta({ description: 'Whether this is the record lists and stats show for its conversation (true for an unlinked record)' }),
    sources: z.array(z.string()).meta({ description: "The sources of the conversation's records, this one's first" }),
    links: z.array(z.object({ id: z.uuid(), source: z.string(), externalId: z.string() })).meta({ description: 'The other records of its conversation' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    version: z.number().int(),
  })
  .meta({ id: 'Call' });
export type CallDto = z.infer<typeof CallSchema>;

const filterMoment = z.iso.datetime({ offset: true });

export const CallListQuerySchema = z.object({
  siteId: z.uuid().optional(),
  userId: z.uuid().optional(),
  start: filterMoment.optional().meta({ description: 'Calls that started at or after this moment (ISO 8601 with an offset)' }),
  end: filterMoment.optional().meta({ description: 'Calls that started before this moment (exclusive)' }),
  source: SourceSchema.optional(),
  direction: CallDirectionSchema.optional(),
  status: CallStatusSchema.optional(),
  number: z.string().trim().min(1).max(64).optional().meta({ description: 'The remote number in any written form (`030 1234567`, `+49 30 1234567`)' }),
  contactId: z.uuid().optional(),
  q: z.string().trim().min(1).max(200).optional().meta({ description: "Part of the remote name, the contact's name or the number" }),
  linked: z.enum(['primary', 'all']).default('primary').meta({ description: "`primary` (default): a conversation logged by several sources is listed once, by its primary record, the others in its `links`; `all`: every record" }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional().meta({ description: 'The `next` of the previous page' }),
});
export type CallListQuery = z.input<typeof CallListQuerySchema>;

export interface CallPage {
  items: CallDto[];
  /** The cursor of the next page; null on the last one. */
  next: string | null;
}

/** What became of one record of `upsert`/`upsertMany`. */
export type CallUpsertResult = { call: CallDto; created: boolean; changed: boolean };
export type CallItemResult = CallUpsertResult | { error: DialbookError };
