/**
 * Rows of the PSTN and Direct Routing logs (`getPstnCalls`, `getDirectRoutingCalls`, calls.md
 * §1.4) → call records. Pure. Not synced yet in this version; the mapping is here and tested so
 * the log sync only has to page.
 * - A Direct Routing row's `correlationId` is the callRecord id (calls.md §6): it merges into that
 *   call; a PSTN row is its own record (`pstn:<id>`), no join being proven.
 * - Numbers stay exactly as written: a masked `+12345678***` is never "normalised".
 */
import type { CallRecordInput } from '@dialbook/core';
import type { DirectRoutingLogRow, PstnCallLogRow } from './graph-types.js';

/** `user_in`, `ucap_in`, `ByotIn`… are inbound; `user_out`, `ByotOut`, `ByotOutUserForwarding`… outbound. */
const inbound = (callType: string | null | undefined) => !/out/i.test(callType ?? '') && /in/i.test(callType ?? '');
const NO_TIME = '0001-01-01T00:00:00Z';

export function mapDirectRoutingRow(row: DirectRoutingLogRow): CallRecordInput {
  const dirIn = inbound(row.callType);
  const ok = row.successfulCall === true;
  const failedAt = row.failureDateTime && row.failureDateTime !== NO_TIME ? row.failureDateTime : null;
  return {
    externalId: row.correlationId ?? `dr:${row.id}`,
    direction: dirIn ? 'inbound' : 'outbound',
    status: ok ? 'answered' : 'failed',
    startedAt: row.inviteDateTime ?? row.startDateTime ?? null,
    answeredAt: ok ? (row.startDateTime ?? null) : null,
    endedAt: ok ? (row.endDateTime ?? null) : (failedAt ?? row.endDateTime ?? null),
    durationSeconds: ok ? (row.duration ?? 0) : 0,
    local: { userId: row.userId ?? row.userPrincipalName ?? null, number: (dirIn ? row.calleeNumber : row.callerNumber) ?? null },
    remote: { number: (dirIn ? row.callerNumber : row.calleeNumber) ?? null, name: null },
    rawPayload: {
      directRouting: {
        id: row.id,
        callType: row.callType ?? null,
        successfulCall: row.successfulCall ?? null,
        finalSipCode: row.finalSipCode ?? null,
        finalSipCodePhrase: row.finalSipCodePhrase ?? null,
        callEndSubReason: row.callEndSubReason ?? null,
        trunk: row.trunkFullyQualifiedDomainName ?? null,
      },
    },
  };
}

export function mapPstnRow(row: PstnCallLogRow): CallRecordInput {
  const dirIn = inbound(row.callType);
  const bot = !row.userId && !row.userPrincipalName;
  return {
    externalId: `pstn:${row.id}`,
    direction: dirIn ? 'inbound' : 'outbound',
    status: (row.duration ?? 0) > 0 ? 'answered' : dirIn ? 'missed' : 'canceled',
    startedAt: row.startDateTime ?? null,
    endedAt: row.endDateTime ?? null,
    durationSeconds: row.duration ?? 0,
    local: { userId: row.userId ?? row.userPrincipalName ?? null, number: (dirIn ? row.calleeNumber : row.callerNumber) ?? null },
    remote: { number: (dirIn ? row.callerNumber : row.calleeNumber) ?? null, name: null },
    rawPayload: { pstn: { id: row.id, callId: row.callId ?? null, callType: row.callType ?? null, charge: row.charge ?? null, currency: row.currency ?? null, ...(bot ? { bot: true } : {}) } },
  };
}
