import stableStringify from 'fast-json-stable-stringify';
import { DialbookError } from '../base/errors.js';
import { FINAL_STATUSES, RAW_PAYLOAD_MAX_BYTES, type CallDirection, type CallRecordParsed, type CallStatus } from './types.js';

/**
 * Merging a call's events into its record, as a pure function: a source may deliver the events of
 * one call in any order and more than once, and the record always ends in the same state.
 *
 * The record is a join of everything heard about the call, so the order does not matter:
 * - `startedAt` and `answeredAt` are the earliest heard, `endedAt` the latest (an end never moves back);
 * - *answered* and *ended* only ever become true: a late `ringing` never undoes a hang-up, and an
 *   answered call stays answered whatever a later event says;
 * - how an unanswered call ended is the strongest outcome heard: `missed` < `canceled` < `failed` <
 *   `busy` < `blocked` < `voicemail` (an ended call nobody reported an outcome for is `missed` when
 *   inbound, else `canceled`);
 * - every other field (direction, parties, user, raw payload) holds the value of the latest *phase*
 *   that sent one (ringing < answered < ended); within one phase, values that disagree are settled
 *   by comparing them (a fixed, if arbitrary, choice: the same for every order).
 *
 * The status is derived: `ringing` or `in_progress` while not ended, else `answered` or the outcome.
 */

export type Phase = 0 | 1 | 2;
export const PHASE_RINGING = 0;
export const PHASE_ANSWERED = 1;
export const PHASE_ENDED = 2;

/** Fields that take the value of the latest phase (see above). */
export const PHASED_FIELDS = ['direction', 'localNumber', 'localExtension', 'localUserId', 'remoteNumber', 'remoteName', 'userId', 'rawPayload'] as const;
export type PhasedField = (typeof PHASED_FIELDS)[number];

/** What the merge keeps beside the record's columns, so that the next event merges the same way whatever came before. */
export interface MergeState {
  answered: boolean;
  ended: boolean;
  /** The strongest outcome of an unanswered call heard so far. */
  outcome: CallStatus | null;
  /** The longest connected time a source reported without times (seconds). */
  reportedDuration: number | null;
  /** The phase each phased field's value came from. */
  phases: Partial<Record<PhasedField, number>>;
}

export interface CallState {
  direction: CallDirection;
  status: CallStatus;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  durationSeconds: number | null;
  localNumber: string | null;
  localExtension: string | null;
  localUserId: string | null;
  remoteNumber: string | null;
  remoteName: string | null;
  userId: string | null;
  rawPayload: unknown;
  /** A recording or voicemail: the latest one a source sent (a fresh signed URL replaces an expired one). */
  recording: CallRecording | null;
  merge: MergeState;
}

/** A recording or voicemail reference as a source sent it (`ref` is opaque and never shown). */
export interface CallRecording {
  kind: 'recording' | 'voicemail';
  ref: string;
}

/** One event of a call, normalised (see {@link toCallEvent}): the state's fields, each `null` when the event does not say it. */
export type CallEvent = Omit<CallState, 'status' | 'startedAt' | 'merge'> & { status: CallStatus | null; startedAt: Date | null };

const OUTCOME_RANK: Partial<Record<CallStatus, number>> = { missed: 1, canceled: 2, failed: 3, busy: 4, blocked: 5, voicemail: 6 };
const isFinal = (s: CallStatus | null): boolean => !!s && FINAL_STATUSES.includes(s);
const blank = (v: string | null | undefined): string | null => (v == null || v === '' ? null : v);

/** `rawPayload` as stored: `undefined` when not sent, a marker instead of one over {@link RAW_PAYLOAD_MAX_BYTES}. */
export function limitPayload(payload: unknown): unknown {
  if (payload === undefined) return undefined;
  const text = JSON.stringify(payload);
  if (text === undefined) return undefined;
  const bytes = Buffer.byteLength(text);
  return bytes > RAW_PAYLOAD_MAX_BYTES ? { truncated: true, bytes } : (JSON.parse(text) as unknown);
}

/** A validated source record as an event: the legacy direction's status (`MISSED`) applied, empty strings as unsaid, the payload limited. */
export function toCallEvent(input: Omit<CallRecordParsed, 'externalId'>): CallEvent {
  return {
    direction: input.direction.direction,
    status: input.status ?? input.direction.status ?? null,
    startedAt: input.startedAt ?? null,
    answeredAt: input.answeredAt ?? null,
    endedAt: input.endedAt ?? null,
    durationSeconds: input.durationSeconds ?? null,
    localNumber: blank(input.local?.number),
    localExtension: blank(input.local?.extension),
    localUserId: blank(input.local?.userId),
    remoteNumber: blank(input.remote?.number),
    remoteName: blank(input.remote?.name),
    userId: input.userId ?? null,
    rawPayload: input.recording ? limitPayload(withoutRef(input.rawPayload, input.recording.ref)) : limitPayload(input.rawPayload),
    recording: input.recording ?? null,
  };
}

/** The payload with every string holding `ref` replaced: a vendor's signed URL must not reach `rawPayload`, which admins see. */
export function withoutRef(payload: unknown, ref: string): unknown {
  if (typeof payload === 'string') return payload.includes(ref) ? '[recording]' : payload;
  if (Array.isArray(payload)) return payload.map((v) => withoutRef(v, ref));
  if (payload && typeof payload === 'object' && !(payload instanceof Date)) return Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, withoutRef(v, ref)]));
  return payload;
}

/** How far along an event says the call is. */
export function phaseOf(e: Pick<CallEvent, 'status' | 'answeredAt' | 'endedAt'>): Phase {
  if (e.endedAt || isFinal(e.status)) return PHASE_ENDED;
  if (e.answeredAt || e.status === 'in_progress') return PHASE_ANSWERED;
  return PHASE_RINGING;
}

const minDate = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a <= b ? a : b);
const maxDate = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a >= b ? a : b);
/** A value's JSON with object keys sorted: a payload PostgreSQL's jsonb hands back in another key order is the same payload. */
const key = (v: unknown) => (v === undefined ? '' : stableStringify(v));
/** Whether two field values are the same: dates by time, primitives by value, the rest (payloads) by their JSON, whatever the key order. */
const same = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a === null || b === null || a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object') return false;
  return key(a) === key(b);
};

/** The status and duration the merge state and times give. */
export function derive(s: Pick<CallState, 'direction' | 'answeredAt' | 'endedAt'> & { merge: MergeState }): { status: CallStatus; durationSeconds: number | null } {
  const m = s.merge;
  const status: CallStatus = !m.ended ? (m.answered ? 'in_progress' : 'ringing') : m.answered ? 'answered' : (m.outcome ?? (s.direction === 'inbound' ? 'missed' : 'canceled'));
  let durationSeconds: number | null = null;
  if (s.answeredAt && s.endedAt) durationSeconds = Math.max(0, Math.round((s.endedAt.getTime() - s.answeredAt.getTime()) / 1000));
  else if (m.reportedDuration != null) durationSeconds = m.reportedDuration;
  else if (m.ended && !m.answered) durationSeconds = 0;
  return { status, durationSeconds };
}

/**
 * The record after `event`: `current` (null for a call not seen before) joined with what the event
 * says. Pure; the same events in any order, any of them repeated, give the same record.
 *
 * ```ts
 * const ringing = toCallEvent({ direction: { direction: 'inbound' }, startedAt: t0 });
 * const hungUp = toCallEvent({ direction: { direction: 'inbound' }, status: 'missed', endedAt: t1 });
 * mergeCall(mergeCall(null, hungUp), ringing).status // 'missed', startedAt t0
 * ```
 */
export function mergeCall(current: CallState | null, event: CallEvent): CallState {
  const phase = phaseOf(event);
  const start = event.startedAt ?? event.answeredAt ?? event.endedAt;
  if (!current && !start) throw new DialbookError('DIALBOOK_CALL_TIME_MISSING', 'a call not recorded before needs startedAt, answeredAt or endedAt', { status: 422, field: 'startedAt' });
  const m: MergeState = current
    ? { ...current.merge, phases: { ...current.merge.phases } }
    : { answered: false, ended: false, outcome: null, reportedDuration: null, phases: {} };

  m.answered ||= !!event.answeredAt || event.status === 'in_progress' || event.status === 'answered';
  m.ended ||= !!event.endedAt || isFinal(event.status);
  const rank = OUTCOME_RANK[event.status ?? 'ringing'];
  if (rank && (!m.outcome || rank > OUTCOME_RANK[m.outcome]!)) m.outcome = event.status;
  if (event.durationSeconds != null) m.reportedDuration = Math.max(m.reportedDuration ?? 0, event.durationSeconds);

  const fields = {} as Record<PhasedField, unknown>;
  for (const f of PHASED_FIELDS) {
    const had = current ? current[f] : null;
    const said = event[f];
    const hadPhase = current ? (m.phases[f] ?? -1) : -1;
    const take = said !== null && said !== undefined && (had === null || had === undefined || phase > hadPhase || (phase === hadPhase && key(said) > key(had)));
    fields[f] = take ? said : (had ?? null);
    if (take) m.phases[f] = phase;
  }

  const times = {
    startedAt: minDate(current?.startedAt ?? null, start)!,
    answeredAt: minDate(current?.answeredAt ?? null, event.answeredAt),
    endedAt: maxDate(current?.endedAt ?? null, event.endedAt),
  };
  const recording = event.recording ?? current?.recording ?? null;
  const base = { ...(fields as Pick<CallState, PhasedField>), ...times, recording, merge: m };
  return { ...base, ...derive(base) };
}

/** The fields two states differ in (what a `call.updated` names); empty when the event changed nothing. */
export function changedFields(a: CallState, b: CallState): string[] {
  const out: string[] = [];
  for (const k of ['direction', 'status', 'startedAt', 'answeredAt', 'endedAt', 'durationSeconds', ...PHASED_FIELDS.filter((f) => f !== 'direction'), 'recording'] as const) {
    if (!same(a[k] ?? null, b[k] ?? null)) out.push(k);
  }
  return out;
}

/** Whether two states are the same record, merge state included (a write is needed otherwise). */
export const sameState = (a: CallState, b: CallState): boolean => !changedFields(a, b).length && sameMerge(a.merge, b.merge);

function sameMerge(a: MergeState, b: MergeState): boolean {
  return sameFlat(a as unknown as Record<string, unknown>, b as unknown as Record<string, unknown>, 'phases') && sameFlat(a.phases ?? {}, b.phases ?? {});
}

/** Two flat records with the same values under every key either has (`skip` left out); a missing key is null. */
function sameFlat(a: Record<string, unknown>, b: Record<string, unknown>, skip?: string): boolean {
  for (const k of Object.keys(a)) if (k !== skip && !same(a[k] ?? null, b[k] ?? null)) return false;
  for (const k of Object.keys(b)) if (k !== skip && !(k in a) && (b[k] ?? null) !== null) return false;
  return true;
}
