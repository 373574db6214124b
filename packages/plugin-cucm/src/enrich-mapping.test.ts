import { describe, expect, test } from 'vitest';
import { outcomeFor, stableJson, storedPhones, type StoredPhone } from './enrich-mapping.js';
import type { Registration } from './risport/mapping.js';

const now = new Date('2025-01-06T09:00:00Z');
const owned = [{ name: 'SEP001A2B3C4D5E', mac: '00:1A:2B:3C:4D:5E', description: 'd', model: 'Cisco 8841', links: ['owner' as const], lines: [{ index: 1, dn: '1001', partition: 'PT' }] }];
const phones: StoredPhone[] = [{ name: 'SEP001A2B3C4D5E', mac: '00:1A:2B:3C:4D:5E', model: 'Cisco 8841', lines: [{ dn: '1001', partition: 'PT' }], status: 'Registered' }];

describe('enrichment outcome', () => {
  test('stored phones carry MAC, model, lines and the RisPort status', () => {
    const regs = new Map([['SEP001A2B3C4D5E', { status: 'Registered' } as Registration]]);
    expect(storedPhones(owned, regs)).toEqual(phones);
    expect(storedPhones(owned, new Map())[0]!.status).toBe('Not registered');
    expect(storedPhones(owned, null)[0]).not.toHaveProperty('status');
  });

  test('new phones and a PIN', () => {
    expect(outcomeFor({ id: 'c1', attributes: {} }, { userId: 'jdoe', phones, pin: '123456' }, now)).toEqual({
      contactId: 'c1',
      attributes: { cucm: { userId: 'jdoe', phones, phonesUpdatedAt: '2025-01-06T09:00:00.000Z' } },
      secrets: { 'cucm.pin': '123456' },
    });
  });

  test('unchanged phones keep their time (key order does not matter); no FAC in CUCM leaves the stored PIN alone', () => {
    const stored = { cucm: { userId: 'jdoe', phonesUpdatedAt: '2024-12-01T00:00:00.000Z', phones: JSON.parse(JSON.stringify(phones).replace('"name":"SEP001A2B3C4D5E","mac"', '"mac"').replace('"mac":"00:1A:2B:3C:4D:5E"', '"mac":"00:1A:2B:3C:4D:5E","name":"SEP001A2B3C4D5E"')) } };
    expect(outcomeFor({ id: 'c1', attributes: stored }, { userId: 'jdoe', phones, pin: null }, now)).toEqual({ contactId: 'c1', attributes: { cucm: { userId: 'jdoe' } } });
  });

  test('no FAC name: the PIN is left alone; no user id any more: the phones go', () => {
    expect(outcomeFor({ id: 'c1', attributes: {} }, { userId: null, phones: null, pin: undefined }, now)).toBeNull();
    expect(outcomeFor({ id: 'c1', attributes: { cucm: { userId: 'old', phones } } }, { userId: null, phones: null, pin: undefined }, now)).toEqual({ contactId: 'c1', attributes: { cucm: { userId: null, phones: null, phonesUpdatedAt: null } } });
  });

  test('stableJson sorts keys and drops undefined', () => {
    expect(stableJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
  });
});
