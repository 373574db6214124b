import { describe, expect, test } from 'vitest';
import { parseUserAgent } from '../src/directory/user-agent.js';

describe('parseUserAgent', () => {
  test.each([
    ['Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56', { model: 'SIP-T46S', firmware: '66.86.0.15', mac: '80:5e:c0:12:34:56' }],
    ['Yealink W60B 77.85.0.20 80:5e:c0:aa:bb:cc', { model: 'W60B', firmware: '77.85.0.20', mac: '80:5e:c0:aa:bb:cc' }],
    ['Yealink SIP-T54W 96.86.0.100 80:5E:C0:12:34:56', { model: 'SIP-T54W', firmware: '96.86.0.100', mac: '80:5e:c0:12:34:56' }],
    ['Yealink SIP VP-T49G 51.80.0.100 00:15:65:4c:4f:9a', { model: 'VP-T49G', firmware: '51.80.0.100', mac: '00:15:65:4c:4f:9a' }],
    ['yealink SIP-T21P_E2 52.84.0.15 805ec0123456', { model: 'SIP-T21P_E2', firmware: '52.84.0.15', mac: '80:5e:c0:12:34:56' }],
    ['Yealink SIP-T48G 35.83.0.35 00-15-65-4c-4f-9a', { model: 'SIP-T48G', firmware: '35.83.0.35', mac: '00:15:65:4c:4f:9a' }],
    ['Yealink CP960 73.86.0.15', { model: 'CP960', firmware: '73.86.0.15', mac: null }],
    ['Yealink SIP-T23G', { model: 'SIP-T23G', firmware: null, mac: null }],
    ['Mozilla/4.0 (compatible; MSIE 6.0; Yealink SIP-T20P 9.73.0.50 00:15:65:11:22:33)', { model: 'SIP-T20P', firmware: '9.73.0.50', mac: '00:15:65:11:22:33' }],
    ['  Yealink   SIP-T33G   124.86.0.40   24:9a:d8:01:02:03  ', { model: 'SIP-T33G', firmware: '124.86.0.40', mac: '24:9a:d8:01:02:03' }],
  ])('%s', (ua, want) => {
    expect(parseUserAgent(ua)).toEqual({ vendor: 'yealink', ...want });
  });

  test('not a Yealink, empty, or no model', () => {
    expect(parseUserAgent('curl/8.5.0')).toBeNull();
    expect(parseUserAgent('')).toBeNull();
    expect(parseUserAgent(null)).toBeNull();
    expect(parseUserAgent('Yealink')).toBeNull();
    expect(parseUserAgent('Yealink 66.86.0.15')).toBeNull();
    expect(parseUserAgent('Cisco-CP8845/12.8.1')).toBeNull();
  });

  test('a token that only looks like a MAC is not taken', () => {
    expect(parseUserAgent('Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56:78')?.mac).toBeNull();
  });
});
