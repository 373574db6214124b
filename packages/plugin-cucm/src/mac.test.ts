import { describe, expect, test } from 'vitest';
import { isCucmError } from './errors.js';
import { macOfDeviceName, normaliseMac, parseMac } from './mac.js';

describe('normaliseMac', () => {
  test.each([
    ['00:1A:2B:3C:4D:5E'],
    ['00:1a:2b:3c:4d:5e'],
    ['001a.2b3c.4d5e'],
    ['001A.2B3C.4D5E'],
    ['00-1a-2b-3c-4d-5e'],
    ['00 1a 2b 3c 4d 5e'],
    ['001A2B3C4D5E'],
    ['001a2b3c4d5e'],
    ['SEP001A2B3C4D5E'],
    ['sep001a2b3c4d5e'],
    ['  SEP001a2B3c4D5e  '],
    ['SEP00:1A:2B:3C:4D:5E'],
    ['001a2b-3c4d5e'],
  ])('%s → SEP001A2B3C4D5E', (input) => {
    expect(normaliseMac(input)).toBe('SEP001A2B3C4D5E');
  });

  test.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['00:1A:2B:3C:4D', '10 hex digits'],
    ['00:1A:2B:3C:4D:5E:6F', '14 hex digits'],
    ['00:1G:2B:3C:4D:5E', '"G"'],
    ['SEP00_1A2B3C4D5E', '"_"'],
    ['001:A2B:3C4:D5E', 'not grouped like a MAC address'],
    ['00:1A2B:3C:4D:5E', 'not grouped like a MAC address'],
    ['CSFJSMITH', '"S"'],
  ])('%j is refused (%s)', (input, words) => {
    let err: unknown;
    try {
      normaliseMac(input);
    } catch (e) {
      err = e;
    }
    expect(isCucmError(err)).toBe(true);
    expect((err as Error & { code: string }).code).toBe('DIALBOOK_CUCM_INVALID_MAC');
    expect((err as Error).message).toContain(words);
    expect((err as Error).message).toMatch(/^Invalid MAC address: /);
  });

  test('parseMac reports without throwing', () => {
    expect(parseMac('00:1a:2b:3c:4d:5e')).toEqual({ ok: true, hex: '001A2B3C4D5E' });
    expect(parseMac('nope')).toMatchObject({ ok: false });
  });

  test('macOfDeviceName gives the written MAC of SEP names only', () => {
    expect(macOfDeviceName('SEP001A2B3C4D5E')).toBe('00:1A:2B:3C:4D:5E');
    expect(macOfDeviceName('CSFJSMITH')).toBeNull();
    expect(macOfDeviceName('SEP001A2B3C4D')).toBeNull();
  });
});
