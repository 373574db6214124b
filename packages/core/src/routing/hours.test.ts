import { describe, expect, test } from 'vitest';
import { isOpen } from './hours.js';
import type { Hours } from './model.js';

const weekdays9to17: Hours = { weekly: [1, 2, 3, 4, 5].map((day) => ({ day, from: '09:00', to: '17:00' })), exceptions: [] };

describe('isOpen', () => {
  test('null hours are always open', () => {
    expect(isOpen(null, 'UTC', new Date('2026-01-01T03:00:00Z'))).toBe(true);
  });

  test('blocks are local wall-clock times on both sides of a DST change', () => {
    // New York: Friday 6 March 2026 is EST (-05:00), Monday 9 March is EDT (-04:00) after the 8 March change.
    const zone = 'America/New_York';
    expect(isOpen(weekdays9to17, zone, new Date('2026-03-06T14:00:00Z'))).toBe(true); // 09:00 EST
    expect(isOpen(weekdays9to17, zone, new Date('2026-03-06T13:59:00Z'))).toBe(false); // 08:59 EST
    expect(isOpen(weekdays9to17, zone, new Date('2026-03-09T13:00:00Z'))).toBe(true); // 09:00 EDT
    expect(isOpen(weekdays9to17, zone, new Date('2026-03-09T12:59:00Z'))).toBe(false); // 08:59 EDT
    expect(isOpen(weekdays9to17, zone, new Date('2026-03-09T20:59:00Z'))).toBe(true); // 16:59 EDT
    expect(isOpen(weekdays9to17, zone, new Date('2026-03-09T21:00:00Z'))).toBe(false); // 17:00 EDT: `to` is exclusive
  });

  test('the weekday is the local one', () => {
    // 23:30 UTC on Friday is 08:30 Saturday in Tokyo: closed; 00:30 UTC Monday is 09:30 Monday there.
    expect(isOpen(weekdays9to17, 'Asia/Tokyo', new Date('2026-03-06T23:30:00Z'))).toBe(false);
    expect(isOpen(weekdays9to17, 'Asia/Tokyo', new Date('2026-03-09T00:30:00Z'))).toBe(true);
  });

  test('several blocks a day (a lunch break), and 24:00 as the end of the day', () => {
    const hours: Hours = { weekly: [{ day: 1, from: '08:00', to: '12:00' }, { day: 1, from: '13:00', to: '24:00' }], exceptions: [] };
    expect(isOpen(hours, 'UTC', new Date('2026-03-09T12:30:00Z'))).toBe(false);
    expect(isOpen(hours, 'UTC', new Date('2026-03-09T23:59:00Z'))).toBe(true);
    expect(isOpen(hours, 'UTC', new Date('2026-03-10T00:00:00Z'))).toBe(false);
  });

  test('an exception date replaces the weekly blocks: closed, or other hours', () => {
    const hours: Hours = { ...weekdays9to17, exceptions: [{ date: '2026-12-24', blocks: [{ from: '09:00', to: '12:00' }] }, { date: '2026-12-25', blocks: [] }, { date: '2026-12-26', blocks: [{ from: '10:00', to: '14:00' }] }] };
    const zone = 'Europe/Berlin';
    expect(isOpen(hours, zone, new Date('2026-12-24T12:30:00Z'))).toBe(false); // Thursday 13:30: weekly says open
    expect(isOpen(hours, zone, new Date('2026-12-24T10:30:00Z'))).toBe(true);
    expect(isOpen(hours, zone, new Date('2026-12-25T10:00:00Z'))).toBe(false); // Friday, closed all day
    expect(isOpen(hours, zone, new Date('2026-12-26T10:00:00Z'))).toBe(true); // Saturday, open by exception
    expect(isOpen(hours, zone, new Date('2026-12-23T15:59:00Z'))).toBe(true); // an ordinary Wednesday 16:59
  });
});
