/**
 * The days of a back-fill window: Placetel's `filter[date]` is a calendar day in its own time
 * zone (Europe/Berlin), so `[start, end)` becomes every Berlin day it touches. Pure.
 */
import { PlacetelError } from './errors.js';

export const PLACETEL_TIME_ZONE = 'Europe/Berlin';
export const MAX_DAYS = 366;

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: PLACETEL_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The Berlin calendar day of a moment, `YYYY-MM-DD`. */
export const dayOf = (at: Date): string => dayFormat.format(at);

const nextDay = (day: string): string => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
};

/** Every day `[start, end)` touches, oldest first. */
export function daysOf(start: Date, end: Date): string[] {
  if (!(start.getTime() < end.getTime())) throw new PlacetelError('DIALBOOK_PLACETEL_WINDOW', 'the window is empty: start must be before end', { field: 'end' });
  const last = dayOf(new Date(end.getTime() - 1));
  const out: string[] = [];
  for (let day = dayOf(start); day <= last; day = nextDay(day)) {
    out.push(day);
    if (out.length > MAX_DAYS) throw new PlacetelError('DIALBOOK_PLACETEL_WINDOW', `a back-fill reads at most ${MAX_DAYS} days at once`, { field: 'start' });
  }
  return out;
}

/** The window of the last `days` × 24 hours up to now (the scheduled back-fill). */
export function lastDays(days: number, now: Date): { start: Date; end: Date } {
  return { start: new Date(now.getTime() - Math.max(1, days) * 86_400_000), end: now };
}
