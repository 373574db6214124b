import { describe, expect, test } from 'vitest';
import { restExternalId, restRecord, type RestCall } from './rest-mapping.js';

// The row shape of GET /v2/calls (calls.md §2.3, from Placetel's OpenAPI via andreslemik/placetel_api docs/Call.md).
const row: RestCall = {
  id: 1,
  type: 'voicemail',
  from_number: '022129191999',
  to_number: { number: { id: 1, prefix: '0221', numonly: '29191999', number: '022129191999', name: 'Number one', activated: true } },
  file_url: 'https://files.placetel.de/x.mp3?signature=s3cr3t',
  duration: 10,
  contact: null,
  received_at: '2018-08-16T11:42:47+02:00',
  unread: true,
} as RestCall;

describe('REST call row → call record', () => {
  test('a voicemail: inbound, its time, the numbers, the recording reference', () => {
    const r = restRecord(row, restExternalId(row));
    expect(r).toMatchObject({ externalId: 'rest:1', direction: 'inbound', status: 'voicemail', durationSeconds: 10, local: { number: '022129191999' }, remote: { number: '022129191999' }, recording: { kind: 'voicemail', ref: row.file_url } });
    expect(r.startedAt).toEqual(new Date('2018-08-16T09:42:47Z'));
    expect(JSON.stringify(r.rawPayload)).not.toContain('s3cr3t');
  });
  test('an accepted call ends its duration after it came in; a missed one at once', () => {
    expect(restRecord({ ...row, type: 'accepted', file_url: null, duration: 60 }, 'x').endedAt).toEqual(new Date('2018-08-16T09:43:47Z'));
    expect(restRecord({ ...row, type: 'missed', duration: 0 }, 'x')).toMatchObject({ status: 'missed', endedAt: new Date('2018-08-16T09:42:47Z') });
  });
  test('to_number as a plain string, and an anonymous caller', () => {
    expect(restRecord({ ...row, to_number: '+4922129191999', from_number: 'anonymous' }, 'x')).toMatchObject({ local: { number: '+4922129191999' }, remote: { number: null } });
  });
});
