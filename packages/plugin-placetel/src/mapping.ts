/**
 * A webhook event → one `CallRecordInput` for `ctx.calls.upsert` (core merges the events of a call
 * by `externalId` = Placetel's `call_id`, in any order). Webhooks carry no times: the moment of
 * receipt is the event's time, and HungUp's `duration` dates the answer back. Pure.
 */
import type { CallRecordInput, CallStatus } from '@dialbook/core';
import type { HangupType, PlacetelEvent } from './event.js';
import { directionOf, isInternal, partiesOf, userOfPeer, type SiteParties } from './parties.js';

/** HungUp's `type` as a core status (`unavailable` and `congestion`, outbound only: the call failed). */
export const HANGUP_STATUS: Record<HangupType, CallStatus> = {
  accepted: 'answered',
  missed: 'missed',
  voicemail: 'voicemail',
  blocked: 'blocked',
  busy: 'busy',
  canceled: 'canceled',
  cancelled: 'canceled',
  unavailable: 'failed',
  congestion: 'failed',
};

/** What a recording URL is: a HungUp of type voicemail leaves a voicemail, any other a recording. */
export const recordingKind = (e: Pick<PlacetelEvent, 'type'>): 'recording' | 'voicemail' => (e.type === 'voicemail' ? 'voicemail' : 'recording');

/** The fields as kept in the call's raw payload: the signed, expiring recording URL never leaves Dialbook. */
export function withoutFileUrl<T extends Record<string, unknown>>(fields: T): T {
  if (!('file_url' in fields)) return fields;
  const { file_url: _url, ...rest } = fields;
  return { ...rest, file_url: '(kept by Dialbook)' } as unknown as T;
}

export function webhookRecord(e: PlacetelEvent, at: Date, parties: SiteParties): CallRecordInput {
  const fallback = e.event === 'OutgoingCall' ? 'out' : 'in';
  const direction = directionOf(e.direction, e.from, e.to, parties, fallback);
  const { local, remote } = partiesOf(direction, e.from, e.to);
  const peer = e.peer ?? (direction !== 'inbound' && isInternal(e.from) ? e.from : null);
  const userId = userOfPeer(peer, parties);
  const record: CallRecordInput = {
    externalId: e.callId,
    direction,
    local: { number: local && !local.includes('@') ? local : null, extension: local?.includes('@') ? local : null, userId: peer },
    remote: { number: remote },
    rawPayload: withoutFileUrl(e.fields),
    ...(userId ? { userId } : {}),
  };
  switch (e.event) {
    case 'IncomingCall':
    case 'OutgoingCall':
      return { ...record, startedAt: at };
    case 'CallAccepted':
      return { ...record, answeredAt: at, status: 'in_progress' };
    case 'HungUp': {
      const status = e.type ? HANGUP_STATUS[e.type] : null;
      const answered = status === 'answered' || (!status && !!e.duration);
      const answeredAt = answered && e.duration != null ? new Date(at.getTime() - e.duration * 1000) : null;
      return {
        ...record,
        endedAt: at,
        ...(status ? { status } : answered ? { status: 'answered' as const } : {}),
        ...(answeredAt ? { answeredAt, startedAt: answeredAt } : {}),
        ...(e.duration != null ? { durationSeconds: e.duration } : {}),
        ...(e.fileUrl ? { recording: { kind: recordingKind(e), ref: e.fileUrl } } : {}),
      };
    }
  }
}
