/**
 * The adapter between the Dial loop's events and ctx.routing, with a recording stand-in for
 * routing (the real one is exercised end to end in test/routing.test.ts) and vitest's fake timers
 * for the lease renewals.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { DialbookError, type RoutingApi } from '@dialbook/core';
import { recordingLogger } from '../../test/helpers.js';
import { coreRouting, endedStatus } from './core-routing.js';
import type { TrunkCache } from './trunk-cache.js';

const trunk = (clientId: string) => ({ clientId, name: clientId, sip: { host: 'h', port: 5060, transport: 'udp' as const, username: null, codecs: [], dialPrefix: '', numberFormat: 'e164' as const }, password: null, updatedAt: '' });

function setup(options: { capped?: Set<string> } = {}) {
  const calls: string[] = [];
  const lease = () => new Date(Date.now() + 10_000).toISOString();
  const routing: Pick<RoutingApi, 'decide' | 'attempt' | 'answered' | 'renew' | 'ended'> = {
    decide: async () => ({ action: 'route', campaignId: 'camp', targets: [{ linkId: 'l1', clientId: 'A', ringTimeout: 20 }, { linkId: 'l2', clientId: 'gone', ringTimeout: 20 }, { linkId: 'l3', clientId: 'B', ringTimeout: 15 }], skipped: [] }),
    attempt: async (callId, clientId) => {
      calls.push(`attempt ${clientId}`);
      if (options.capped?.has(clientId)) throw new DialbookError('DIALBOOK_ROUTING_CAPPED', 'capped', { status: 409 });
      return { callId, linkId: 'l', clientId, leaseExpiresAt: lease() };
    },
    answered: async () => (calls.push('answered'), { leaseExpiresAt: lease() }),
    renew: async () => (calls.push('renew'), { leaseExpiresAt: lease() }),
    ended: async (_id, status, talk) => (calls.push(`ended ${status} ${talk}`), { converted: false }),
  };
  const trunks: TrunkCache = { get: async (id) => (id === 'gone' ? null : trunk(id)), invalidate: () => undefined };
  return { calls, adapter: coreRouting({ routing, trunks, logger: recordingLogger() }) };
}

const target = (ref: string) => ({ dial: `PJSIP/x@dialbook-${ref}`, timeoutSeconds: 20, ref });

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('core routing adapter', () => {
  test('a decision becomes dial targets on the trunks; a client without a trunk is left out', async () => {
    const { adapter } = setup();
    expect(await adapter.decide('+4930123456', null, 'c1', new AbortController().signal)).toEqual({
      id: 'camp',
      targets: [
        { dial: 'PJSIP/+4930123456@dialbook-A', timeoutSeconds: 20, accountCode: 'A', ref: 'A' },
        { dial: 'PJSIP/+4930123456@dialbook-B', timeoutSeconds: 15, accountCode: 'B', ref: 'B' },
      ],
    });
  });

  test('the lease is renewed half-way while the Dial runs, and no more after the end', async () => {
    const { adapter, calls } = setup();
    await adapter.report({ type: 'attempt', callId: 'c1', target: target('A'), index: 0 });
    await vi.advanceTimersByTimeAsync(5_001);
    await vi.advanceTimersByTimeAsync(5_001);
    expect(calls.filter((c) => c === 'renew').length).toBe(2);
    await adapter.report({ type: 'answered', callId: 'c1', target: target('A'), index: 0, talkSeconds: 40 });
    await adapter.report({ type: 'ended', callId: 'c1', target: target('A'), index: 0, status: 'ANSWER', talkSeconds: 40 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual(['attempt A', 'renew', 'renew', 'answered', 'ended completed 40']);
  });

  test('busy then a capped target: the attempt is skipped, and the end goes out once when the call finishes', async () => {
    const { adapter, calls } = setup({ capped: new Set(['B']) });
    await adapter.report({ type: 'attempt', callId: 'c2', target: target('A'), index: 0 });
    await adapter.report({ type: 'ended', callId: 'c2', target: target('A'), index: 0, status: 'BUSY', talkSeconds: 0 });
    expect(await adapter.report({ type: 'attempt', callId: 'c2', target: target('B'), index: 1 })).toBe('skip');
    await adapter.report({ type: 'finished', callId: 'c2', result: 'FAILOVER' });
    await adapter.report({ type: 'finished', callId: 'c2', result: 'FAILOVER' });
    expect(calls).toEqual(['attempt A', 'attempt B', 'ended busy 0']);
    adapter.stop();
  });

  test('DIALSTATUS to ended status', () => {
    expect(['ANSWER', 'BUSY', 'NOANSWER', 'CANCEL', 'HANGUP', 'CONGESTION', 'CHANUNAVAIL', 'ERROR'].map(endedStatus)).toEqual(['completed', 'busy', 'no_answer', 'canceled', 'canceled', 'failed', 'failed', 'failed']);
  });
});
