import { describe, expect, test } from 'vitest';
import { dayOf, daysOf } from './days.js';

describe('back-fill days (Europe/Berlin)', () => {
  test('a moment belongs to its Berlin day', () => {
    expect(dayOf(new Date('2026-03-28T23:30:00Z'))).toBe('2026-03-29');
    expect(dayOf(new Date('2026-07-01T21:59:59Z'))).toBe('2026-07-01');
  });
  test('[start, end) touches these days; end exclusive', () => {
    expect(daysOf(new Date('2026-03-28T00:00:00+01:00'), new Date('2026-03-30T00:00:00+02:00'))).toEqual(['2026-03-28', '2026-03-29']);
    expect(daysOf(new Date('2026-03-28T12:00:00+01:00'), new Date('2026-03-28T12:00:01+01:00'))).toEqual(['2026-03-28']);
  });
  test('an empty or huge window is refused with the field', () => {
    expect(() => daysOf(new Date('2026-01-02'), new Date('2026-01-01'))).toThrow(expect.objectContaining({ code: 'DIALBOOK_PLACETEL_WINDOW', field: 'end' }));
    expect(() => daysOf(new Date('2020-01-01'), new Date('2026-01-01'))).toThrow(expect.objectContaining({ code: 'DIALBOOK_PLACETEL_WINDOW' }));
  });
});
