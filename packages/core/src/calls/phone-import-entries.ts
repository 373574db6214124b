import { DialbookError } from '../base/errors.js';

/**
 * What a phone's call-history file holds, whichever format it came in (PBAP vCards or a CSV): its
 * entries as calls, the entries that could not be read, and the shared readers of kinds and times.
 * Pure functions, no database.
 */

/** A call-history entry's kind as PBAP names it: `RECEIVED` (answered), `DIALED` (outgoing), `MISSED`. */
export type PhoneCallKind = 'received' | 'dialed' | 'missed';

/** One entry of the file that reads as a call. */
export interface PhoneCallEntry {
  /** 1-based position of the entry in the file (the card, or the data row). */
  entry: number;
  /** 1-based line the entry starts at. */
  line: number;
  kind: PhoneCallKind;
  startedAt: Date;
  /** As written (`+49 30 1234567`), null for a withheld number. */
  number: string | null;
  name: string | null;
  durationSeconds: number | null;
  /** The date-time as written in the file, kept in the call's raw payload. */
  written: string;
}

/** An entry that could not be read: it fails alone, the others are imported. */
export interface PhoneEntryFailure {
  entry: number;
  line: number;
  message: string;
}

export interface ParsedCallHistory {
  format: 'vcard' | 'csv';
  entries: PhoneCallEntry[];
  failed: PhoneEntryFailure[];
  /** Every entry of the file, read or not. */
  total: number;
}

/** An entry that cannot be read, thrown inside a parser and turned into a {@link PhoneEntryFailure}. */
export class EntryError extends Error {}

/**
 * The whole file is refused (422, nothing imported): it is not a call history in the format it
 * claims (text outside a vCard, a vCard cut short, a CSV with an unclosed quote or without a
 * required column). The message names the entry and line.
 */
export function unreadableFile(message: string, where: { entry?: number; line?: number; column?: string } = {}): DialbookError {
  return new DialbookError('DIALBOOK_CALL_IMPORT_UNREADABLE', message, { status: 422, field: 'file', details: { ...where, errors: [{ field: 'file', message }] } });
}

const KINDS: Record<string, PhoneCallKind> = {
  received: 'received',
  incoming: 'received',
  inbound: 'received',
  in: 'received',
  answered: 'received',
  dialed: 'dialed',
  dialled: 'dialed',
  outgoing: 'dialed',
  outbound: 'dialed',
  out: 'dialed',
  missed: 'missed',
};

/** A kind as written (`RECEIVED`, `incoming`, `Outbound`, `missed`); null when it is none of them. */
export function readKind(raw: string): PhoneCallKind | null {
  return KINDS[raw.trim().toLowerCase()] ?? null;
}

/** Whether `tz` is an IANA time zone this runtime knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** The zone's offset from UTC at the instant `t` (ms), in ms. */
function offsetAt(t: number, tz: string): number {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value])) as Record<string, string>;
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - Math.floor(t / 1000) * 1000;
}

/**
 * The instant of a wall-clock time in `tz` (`wall`: the fields as if they were UTC, in ms). A time
 * that happens twice (the hour clocks go back) is the first; one that never happens (the hour
 * clocks skip) is read with the offset before the change, so it lands just after the gap.
 */
export function zonedToInstant(wall: number, tz: string): number {
  const before = offsetAt(wall - 86_400_000, tz);
  const after = offsetAt(wall + 86_400_000, tz);
  const valid = [...new Set([before, after])].map((o) => wall - o).filter((t) => offsetAt(t, tz) === wall - t);
  return valid.length ? Math.min(...valid) : wall - before;
}

// 20261103T101500, 20261103T101500Z, 2026-11-03T10:15:00+01:00, 2026-11-03 10:15
const ISO = /^(\d{4})-?(\d{2})-?(\d{2})[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d{1,9})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
// 03.11.2026 10:15(:00)
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/**
 * A call's date-time as phones write it: PBAP's `20261103T101500` (with `Z` or an offset taken as
 * such, without one local time in `timeZone`), ISO 8601 (`2026-11-03T10:15:00+01:00`,
 * `2026-11-03 10:15`) or `03.11.2026 10:15`. Throws an {@link EntryError} saying what is wrong.
 */
export function readDateTime(raw: string, timeZone: string): Date {
  const s = raw.trim();
  let y: number, mo: number, d: number, h: number, mi: number, sec: number;
  let zone: string | undefined;
  const iso = ISO.exec(s);
  const dotted = iso ? null : DOTTED.exec(s);
  if (iso) {
    [y, mo, d, h, mi, sec] = [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
    zone = iso[7];
  } else if (dotted) {
    [d, mo, y, h, mi, sec] = [dotted[1], dotted[2], dotted[3], dotted[4], dotted[5], dotted[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  } else {
    throw new EntryError(s ? `"${s.slice(0, 40)}" is not a date and time (expected e.g. 20261103T101500 or 2026-11-03T10:15:00)` : 'the date and time are empty');
  }
  const wall = Date.UTC(y, mo - 1, d, h, mi, Math.min(sec, 59));
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || sec > 60 || y < 1970) throw new EntryError(`"${s.slice(0, 40)}" is not a real date and time`);
  if (!zone) return new Date(zonedToInstant(wall, timeZone));
  if (/^z$/i.test(zone)) return new Date(wall);
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  const offset = (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000 * (m[1] === '-' ? -1 : 1);
  if (Math.abs(offset) > 18 * 3600_000) throw new EntryError(`"${s.slice(0, 40)}" has an offset beyond ±18 hours`);
  return new Date(wall - offset);
}

/** Seconds as a CSV writes them: `75`, `1:15` (m:ss) or `0:01:15` (h:mm:ss); empty: null. */
export function readDuration(raw: string): number | null {
  const s = raw.trim();
  if (!s) return null;
  if (/^\d{1,7}$/.test(s)) return Number(s);
  const m = /^(?:(\d{1,3}):)?(\d{1,2}):(\d{2})$/.exec(s);
  if (!m || Number(m[3]) > 59 || (m[1] !== undefined && Number(m[2]) > 59)) throw new EntryError(`duration "${s.slice(0, 20)}" is neither seconds nor h:mm:ss`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}
