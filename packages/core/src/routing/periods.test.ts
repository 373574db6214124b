import { describe, expect, test } from 'vitest';
import { localTime, periodKeys } from './periods.js';

describe('periodKeys', () => {
  test('the day turns at local midnight, not at UTC midnight', () => {
    // 22:30 UTC on 31 March is 00:30 on 1 April in Berlin (CEST, +02:00).
    const at = new Date('2026-03-31T22:30:00Z');
    expect(periodKeys(at, 'Europe/Berlin')).toEqual({ hour: '2026-04-01T00+02:00', day: '2026-04-01', month: '2026-04', total: 'total' });
    expect(periodKeys(at, 'UTC')).toEqual({ hour: '2026-03-31T22+00:00', day: '2026-03-31', month: '2026-03', total: 'total' });
    expect(periodKeys(at, 'America/New_York').day).toBe('2026-03-31');
  });

  test('the hour that repeats when DST ends is two periods', () => {
    // Berlin, 25 Oct 2026: 02:00–03:00 local happens at 00:xx UTC (+02:00) and again at 01:xx UTC (+01:00).
    const first = periodKeys(new Date('2026-10-25T00:30:00Z'), 'Europe/Berlin');
    const second = periodKeys(new Date('2026-10-25T01:30:00Z'), 'Europe/Berlin');
    expect(first.hour).toBe('2026-10-25T02+02:00');
    expect(second.hour).toBe('2026-10-25T02+01:00');
    expect(first.day).toBe(second.day);
  });

  test('localTime gives the ISO weekday and the offset with DST', () => {
    expect(localTime(new Date('2026-03-29T00:30:00Z'), 'Europe/Berlin')).toMatchObject({ weekday: 7, hour: 1, offsetMinutes: 60 });
    expect(localTime(new Date('2026-03-29T01:30:00Z'), 'Europe/Berlin')).toMatchObject({ weekday: 7, hour: 3, offsetMinutes: 120 });
    expect(localTime(new Date('2026-06-01T12:00:00Z'), 'Asia/Kolkata')).toMatchObject({ weekday: 1, hour: 17, minute: 30, offsetMinutes: 330 });
  });
});
