import type { Period } from './model.js';

/** A moment's wall-clock reading in a zone. */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** `YYYY-MM-DD`. */
  date: string;
  /** Minutes the zone is ahead of UTC at that moment (DST included). */
  offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `at` as the wall clock of `timeZone` shows it (`Intl` knows the zone's DST rules). */
export function localTime(at: Date, timeZone: string): LocalTime {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const { year, month, day, hour, minute, second } = p as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const offsetMinutes = Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
  const weekday = ((new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7) + 1;
  return { year, month, day, hour, minute, weekday, date: `${year}-${pad(month)}-${pad(day)}`, offsetMinutes };
}

/** The keys of the periods `at` falls in, in the client's zone. */
export type PeriodKeys = Record<Period, string>;

/**
 * The period keys of `at` in `timeZone`: `day` `2026-03-29`, `month` `2026-03`, `total` `total`,
 * and `hour` `2026-03-29T02+01:00` — with the offset, so the hour that repeats when DST ends
 * (02:00–03:00 twice) is two periods, as it is two hours. Counters are kept per key: a new key
 * is a new period, so caps reset at local midnight (day) and on the local 1st (month).
 */
export function periodKeys(at: Date, timeZone: string): PeriodKeys {
  const t = localTime(at, timeZone);
  const off = Math.abs(t.offsetMinutes);
  const offset = `${t.offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(off / 60))}:${pad(off % 60)}`;
  return { hour: `${t.date}T${pad(t.hour)}${offset}`, day: t.date, month: `${t.year}-${pad(t.month)}`, total: 'total' };
}
