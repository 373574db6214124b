import { describe, expect, test } from 'vitest';
import { matchFor, parseMacCell, parsePinCell } from './import.js';

describe('CSV cells', () => {
  test('MACs in any written form become device names; others a readable error', () => {
    for (const m of ['00:1a:2b:3c:4d:5e', '001a.2b3c.4d5e', '00-1A-2B-3C-4D-5E', 'SEP001A2B3C4D5E', '001A2B3C4D5E']) expect(parseMacCell(m)).toBe('SEP001A2B3C4D5E');
    expect(() => parseMacCell('00:1a:2b')).toThrow(/^not a MAC address: "00:1a:2b" has 6 hex digits; a MAC address has 12/);
    expect(() => parseMacCell('00:1a:2b:3c:4d:zz')).toThrow(/neither a hex digit/);
  });

  test('PINs: 1 to 16 digits; the error never repeats the cell', () => {
    expect(parsePinCell(' 012345 ')).toBe('012345');
    expect(parsePinCell('1')).toBe('1');
    expect(() => parsePinCell('12a45')).toThrow('a PIN has digits only (0-9)');
    expect(() => parsePinCell('12345678901234567')).toThrow('a PIN has at most 16 digits (this one has 17)');
    try {
      parsePinCell('98765x');
    } catch (err) {
      expect((err as Error).message).not.toContain('98765');
    }
  });

  test('rows match by the configured attribute, or externalId', () => {
    expect(matchFor('ldap.uid')).toEqual({ attribute: 'ldap.uid' });
    expect(matchFor('externalId')).toBe('externalId');
  });
});
