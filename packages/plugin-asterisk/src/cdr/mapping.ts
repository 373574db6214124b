/**
 * A CDR row as cdr_pgsql writes it (calls.md §3b: `calldate` or `start`, `answer`, `end`, `clid`,
 * `src`, `dst`, `duration`, `billsec`, `disposition`, `accountcode`, `uniqueid`, `linkedid`, …)
 * as a call-log record (pure; mapping.test.ts).
 */
import type { CallRecordInput } from '@dialbook/core';

export type CdrRow = Record<string, unknown>;

const DISPOSITION: Record<string, 'answered' | 'missed' | 'busy' | 'failed' | 'canceled'> = {
  ANSWERED: 'answered',
  'NO ANSWER': 'missed',
  BUSY: 'busy',
  FAILED: 'failed',
  CONGESTION: 'failed',
  CANCEL: 'canceled',
};

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
/** A timestamp, or null (cdr_pgsql may write the epoch or nothing for a call never answered). */
const time = (v: unknown): Date | null => {
  const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) && d.getUTCFullYear() > 1970 ? d : null;
};

/** `"Jane Doe" <+4930123>` → name and number (either may be missing). */
export function parseClid(clid: string | null): { name: string | null; number: string | null } {
  if (!clid) return { name: null, number: null };
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(clid);
  if (!m) return { name: null, number: clid };
  return { name: m[1]!.trim() || null, number: m[2]!.trim() || null };
}

/** The CDR row as a call record (source `asterisk`, `externalId` the uniqueid); null without a uniqueid. */
export function cdrToCall(row: CdrRow): CallRecordInput | null {
  const uniqueid = str(row.uniqueid);
  if (!uniqueid) return null;
  const startedAt = time(row.start ?? row.calldate);
  const answeredAt = time(row.answer);
  const billsec = Number(row.billsec);
  const duration = Number(row.duration);
  const endedAt = time(row.end) ?? (startedAt && Number.isFinite(duration) ? new Date(startedAt.getTime() + duration * 1000) : null);
  const clid = parseClid(str(row.clid));
  const disposition = str(row.disposition)?.toUpperCase() ?? '';
  return {
    externalId: uniqueid,
    direction: 'inbound',
    status: DISPOSITION[disposition] ?? 'failed',
    startedAt,
    answeredAt: answeredAt ?? (DISPOSITION[disposition] === 'answered' && endedAt && Number.isFinite(billsec) ? new Date(endedAt.getTime() - billsec * 1000) : null),
    endedAt,
    durationSeconds: Number.isFinite(billsec) && billsec >= 0 ? Math.floor(billsec) : null,
    remote: { number: str(row.src) ?? clid.number, name: clid.name },
    local: { number: str(row.dst), userId: str(row.accountcode) },
    // linkedid is the routed call's id (the AGI call id, agi_uniqueid, of the first channel).
    rawPayload: { ...Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])), routedCallId: str(row.linkedid) ?? uniqueid },
  };
}
