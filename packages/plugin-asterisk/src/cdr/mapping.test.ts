import { describe, expect, test } from 'vitest';
import { cdrToCall, parseClid } from './mapping.js';

describe('CDR row → call record', () => {
  test('an answered call with the classic calldate column', () => {
    const r = cdrToCall({ calldate: new Date('2026-03-09T15:00:00Z'), clid: '"Jane" <+4917612345678>', src: '+4917612345678', dst: '+4930555100', duration: 110, billsec: 95, disposition: 'ANSWERED', accountcode: 'client-a', uniqueid: '1.1', linkedid: '1.0' })!;
    expect(r).toMatchObject({ externalId: '1.1', direction: 'inbound', status: 'answered', durationSeconds: 95, remote: { number: '+4917612345678', name: 'Jane' }, local: { number: '+4930555100', userId: 'client-a' } });
    expect(r.endedAt).toEqual(new Date('2026-03-09T15:01:50Z'));
    expect(r.answeredAt).toEqual(new Date('2026-03-09T15:00:15Z'));
    expect(r.rawPayload).toMatchObject({ routedCallId: '1.0' });
  });

  test('dispositions, the alembic start/answer/end columns, and a row without uniqueid', () => {
    expect(cdrToCall({ start: '2026-03-09T15:00:00Z', answer: null, end: '2026-03-09T15:00:20Z', disposition: 'NO ANSWER', billsec: 0, uniqueid: 'u' })).toMatchObject({ status: 'missed', answeredAt: null, endedAt: new Date('2026-03-09T15:00:20Z') });
    expect(cdrToCall({ disposition: 'CONGESTION', uniqueid: 'u' })).toMatchObject({ status: 'failed' });
    expect(cdrToCall({ disposition: 'CANCEL', uniqueid: 'u' })).toMatchObject({ status: 'canceled' });
    expect(cdrToCall({ disposition: 'BUSY', uniqueid: 'u' })).toMatchObject({ status: 'busy' });
    expect(cdrToCall({ disposition: 'ANSWERED', uniqueid: '' })).toBeNull();
  });

  test('caller ids', () => {
    expect(parseClid('"Jane Doe" <+4930123>')).toEqual({ name: 'Jane Doe', number: '+4930123' });
    expect(parseClid('<+4930123>')).toEqual({ name: null, number: '+4930123' });
    expect(parseClid('+4930123')).toEqual({ name: null, number: '+4930123' });
    expect(parseClid(null)).toEqual({ name: null, number: null });
  });
});
