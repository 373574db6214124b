import { describe, expect, test } from 'vitest';
import { readFields, toEvent } from './event.js';
import { HANGUP_STATUS, webhookRecord } from './mapping.js';
import type { SiteParties } from './parties.js';

const parties: SiteParties = { numbers: ['+4922129191999'], peers: { '7777abcdefg@fpbx.de': '0b0d5c1e-8a1f-4a4e-9a51-2d7e6b3f1c01' }, country: 'DE' };
const at = new Date('2026-03-02T10:00:00Z');
const form = (s: string) => toEvent(readFields('form', Buffer.from(s)));
const ID = '9c81d4776d3977d920a558cbd4f0950b168e32bd4b5cc141a85b6ed3aa530107';

describe('webhook event → call record', () => {
  test('IncomingCall: inbound, ringing from the caller to the site number', () => {
    const r = webhookRecord(form(`event=IncomingCall&from=01662223344&to=022129191999&call_id=${ID}&direction=in`), at, parties);
    expect(r).toMatchObject({ externalId: ID, direction: 'inbound', startedAt: at, local: { number: '022129191999' }, remote: { number: '01662223344' } });
    expect(r.status).toBeUndefined();
  });

  test('an anonymous caller has no remote number', () => {
    expect(webhookRecord(form(`event=IncomingCall&from=anonymous&to=022129191999&call_id=${ID}&direction=in`), at, parties).remote).toEqual({ number: null });
  });

  test('CallAccepted: answered by a peer, who is the mapped Dialbook user', () => {
    const r = webhookRecord(form(`event=CallAccepted&from=01662223344&to=022129191999&call_id=${ID}&peer=7777abcdefg%40fpbx.de&direction=in`), at, parties);
    expect(r).toMatchObject({ answeredAt: at, status: 'in_progress', userId: '0b0d5c1e-8a1f-4a4e-9a51-2d7e6b3f1c01', local: { userId: '7777abcdefg@fpbx.de' } });
  });

  test('HungUp accepted: answered `duration` seconds before the hang-up', () => {
    const r = webhookRecord(form(`event=HungUp&type=accepted&duration=42&from=01662223344&to=022129191999&call_id=${ID}&direction=in`), at, parties);
    expect(r).toMatchObject({ status: 'answered', endedAt: at, durationSeconds: 42, answeredAt: new Date(at.getTime() - 42_000) });
  });

  test('every hang-up type maps to a core status; cancelled and canceled alike', () => {
    expect(HANGUP_STATUS).toMatchObject({ canceled: 'canceled', cancelled: 'canceled', missed: 'missed', voicemail: 'voicemail', blocked: 'blocked', busy: 'busy', unavailable: 'failed', congestion: 'failed' });
    const j = toEvent(readFields('json', Buffer.from(JSON.stringify({ type: 'cancelled', duration: 0, from: '0123', to: '0221999', call_id: ID, event: 'HungUp', direction: 'out' }))));
    expect(webhookRecord(j, at, parties)).toMatchObject({ status: 'canceled', direction: 'outbound', durationSeconds: 0 });
  });

  test('a voicemail file_url becomes the recording reference, and is kept out of the raw payload', () => {
    const r = webhookRecord(form(`event=HungUp&type=voicemail&duration=0&from=01662223344&to=022129191999&call_id=${ID}&direction=in&file_url=${encodeURIComponent('https://files.placetel.de/vm/1.mp3?sig=abc')}`), at, parties);
    expect(r.recording).toEqual({ kind: 'voicemail', ref: 'https://files.placetel.de/vm/1.mp3?sig=abc' });
    expect(JSON.stringify(r.rawPayload)).not.toContain('sig=abc');
  });

  test('outgoing to an internal extension is an internal call', () => {
    const r = webhookRecord(form(`event=OutgoingCall&from=7777abcdefg%40fpbx.de&to=23&peer=7777abcdefg%40fpbx.de&call_id=${ID}&direction=out`), at, parties);
    expect(r.direction).toBe('internal');
  });

  test('without a direction, the site numbers decide', () => {
    expect(webhookRecord(form(`event=HungUp&type=missed&duration=0&from=+4922129191999&to=030123456&call_id=${ID}`), at, parties).direction).toBe('outbound');
  });

  test('unknown events, hang-up types and bad fields are refused naming the field', () => {
    expect(() => form(`event=CallParked&call_id=${ID}`)).toThrow(expect.objectContaining({ code: 'DIALBOOK_PLACETEL_EVENT', status: 422, field: 'event' }));
    expect(() => form(`event=HungUp&type=exploded&call_id=${ID}`)).toThrow(expect.objectContaining({ code: 'DIALBOOK_PLACETEL_FIELD', field: 'type' }));
    expect(() => form(`event=HungUp&duration=-1&call_id=${ID}`)).toThrow(expect.objectContaining({ field: 'duration' }));
    expect(() => form('event=HungUp')).toThrow(expect.objectContaining({ field: 'call_id' }));
    expect(() => readFields('json', Buffer.from('[1]'))).toThrow(expect.objectContaining({ code: 'DIALBOOK_PLACETEL_BODY', status: 400 }));
  });
});
