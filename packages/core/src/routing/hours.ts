import type { Hours, TimeBlock } from './model.js';
import { localTime } from './periods.js';

/** Minutes since midnight of `HH:MM` (`24:00` is 1440). */
export function minutesOf(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`not a time of day: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const inBlock = (b: TimeBlock, minute: number): boolean => minute >= minutesOf(b.from) && minute < minutesOf(b.to);

/**
 * Whether `hours` are open at `at`, read on the wall clock of `timeZone`: a block 09:00–17:00 is
 * 09:00–17:00 local time on both sides of a DST change (so 8 or 9 UTC hours apart from the
 * previous day's). An exception date replaces that day's weekly blocks (none: closed all day).
 * `null` hours are always open.
 */
export function isOpen(hours: Hours | null, timeZone: string, at: Date): boolean {
  if (!hours) return true;
  const t = localTime(at, timeZone);
  const minute = t.hour * 60 + t.minute;
  const exception = hours.exceptions.find((e) => e.date === t.date);
  if (exception) return exception.blocks.some((b) => inBlock(b, minute));
  return hours.weekly.some((b) => b.day === t.weekday && inBlock(b, minute));
}
