import { describe, expect, test } from 'vitest';
import type { Phone, PhoneSummary } from './axl/types.js';
import type { Registration } from './risport/mapping.js';
import { likePattern, lineText, ownedPhoneRow, phoneRow, statusBadge } from './rows.js';

const phone: Phone = {
  uuid: '{X}',
  name: 'SEP001A2B3C4D5E',
  mac: '00:1A:2B:3C:4D:5E',
  description: 'Desk of John',
  model: 'Cisco 8841',
  product: 'Cisco 8841',
  protocol: 'SIP',
  devicePool: 'DP_HQ',
  location: null,
  callingSearchSpace: null,
  owner: 'jdoe',
  loginUserId: null,
  lines: [
    { index: 1, dn: '1001', partition: 'PT_Internal', label: 'John Doe', display: null, e164Mask: null },
    { index: 2, dn: '1002', partition: null, label: null, display: null, e164Mask: null },
    { index: 3, dn: null, partition: null, label: 'empty', display: null, e164Mask: null },
  ],
};
const reg = (status: Registration['status']): Registration => ({ name: 'SEP001A2B3C4D5E', mac: null, status, statusReason: 0, ip: '10.0.0.5', activeLoad: 'sip88xx.14-2-1', inactiveLoad: null, protocol: 'SIP', node: 'sub1', dirNumber: null, description: null, loginUserId: null, lastSeen: new Date('2025-01-06T09:00:00Z') });

describe('phone rows', () => {
  test('lines as "DN (partition) label"', () => {
    expect(lineText({ dn: '1001', partition: 'PT_Internal', label: 'John Doe' })).toBe('1001 (PT_Internal) John Doe');
    expect(lineText({ dn: '1002', partition: null, label: null })).toBe('1002');
  });

  test('status badges', () => {
    expect(statusBadge(reg('Registered'))).toEqual({ label: 'Registered', tone: 'good' });
    expect(statusBadge(reg('UnRegistered'))).toEqual({ label: 'Unregistered', tone: 'warn' });
    expect(statusBadge(reg('Rejected'))).toEqual({ label: 'Rejected', tone: 'bad' });
    expect(statusBadge(undefined)).toEqual({ label: 'Not registered', tone: 'neutral' });
  });

  test('a phone with its registration; RisPort off; state unavailable', () => {
    const known = phoneRow(phone, { kind: 'known', devices: new Map([['SEP001A2B3C4D5E', reg('Registered')]]) });
    expect(known).toEqual({
      name: 'SEP001A2B3C4D5E',
      mac: '00:1A:2B:3C:4D:5E',
      model: 'Cisco 8841',
      description: 'Desk of John',
      owner: 'jdoe',
      devicePool: 'DP_HQ',
      lines: ['1001 (PT_Internal) John Doe', '1002'],
      status: { label: 'Registered', tone: 'good' },
      ip: '10.0.0.5',
      firmware: 'sip88xx.14-2-1',
      lastSeen: '2025-01-06T09:00:00.000Z',
    });
    expect(phoneRow(phone, { kind: 'off' })).toMatchObject({ status: null, ip: null, firmware: null, lastSeen: null });
    expect(phoneRow(phone, { kind: 'unavailable', reason: 'x' }).status).toEqual({ label: 'Status unavailable', tone: 'neutral' });
    const summary: PhoneSummary = { uuid: null, name: 'CSFJDOE', mac: null, description: null, model: 'Jabber', product: null, protocol: 'SIP', devicePool: 'DP', owner: null };
    expect(phoneRow(summary, { kind: 'known', devices: new Map() }, [phone.lines[0]!]).lines).toEqual(['1001 (PT_Internal) John Doe']);
    expect(phoneRow(summary, { kind: 'known', devices: new Map() }).lines).toEqual([]);
  });

  test('a phone of a user says how it is theirs', () => {
    const row = ownedPhoneRow({ name: 'SEP001A2B3C4D5E', mac: '00:1A:2B:3C:4D:5E', description: null, model: 'Cisco 8841', links: ['associated', 'owner'], lines: [{ index: 1, dn: '1001', partition: 'PT' }] }, 'jdoe', { kind: 'off' });
    expect(row).toMatchObject({ owner: 'jdoe', link: 'associated, owner', lines: ['1001 (PT)'] });
    expect(ownedPhoneRow({ name: 'X', mac: null, description: null, model: null, links: ['associated'], lines: [] }, 'jdoe', { kind: 'off' }).owner).toBeNull();
  });

  test('search terms become LIKE patterns', () => {
    expect(likePattern('Berlin')).toBe('%Berlin%');
    expect(likePattern('SEP001A%')).toBe('SEP001A%');
  });
});
