import { describe, expect, test } from 'vitest';
import { dialDigits, normaliseNumber } from './phone.js';

describe('normaliseNumber', () => {
  test.each([
    ['+49 30 1234567', 'DE'],
    ['030 1234567', 'DE'],
    ['0049301234567', 'DE'],
    ['(030) 123-45-67', 'DE'],
    ['+49 (0)30 1234567', 'DE'],
    ['+49301234567', null],
    ['+49 30 1234567', 'FR'],
  ])('%s with default country %s is +49301234567', (raw, country) => {
    expect(normaliseNumber(raw, country).e164).toBe('+49301234567');
  });

  test('the default country decides how a national number is read', () => {
    expect(normaliseNumber('01 23 45 67 89', 'FR').e164).toBe('+33123456789');
    expect(normaliseNumber('(212) 555-0100', 'US').e164).toBe('+12125550100');
    expect(normaliseNumber('030 1234567', null).e164).toBeNull();
  });

  test('short internal extensions get no E.164 form but keep their digits', () => {
    expect(normaliseNumber('100', 'DE')).toEqual({ e164: null, digits: '100' });
    expect(normaliseNumber('47-11', 'DE')).toEqual({ e164: null, digits: '4711' });
  });

  test('dialDigits keeps a leading plus only', () => {
    expect(dialDigits(' +49 (30) 12-34 ')).toBe('+4930 1234'.replace(' ', ''));
    expect(dialDigits('0 30/12+34')).toBe('0301234');
  });
});
