/**
 * A row of the REST API's `GET /v2/calls` (calls.md §2.3: "Fetch all incoming calls", one day's
 * journal) → a `CallRecordInput`. The row carries its own integer `id`, not the webhook's
 * `call_id`, so the caller decides the `externalId` (the `call_id` of the webhook call it is, or
 * `rest:<id>`; see `backfill.ts`). Pure.
 */
import type { CallRecordInput, CallStatus } from '@dialbook/core';
import { withoutFileUrl } from './mapping.js';
import { isAnonymous } from './parties.js';

/** A call row as the API sends it (only the fields used; others pass into the raw payload). */
export interface RestCall {
  id: number | string;
  /** Some deployments also send the webhook's id. */
  call_id?: string | null;
  type?: string | null;
  from_number?: string | null;
  to_number?: string | { number?: { number?: string | null; name?: string | null; [k: string]: unknown } | string | null } | null;
  file_url?: string | null;
  duration?: number | null;
  received_at: string;
  contact?: { name?: string | null; [k: string]: unknown } | null;
  [k: string]: unknown;
}

const REST_STATUS: Record<string, CallStatus> = { accepted: 'answered', missed: 'missed', voicemail: 'voicemail', blocked: 'blocked', busy: 'busy', canceled: 'canceled', cancelled: 'canceled' };

/** The `externalId` of a row no webhook call is known for. */
export const restExternalId = (row: Pick<RestCall, 'id'>): string => `rest:${row.id}`;

/** The called number of a row (`to_number` is an object `{ number: { number } }`, or a plain string). */
export function toNumberOf(row: RestCall): string | null {
  const t = row.to_number;
  if (!t) return null;
  if (typeof t === 'string') return t;
  const n = t.number;
  return typeof n === 'string' ? n : (n?.number ?? null);
}

/** The caller's number, or null when withheld. */
export const fromNumberOf = (row: RestCall): string | null => (isAnonymous(row.from_number ?? null) ? null : (row.from_number ?? null));

/** When the call came in; null for a row without a readable time (skipped). */
export function receivedAt(row: RestCall): Date | null {
  const d = new Date(row.received_at);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function restRecord(row: RestCall, externalId: string): CallRecordInput {
  const start = receivedAt(row)!;
  const status = row.type ? REST_STATUS[row.type.toLowerCase()] : undefined;
  const duration = typeof row.duration === 'number' && row.duration >= 0 ? Math.round(row.duration) : null;
  const name = typeof row.contact?.name === 'string' ? row.contact.name : null;
  return {
    externalId,
    direction: 'inbound',
    startedAt: start,
    // The row says how long the call was connected, not when it was answered: the end is at least that after its start.
    endedAt: new Date(start.getTime() + (status === 'answered' ? (duration ?? 0) : 0) * 1000),
    status: status ?? (duration ? 'answered' : 'missed'),
    ...(duration != null ? { durationSeconds: duration } : {}),
    local: { number: toNumberOf(row) },
    remote: { number: fromNumberOf(row), ...(name ? { name } : {}) },
    ...(row.file_url ? { recording: { kind: row.type === 'voicemail' ? ('voicemail' as const) : ('recording' as const), ref: row.file_url } } : {}),
    rawPayload: withoutFileUrl(row),
  };
}
