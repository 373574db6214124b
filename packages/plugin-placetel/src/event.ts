/**
 * A webhook body as one Placetel event (calls.md §2.1 and §2.2): the Notify API's
 * `application/x-www-form-urlencoded` and the subscription API's `application/json` carry the
 * same field names. Pure: bytes in, a checked event (or a PlacetelError naming the field) out.
 */
import { PlacetelError } from './errors.js';

export const EVENTS = ['IncomingCall', 'OutgoingCall', 'CallAccepted', 'HungUp'] as const;
export type PlacetelEventName = (typeof EVENTS)[number];

/** HungUp's `type`: the README's values, and `cancelled` as automatisch spells it. */
export const HANGUP_TYPES = ['voicemail', 'missed', 'blocked', 'accepted', 'busy', 'canceled', 'cancelled', 'unavailable', 'congestion'] as const;
export type HangupType = (typeof HANGUP_TYPES)[number];

export interface PlacetelEvent {
  event: PlacetelEventName;
  callId: string;
  from: string | null;
  to: string | null;
  direction: 'in' | 'out' | null;
  /** The SIP peer (OutgoingCall: the caller; CallAccepted: who answered). */
  peer: string | null;
  /** HungUp only. */
  type: HangupType | null;
  /** HungUp only: seconds of the accepted call (0 if not accepted). */
  duration: number | null;
  /** A recording or voicemail's signed URL, when the event carries one. */
  fileUrl: string | null;
  /** Every field as sent (the call's raw payload). */
  fields: Record<string, string>;
}

export type BodyKind = 'form' | 'json';

/** The body's kind from its Content-Type, or null for one Placetel does not send. */
export function bodyKind(contentType: string | null | undefined): BodyKind | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  return null;
}

/** The body's fields as strings (numbers and booleans of a JSON body written out). */
export function readFields(kind: BodyKind, body: Uint8Array): Record<string, string> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch (cause) {
    throw new PlacetelError('DIALBOOK_PLACETEL_BODY', 'the body is not UTF-8', { cause });
  }
  if (kind === 'form') return Object.fromEntries(new URLSearchParams(text));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new PlacetelError('DIALBOOK_PLACETEL_BODY', `the body is not JSON: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new PlacetelError('DIALBOOK_PLACETEL_BODY', 'the JSON body must be an object of the event\'s fields');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else throw new PlacetelError('DIALBOOK_PLACETEL_FIELD', `field "${k}" must be a string or a number`, { field: k });
  }
  return out;
}

const text = (fields: Record<string, string>, key: string, max = 256): string | null => {
  const v = fields[key]?.trim();
  if (!v) return null;
  if (v.length > max) throw new PlacetelError('DIALBOOK_PLACETEL_FIELD', `field "${key}" is longer than ${max} characters`, { field: key });
  return v;
};

/** The checked event of a body's fields. */
export function toEvent(fields: Record<string, string>): PlacetelEvent {
  const event = fields.event?.trim();
  if (!event) throw new PlacetelError('DIALBOOK_PLACETEL_EVENT', `the body has no "event"; expected one of ${EVENTS.join(', ')}`, { field: 'event' });
  if (!(EVENTS as readonly string[]).includes(event)) throw new PlacetelError('DIALBOOK_PLACETEL_EVENT', `unknown event "${event.slice(0, 64)}"; expected one of ${EVENTS.join(', ')}`, { field: 'event' });
  const callId = text(fields, 'call_id', 128);
  if (!callId) throw new PlacetelError('DIALBOOK_PLACETEL_FIELD', 'the body has no "call_id"', { field: 'call_id' });
  if (!/^[A-Za-z0-9_.:-]+$/.test(callId)) throw new PlacetelError('DIALBOOK_PLACETEL_FIELD', '"call_id" must be letters, digits, dashes or dots (Placetel sends 64 hex digits)', { field: 'call_id' });
  const dir = text(fields, 'direction', 8)?.toLowerCase() ?? null;
  if (dir !== null && dir !== 'in' && dir !== 'out') throw new PlacetelError('DIALBOOK_PLACETEL_FIELD', '"direction" must be "in" or "out"', { field: 'direction' });

  let type: HangupType | null = null;
  let duration: number | null = null;
  if (event === 'HungUp') {
    const t = text(fields, 'type', 32)?.toLowerCase() ?? null;
    if (t !== null && !(HANGUP_TYPES as readonly string[]).includes(t)) throw new PlacetelError('DIALBOOK_PLACETEL_FIELD', `unknown hang-up "type" "${t}"; expected one of ${HANGUP_TYPES.join(', ')}`, { field: 'type' });
    type = t as HangupType | null;
    const d = text(fields, 'duration', 16);
    if (d !== null) {
      if (!/^\d+$/.test(d) || Number(d) > 10 * 24 * 3600) throw new PlacetelError('DIALBOOK_PLACETEL_FIELD', '"duration" must be whole seconds', { field: 'duration' });
      duration = Number(d);
    }
  }
  const fileUrl = text(fields, 'file_url', 2048);
  if (fileUrl !== null && !/^https:\/\//i.test(fileUrl)) throw new PlacetelError('DIALBOOK_PLACETEL_FIELD', '"file_url" must be an https URL', { field: 'file_url' });
  return {
    event: event as PlacetelEventName,
    callId,
    from: text(fields, 'from', 128),
    to: text(fields, 'to', 128),
    direction: dir as 'in' | 'out' | null,
    peer: text(fields, 'peer', 200),
    type,
    duration,
    fileUrl,
    fields,
  };
}
