import { describe, expect, test } from 'vitest';
import { mergeCall, toCallEvent, type CallEvent, type CallState } from '../src/calls/merge.js';
import { CallRecordInputSchema, type CallRecordInput } from '../src/calls/types.js';

/** The merge of a call's events (`src/calls/merge.ts`): any order, any repetition, the same record. */
const ev = (r: Omit<CallRecordInput, 'externalId'>): CallEvent => toCallEvent(CallRecordInputSchema.parse({ externalId: 'x', ...r }));
const fold = (events: CallEvent[]): CallState => events.reduce<CallState | null>((s, e) => mergeCall(s, e), null)!;

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}
/** A small seeded generator, so a failing sequence can be replayed. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}
function shuffledWithRepeats<T>(xs: T[], random: () => number): T[] {
  const out = [...xs, ...xs.filter(() => random() < 0.5)];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const t0 = '2026-03-10T09:00:00+01:00';
const t1 = '2026-03-10T09:00:07+01:00';
const t2 = '2026-03-10T09:01:07+01:00';

// Placetel's Notify API for one answered inbound call: IncomingCall, CallAccepted (with the peer), HungUp (accepted, duration).
const answered = [
  ev({ direction: 'in', startedAt: t0, remote: { number: '0221 29191999' }, local: { number: '0987654321' }, rawPayload: { event: 'IncomingCall' } }),
  ev({ direction: 'in', status: 'in_progress', answeredAt: t1, local: { userId: '7777abcdefg@fpbx.de' }, rawPayload: { event: 'CallAccepted' } }),
  ev({ direction: 'in', status: 'accepted', endedAt: t2, durationSeconds: 60, remote: { number: '0221 29191999' }, rawPayload: { event: 'HungUp', type: 'accepted' } }),
];

describe('mergeCall', () => {
  test('every order of an answered call ends in the same record', () => {
    const expected = fold(answered);
    expect(expected).toMatchObject({
      direction: 'inbound',
      status: 'answered',
      startedAt: new Date(t0),
      answeredAt: new Date(t1),
      endedAt: new Date(t2),
      durationSeconds: 60,
      remoteNumber: '0221 29191999',
      localNumber: '0987654321',
      localUserId: '7777abcdefg@fpbx.de',
      rawPayload: { event: 'HungUp', type: 'accepted' },
    });
    for (const order of permutations(answered)) expect(fold(order)).toEqual(expected);
  });

  test('shuffled and duplicated sequences end in the same record', () => {
    const missed = [
      ev({ direction: 'inbound', status: 'ringing', startedAt: t0, remote: { number: '030 1234567', name: 'Anna' } }),
      ev({ direction: 'inbound', status: 'missed', endedAt: t1, durationSeconds: 0 }),
      ev({ direction: 'inbound', status: 'voicemail', endedAt: t2 }),
    ];
    const random = rng(42);
    for (const events of [answered, missed]) {
      const expected = fold(events);
      for (let k = 0; k < 200; k++) expect(fold(shuffledWithRepeats(events, random))).toEqual(expected);
    }
    expect(fold(missed)).toMatchObject({ status: 'voicemail', endedAt: new Date(t2), durationSeconds: 0, remoteName: 'Anna' });
  });

  test('a late ringing never undoes a hang-up, an end never moves back, answered stays answered', () => {
    const hungUp = fold([ev({ direction: 'outbound', startedAt: t0, answeredAt: t1 }), ev({ direction: 'outbound', status: 'answered', endedAt: t2 })]);
    const late = mergeCall(hungUp, ev({ direction: 'outbound', status: 'ringing', startedAt: t0 }));
    expect(late).toEqual(hungUp);
    const earlierEnd = mergeCall(hungUp, ev({ direction: 'outbound', status: 'busy', endedAt: t1 }));
    expect(earlierEnd.endedAt).toEqual(new Date(t2));
    expect(earlierEnd.status).toBe('answered');
    const ringing = fold([ev({ direction: 'inbound', startedAt: t0 })]);
    expect(ringing).toMatchObject({ status: 'ringing', endedAt: null, durationSeconds: null });
    expect(mergeCall(ringing, ev({ direction: 'inbound', answeredAt: t1 })).status).toBe('in_progress');
  });

  test('an ended call with no outcome is missed when inbound and canceled otherwise; the strongest outcome wins', () => {
    expect(fold([ev({ direction: 'inbound', startedAt: t0, endedAt: t1 })])).toMatchObject({ status: 'missed', durationSeconds: 0 });
    expect(fold([ev({ direction: 'outbound', startedAt: t0, endedAt: t1 })]).status).toBe('canceled');
    const busy = [ev({ direction: 'outbound', startedAt: t0, endedAt: t1 }), ev({ direction: 'outbound', status: 'busy', endedAt: t1 }), ev({ direction: 'outbound', status: 'canceled', endedAt: t1 })];
    for (const order of permutations(busy)) expect(fold(order).status).toBe('busy');
  });

  test('legacy directions: MISSED is inbound and missed, INCOMING/OUTGOING are read, cancelled is canceled', () => {
    expect(fold([ev({ direction: 'MISSED', startedAt: t0 })])).toMatchObject({ direction: 'inbound', status: 'missed' });
    expect(fold([ev({ direction: 'INCOMING', startedAt: t0 })]).direction).toBe('inbound');
    expect(fold([ev({ direction: 'OUTGOING', status: 'cancelled', startedAt: t0 })])).toMatchObject({ direction: 'outbound', status: 'canceled' });
    expect(fold([ev({ direction: 'INBOUND', startedAt: t0 })]).direction).toBe('inbound');
    expect(CallRecordInputSchema.safeParse({ externalId: 'x', direction: 'sideways' }).success).toBe(false);
  });

  test('the start of a call first heard of by its end is the earliest time any event gave', () => {
    const s = fold([ev({ direction: 'inbound', status: 'missed', endedAt: t2 }), ev({ direction: 'inbound', startedAt: t0 })]);
    expect(s.startedAt).toEqual(new Date(t0));
    expect(() => fold([ev({ direction: 'inbound' })])).toThrow(/startedAt, answeredAt or endedAt/);
  });

  test('a raw payload over the limit is replaced by a marker, the call is kept', () => {
    const s = fold([ev({ direction: 'inbound', startedAt: t0, rawPayload: { blob: 'x'.repeat(40_000) } })]);
    expect(s.rawPayload).toEqual({ truncated: true, bytes: expect.any(Number) as number });
  });
});
