/** The mapping, case by case, on records shaped as Graph documents them (test/fixtures.ts). */
import { describe, expect, test } from 'vitest';
import * as f from '../test/fixtures.js';
import { mapDirectRoutingRow, mapPstnRow } from './log-mapping.js';
import { mapCallRecord } from './mapping.js';

const map = (r: ReturnType<typeof f.callRecord>) => mapCallRecord(r, { tenantId: f.TENANT });
const raw = (m: ReturnType<typeof map>) => (m.record.rawPayload as { teams: Record<string, unknown> }).teams;

describe('callRecord → call record', () => {
  test('PSTN inbound: the caller number is the remote, the Teams user the local party; answered, 2 s', () => {
    const m = map(f.pstnInbound());
    expect(m.record).toMatchObject({ externalId: '3cf3bbc8-b21d-4f2e-bfd0-b13603ae6c65', direction: 'inbound', status: 'answered', startedAt: '2023-09-25T09:28:38Z', answeredAt: '2023-09-25T09:28:39Z', endedAt: '2023-09-25T09:28:41Z', durationSeconds: 2, remote: { number: '+5564981205182' }, local: { userId: f.ABBIE.id } });
    expect(m.localUser).toMatchObject({ id: f.ABBIE.id, upn: 'abbie.wilkins@contoso.com' });
  });

  test('outbound to a phone: remote the number dialled', () => {
    const m = map(f.outbound());
    expect(m.record).toMatchObject({ direction: 'outbound', status: 'answered', durationSeconds: 145, remote: { number: '+4922129191999' }, local: { userId: f.ABBIE.id } });
    expect(m.localUser?.upn).toBe('abbie.wilkins@contoso.com');
  });

  test('missed: nobody connected (no media), inbound → missed, no answer time, 0 s', () => {
    const m = map(f.missed());
    expect(m.record).toMatchObject({ direction: 'inbound', status: 'missed', answeredAt: null, durationSeconds: 0, remote: { number: '+4915112345678' }, local: { userId: f.OWEN.id } });
  });

  test('group call: internal, participants kept in rawPayload, the organizer is the local user', () => {
    const m = map(f.groupCall());
    expect(m.record).toMatchObject({ direction: 'internal', status: 'answered', remote: { name: 'Teams group call' }, local: { userId: f.OWEN.id } });
    expect((raw(m).participants as { upn: string }[]).map((p) => p.upn)).toEqual(['owen.franklin@contoso.com', 'abbie.wilkins@contoso.com', 'kai.carter@contoso.com']);
    expect(raw(m)).toMatchObject({ type: 'groupCall' });
  });

  test('meeting (joinWebUrl): internal, with the join URL and both participants', () => {
    const m = map(f.meeting());
    expect(m.record).toMatchObject({ direction: 'internal', remote: { name: 'Teams meeting' }, local: { userId: f.KAI.id } });
    expect(raw(m).joinWebUrl).toContain('meetup-join');
    expect(raw(m).participants).toHaveLength(2);
  });

  test('Direct Routing failure: outbound, failed, the failure kept', () => {
    const m = map(f.directRoutingFailure());
    expect(m.record).toMatchObject({ direction: 'outbound', status: 'failed', answeredAt: null, durationSeconds: 0, remote: { number: '+12345678901' } });
    expect(raw(m).failure).toEqual({ stage: 'callSetup', reason: 'Trunk not responding (SIP 408)' });
  });

  test('masked number: kept exactly as written', () => {
    const m = map(f.maskedInbound());
    expect(m.record.remote).toEqual({ number: '+12345678***', name: null });
    expect(m.record.direction).toBe('inbound');
  });

  test('bot call: inbound from the app, named, marked as a bot', () => {
    const m = map(f.botCall());
    expect(m.record).toMatchObject({ direction: 'inbound', status: 'answered', remote: { number: null, name: 'Reminder bot' }, local: { userId: f.KAI.id } });
    expect(raw(m).bot).toBe(true);
  });

  test('a user of another tenant called from ours is outbound (external), one of ours is internal', () => {
    const other = { ...f.KAI, tenantId: '00000000-0000-0000-0000-000000000009' };
    const r = f.callRecord('x1', { start: '2023-09-25T17:00:00Z', end: '2023-09-25T17:01:00Z', organizer: f.user(f.ABBIE), participants: [f.user(f.ABBIE), f.user(other)], sessions: [f.session(f.user(f.ABBIE), f.user(other), '2023-09-25T17:00:00Z', '2023-09-25T17:01:00Z')] });
    expect(map(r).record).toMatchObject({ direction: 'outbound', remote: { name: 'Kai Carter' } });
    expect(map({ ...r, participants_v2: [f.user(f.ABBIE), f.user(f.KAI)] }).record.direction).toBe('internal');
  });

  test("a segment's media outside the record's times counts from the record's start", () => {
    const r = { ...f.outbound(), startDateTime: '2026-11-20T08:00:00Z', endDateTime: '2026-11-20T08:01:00Z' };
    expect(map(r).record).toMatchObject({ answeredAt: '2026-11-20T08:00:00Z', durationSeconds: 60 });
  });

  test('without participants_v2 the sessions\' endpoints (associatedIdentity) give the parties', () => {
    const r = { ...f.outbound(), participants_v2: [] };
    expect(map(r).record).toMatchObject({ direction: 'outbound', remote: { number: '+4922129191999' } });
  });
});

describe('log rows', () => {
  test('Direct Routing failure row: joins the callRecord by correlationId, failed, masked numbers as written', () => {
    expect(mapDirectRoutingRow(f.directRoutingRow())).toMatchObject({ externalId: 'c98e1515-a937-4b81-b8a8-3992afde64e0', direction: 'outbound', status: 'failed', durationSeconds: 0, local: { number: '+12345678***' }, remote: { number: '+01234567***' }, rawPayload: { directRouting: { finalSipCode: 408 } } });
  });
  test('PSTN row: its own record, inbound user_in answered; a bot row has no user', () => {
    expect(mapPstnRow({ id: '9c4984c7', callId: '1835317186_112562680@61.221.3.176', userId: 'db03c14b', callType: 'user_in', duration: 219, callerNumber: '+0123456789', calleeNumber: '+1234567890', startDateTime: '2019-11-01T00:00:08.2589935Z', endDateTime: '2019-11-01T00:03:47.2589935Z' })).toMatchObject({ externalId: 'pstn:9c4984c7', direction: 'inbound', status: 'answered', durationSeconds: 219, remote: { number: '+0123456789' } });
    expect(mapPstnRow({ id: 'b1', callType: 'ucap_out', duration: 0, calleeNumber: '+4930123456' })).toMatchObject({ direction: 'outbound', status: 'canceled', local: { userId: null }, rawPayload: { pstn: { bot: true } } });
  });
});
