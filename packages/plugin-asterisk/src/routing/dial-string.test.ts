import { describe, expect, test } from 'vitest';
import { clientIdOf, dialNumber, dialResource, endpointId } from './dial-string.js';

describe('dial strings', () => {
  test('the DID in the client number format, with its prefix', () => {
    expect(dialNumber({ dialPrefix: '', numberFormat: 'e164' }, '+4930123456')).toBe('+4930123456');
    expect(dialNumber({ dialPrefix: '', numberFormat: 'digits' }, '+4930123456')).toBe('4930123456');
    expect(dialNumber({ dialPrefix: '', numberFormat: 'national' }, '+4930123456')).toBe('030123456');
    expect(dialNumber({ dialPrefix: '9', numberFormat: 'national' }, '+12125551001')).toBe('92125551001');
    expect(dialNumber({ dialPrefix: '*77', numberFormat: 'e164' }, '4930123456')).toBe('*77+4930123456');
  });

  test('a DID that is no public number is sent as written', () => {
    expect(dialNumber({ dialPrefix: '', numberFormat: 'e164' }, '4711')).toBe('4711');
    expect(dialNumber({ dialPrefix: '', numberFormat: 'digits' }, '+4711')).toBe('4711');
  });

  test('the resource and owned ids', () => {
    expect(dialResource({ clientId: 'c1', sip: { host: 'h', port: 5060, transport: 'udp', username: null, codecs: [], dialPrefix: '', numberFormat: 'e164' } }, '+4930123456')).toBe('PJSIP/+4930123456@dialbook-c1');
    expect(endpointId('c1')).toBe('dialbook-c1');
    expect(clientIdOf('dialbook-c1')).toBe('c1');
    expect(clientIdOf('dialbook-')).toBeNull();
    expect(clientIdOf('trunk-by-hand')).toBeNull();
  });
});
