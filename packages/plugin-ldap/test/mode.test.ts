import { describe, expect, it } from 'vitest';
import { changedSince, chooseMode } from '../src/sync.js';

const s = { incremental: true, changeAttribute: 'modifyTimestamp' as const, fullSyncHours: 24 };
const now = new Date('2024-02-01T12:00:00Z');

describe('chooseMode', () => {
  it('is full when asked, the first time, without a marker, or when the last full run is old', () => {
    expect(chooseMode('full', s, null, now).mode).toBe('full');
    expect(chooseMode('auto', s, null, now)).toEqual({ mode: 'full', reason: 'no full sync yet' });
    expect(chooseMode('auto', s, { marker: null, markerAttribute: null, lastFullAt: now }, now).reason).toBe('the directory offered no modifyTimestamp on the last full sync');
    expect(chooseMode('auto', s, { marker: '20240201000000Z', markerAttribute: 'modifyTimestamp', lastFullAt: new Date('2024-01-31T11:00:00Z') }, now)).toEqual({ mode: 'full', reason: 'the last full sync is 25 h old (fullSyncHours 24)' });
    expect(chooseMode('auto', { ...s, incremental: false }, { marker: 'x', markerAttribute: 'modifyTimestamp', lastFullAt: now }, now).mode).toBe('full');
  });

  it('is incremental with a marker and a recent full run', () => {
    expect(chooseMode('auto', s, { marker: '20240201000000Z', markerAttribute: 'modifyTimestamp', lastFullAt: new Date('2024-02-01T06:00:00Z') }, now)).toEqual({ mode: 'incremental', reason: 'changes since 20240201000000Z' });
    expect(chooseMode('incremental', s, { marker: 'm', markerAttribute: 'modifyTimestamp', lastFullAt: new Date('2023-01-01') }, now).mode).toBe('incremental');
  });

  it('filters by the marker: changed strictly after it', () => {
    expect(changedSince('(objectClass=inetOrgPerson)', 'modifyTimestamp', '20240201000000Z')).toBe('(&(objectClass=inetOrgPerson)(modifyTimestamp>=20240201000000Z)(!(modifyTimestamp=20240201000000Z)))');
    expect(changedSince('(objectClass=user)', 'uSNChanged', '41')).toBe('(&(objectClass=user)(uSNChanged>=42))');
  });
});
