/**
 * Graph callRecord (with its sessions and segments, `participants_v2` and `organizer_v2`) → one
 * Dialbook call record, `externalId` = the callRecord id. Pure: the local user is handed back as
 * a Teams identity for the sync to resolve to a Dialbook user.
 *
 * - Group calls and meetings (type `groupCall`, a `joinWebUrl`, or more than two parties) are
 *   `internal`, with the participants kept in `rawPayload`.
 * - A one-to-one call organised by a phone, a guest or an app is `inbound` (remote: the organizer);
 *   one organised by a user of the tenant is `outbound` to a phone or someone outside the tenant,
 *   `internal` to another user of the tenant or an app of its own (a call queue).
 * - Status: connected (a segment carried media) → `answered`; a session's `failureInfo` without a
 *   connection → `failed` (a Direct Routing failure, say); otherwise nobody connected: `missed`
 *   inbound, `canceled` outbound (Graph has no marker for missed calls: calls.md §6).
 * - Numbers are kept exactly as Graph wrote them (a masked `+12345678***` stays so).
 */
import type { CallRecordInput } from '@dialbook/core';
import type { GraphCallRecord, GraphSession } from './graph-types.js';
import { endpointParty, participantParty, sameParty, type Party } from './parties.js';

export interface MappedCall {
  record: CallRecordInput;
  /** The Teams user of the tenant whose call it is, to resolve to a Dialbook user. */
  localUser: Party | null;
  /** Every party (for `onlyListedUsers`). */
  parties: Party[];
}

const RAW_PARTICIPANTS = 200;

const connected = (sessions: GraphSession[]) => sessions.some((s) => (s.segments ?? []).some((seg) => (seg.media ?? []).length > 0));
const failure = (sessions: GraphSession[]) => {
  for (const s of sessions) {
    if (s.failureInfo && (s.failureInfo.reason || s.failureInfo.stage)) return s.failureInfo;
    for (const seg of s.segments ?? []) if (seg.failureInfo && (seg.failureInfo.reason || seg.failureInfo.stage)) return seg.failureInfo;
  }
  return null;
};
/** When media first flowed: the earliest segment with media. */
const answeredAt = (sessions: GraphSession[]): string | null => {
  const starts = sessions.flatMap((s) => (s.segments ?? []).filter((seg) => (seg.media ?? []).length > 0 && seg.startDateTime).map((seg) => seg.startDateTime!));
  return starts.length ? starts.sort()[0]! : null;
};

const brief = (p: Party) => ({ kind: p.kind, id: p.id, name: p.name, ...(p.upn ? { upn: p.upn } : {}), ...(p.number ? { number: p.number } : {}) });

/** The parties of the record: participants_v2, else the sessions' endpoints; the organizer first. */
function partiesOf(r: GraphCallRecord, tenantId?: string | null): { organizer: Party | null; parties: Party[] } {
  const organizer = r.organizer_v2 ? participantParty(r.organizer_v2, tenantId) : null;
  const found: Party[] = [];
  const add = (p: Party | null) => {
    if (!p || p.kind === 'unknown') return;
    const known = found.find((q) => sameParty(p, q));
    if (!known) found.push({ ...p });
    else for (const k of ['name', 'upn', 'number', 'id'] as const) known[k] ??= p[k];
  };
  add(organizer);
  for (const p of r.participants_v2 ?? []) add(participantParty(p, tenantId));
  if (found.length < 2)
    for (const s of r.sessions ?? []) {
      add(endpointParty(s.caller, tenantId));
      add(endpointParty(s.callee, tenantId));
    }
  const merged = organizer && organizer.kind !== 'unknown' ? (found.find((q) => sameParty(q, organizer)) ?? organizer) : (found[0] ?? null);
  return { organizer: merged, parties: found };
}

const remoteOf = (p: Party | null) => (p ? { number: p.number, name: p.name ?? p.upn ?? (p.kind === 'phone' ? null : p.id) } : null);

export function mapCallRecord(r: GraphCallRecord, options: { tenantId?: string | null } = {}): MappedCall {
  const sessions = r.sessions ?? [];
  const { organizer, parties } = partiesOf(r, options.tenantId);
  const meeting = r.type === 'groupCall' || !!r.joinWebUrl || parties.length > 2;
  const others = parties.filter((p) => !organizer || !sameParty(p, organizer));
  const isUser = (p: Party | null | undefined) => p?.kind === 'user';

  let direction: 'inbound' | 'outbound' | 'internal';
  let local: Party | null;
  let remote: Party | null;
  if (meeting) {
    direction = 'internal';
    local = isUser(organizer) ? organizer : (parties.find(isUser) ?? null);
    remote = null;
  } else if (isUser(organizer)) {
    local = organizer;
    remote = others[0] ?? null;
    direction = !remote || remote.kind === 'user' || remote.kind === 'app' ? 'internal' : 'outbound';
  } else {
    direction = 'inbound';
    remote = organizer;
    local = others.find(isUser) ?? null;
  }

  const ok = connected(sessions);
  const failed = ok ? null : failure(sessions);
  const status = ok ? 'answered' : failed ? 'failed' : direction === 'outbound' ? 'canceled' : 'missed';
  const start = r.startDateTime ?? sessions[0]?.startDateTime ?? null;
  const end = r.endDateTime ?? null;
  // Media before the record's start or after its end (clocks of different services) count from the start.
  const media = ok ? answeredAt(sessions) : null;
  const answered = ok ? (media && start && end && (Date.parse(media) < Date.parse(start) || Date.parse(media) > Date.parse(end)) ? start : (media ?? start)) : null;

  const record: CallRecordInput = {
    externalId: r.id,
    direction,
    status,
    startedAt: start,
    answeredAt: answered,
    endedAt: end,
    durationSeconds: ok && answered && end ? Math.max(0, Math.round((Date.parse(end) - Date.parse(answered)) / 1000)) : 0,
    local: { userId: local?.id ?? local?.upn ?? null, number: local?.number ?? null },
    remote: direction === 'internal' && meeting ? { name: r.joinWebUrl ? 'Teams meeting' : 'Teams group call' } : remoteOf(remote),
    rawPayload: {
      teams: {
        id: r.id,
        version: r.version ?? null,
        type: r.type ?? null,
        modalities: r.modalities ?? [],
        ...(r.joinWebUrl ? { joinWebUrl: r.joinWebUrl } : {}),
        organizer: organizer ? brief(organizer) : null,
        participants: parties.slice(0, RAW_PARTICIPANTS).map(brief),
        ...(parties.length > RAW_PARTICIPANTS ? { participantsOmitted: parties.length - RAW_PARTICIPANTS } : {}),
        ...(failed ? { failure: { stage: failed.stage ?? null, reason: failed.reason ?? null } } : {}),
        ...(remote?.kind === 'app' || organizer?.kind === 'app' ? { bot: true } : {}),
      },
    },
  };
  return { record, localUser: local && local.kind === 'user' ? local : null, parties };
}
