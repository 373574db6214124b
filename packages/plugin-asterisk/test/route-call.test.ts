/**
 * The seam between the FastAGI handler and routing: `routeCall` with a fake `decide` (a test of
 * the per-target Dial loop, not a stand-in for core's routing), through the real server and the
 * fake Asterisk of agi-client.ts. The events it reports must leave a counter model consistent.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { Decide, Decision, RouteEvent } from '../src/agi/decision.js';
import { routeCall } from '../src/agi/route-call.js';
import type { AgiServer } from '../src/agi/server.js';
import type { Failover } from '../src/options.js';
import { fakeCall, rawClient, type DialOutcome, type FakeCallOptions } from './agi-client.js';
import { gate, recordingLogger, startAgi } from './helpers.js';

const servers: AgiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const A = { dial: 'PJSIP/+4930111@client-a', timeoutSeconds: 20, accountCode: 'client-a', ref: 'link-a' };
const B = { dial: 'PJSIP/+4930222@client-b', timeoutSeconds: 15, accountCode: 'client-b', ref: 'link-b' };
const C = { dial: 'PJSIP/+4930333@client-c', timeoutSeconds: 25, ref: 'link-c' };

async function route(options: { decide: Decide; failover?: Failover; decisionTimeoutMs?: number; call?: Omit<FakeCallOptions, 'port'>; outcomes?: Record<string, DialOutcome> }) {
  const events: RouteEvent[] = [];
  const logger = recordingLogger();
  const handler = routeCall({ decide: options.decide, report: (e) => void events.push(e), decisionTimeoutMs: options.decisionTimeoutMs ?? 2_000, failover: options.failover ?? { type: 'playback', file: 'ss-noservice' }, logger });
  const { server, port } = await startAgi({ handler });
  servers.push(server);
  const call = await fakeCall({ port, args: ['4930123456', '+4930999'], dial: (t) => options.outcomes?.[t] ?? { status: 'NOANSWER' }, ...options.call });
  return { call, events, logger, stats: server.stats() };
}

/** A routing counter model fed by the events: every attempt ends once, at most one answers. */
function counters(events: RouteEvent[]) {
  const live = new Map<string, number>();
  let answered = 0;
  for (const e of events) {
    if (e.type === 'attempt') live.set(e.target.ref!, (live.get(e.target.ref!) ?? 0) + 1);
    if (e.type === 'ended') live.set(e.target.ref!, live.get(e.target.ref!)! - 1);
    if (e.type === 'answered') answered++;
  }
  return { open: [...live.values()].reduce((a, b) => a + b, 0), answered };
}

const decided = (d: Decision): Decide => async () => d;

describe('route a call', () => {
  test('answered on the first target: account code, Dial, DIALSTATUS, ANSWEREDTIME, DIALBOOK_RESULT=ANSWER', async () => {
    let asked: unknown[] = [];
    const { call, events } = await route({
      decide: async (did, caller, callId) => ((asked = [did, caller, callId]), { id: 'd1', targets: [A, B] }),
      outcomes: { [A.dial]: { status: 'ANSWER', answeredSeconds: 93 } },
    });
    expect(asked).toEqual(['4930123456', '+4930999', expect.stringMatching(/^1700000000\.\d+$/)]);
    expect(call.lines).toEqual([
      'SET VARIABLE CDR(accountcode) client-a',
      'EXEC Dial "PJSIP/+4930111@client-a,20,g"',
      'GET VARIABLE DIALSTATUS',
      'GET VARIABLE ANSWEREDTIME',
      'SET VARIABLE DIALBOOK_RESULT ANSWER',
    ]);
    expect(events.map((e) => [e.type, 'index' in e ? e.index : null])).toEqual([['attempt', 0], ['answered', 0], ['ended', 0], ['finished', null]]);
    expect(events.at(-1)).toMatchObject({ type: 'finished', result: 'ANSWER' });
    expect(events[1]).toMatchObject({ decisionId: 'd1', talkSeconds: 93, target: { ref: 'link-a' } });
    expect(counters(events)).toEqual({ open: 0, answered: 1 });
  });

  test('busy, then answered on the second target', async () => {
    const { call, events } = await route({ decide: decided({ targets: [A, B, C] }), outcomes: { [A.dial]: { status: 'BUSY' }, [B.dial]: { status: 'ANSWER', answeredSeconds: 5 } } });
    expect(call.dials.map((d) => d.data)).toEqual(['PJSIP/+4930111@client-a,20,g', 'PJSIP/+4930222@client-b,15,g']);
    expect(call.variables.get('CDR(accountcode)')).toBe('client-b');
    expect(call.variables.get('DIALBOOK_RESULT')).toBe('ANSWER');
    expect(events.filter((e) => e.type === 'ended').map((e) => e.type === 'ended' && e.status)).toEqual(['BUSY', 'ANSWER']);
    expect(counters(events)).toEqual({ open: 0, answered: 1 });
  });

  test('all no-answer: every target tried, then the failover playback; DIALBOOK_RESULT=FAILOVER', async () => {
    const { call, events } = await route({ decide: decided({ targets: [A, B, C] }), outcomes: { [B.dial]: { status: 'CHANUNAVAIL' } } });
    expect(call.dials.map((d) => d.target)).toEqual([A.dial, B.dial, C.dial]);
    expect(call.lines.slice(-2)).toEqual(['EXEC Playback "ss-noservice"', 'SET VARIABLE DIALBOOK_RESULT FAILOVER']);
    expect(events.filter((e) => e.type === 'ended').map((e) => e.type === 'ended' && e.status)).toEqual(['NOANSWER', 'CHANUNAVAIL', 'NOANSWER']);
    expect(counters(events)).toEqual({ open: 0, answered: 0 });
  });

  test('the caller hangs up mid-dial (HANGUP line): no further target, no failover, DIALBOOK_RESULT=HANGUP', async () => {
    const { call, events } = await route({ decide: decided({ targets: [A, B] }), outcomes: { [A.dial]: { status: 'CANCEL', callerHangsUp: true } } });
    expect(call.hungUp).toBe(true);
    expect(call.dials).toHaveLength(1);
    expect(call.lines.slice(-2)).toEqual(['GET VARIABLE DIALSTATUS', 'SET VARIABLE DIALBOOK_RESULT HANGUP']);
    expect(events.slice(-2)).toMatchObject([{ type: 'ended', status: 'CANCEL' }, { type: 'finished', result: 'HANGUP' }]);
    expect(counters(events)).toEqual({ open: 0, answered: 0 });
  });

  test('HANGUP after the Dial answer (the other order Asterisk may use) ends the same way', async () => {
    const { call, events } = await route({ decide: decided({ targets: [A, B] }), outcomes: { [A.dial]: { status: 'CANCEL', callerHangsUp: 'after-result' } } });
    expect(call.dials).toHaveLength(1);
    expect(call.variables.get('DIALBOOK_RESULT')).toBe('HANGUP');
    expect(counters(events)).toEqual({ open: 0, answered: 0 });
  });

  test('the connection drops mid-dial: the attempt still ends (status ERROR), so no counter stays open', async () => {
    const events: RouteEvent[] = [];
    const dialing = gate();
    const handler = routeCall({ decide: decided({ targets: [C, B] }), report: (e) => void (events.push(e), e.type === 'attempt' && dialing.open()), decisionTimeoutMs: 2_000, failover: { type: 'playback', file: 'ss-noservice' }, logger: recordingLogger() });
    const { server, port } = await startAgi({ handler });
    servers.push(server);
    const c = await rawClient(port);
    c.socket.write('agi_network: yes\nagi_request: agi://127.0.0.1/route\nagi_channel: PJSIP/x-1\nagi_uniqueid: 1.9\nagi_arg_1: 4930123456\n\n');
    await dialing.promise;
    await expect.poll(() => c.received()).toBe('EXEC Dial "PJSIP/+4930333@client-c,25,g"\n');
    c.socket.destroy(); // Asterisk went away while the Dial rang
    await expect.poll(() => events.map((e) => e.type)).toEqual(['attempt', 'ended', 'finished']);
    expect(events.slice(1)).toMatchObject([{ status: 'ERROR' }, { result: 'ERROR' }]);
    expect(counters(events)).toEqual({ open: 0, answered: 0 });
    expect(server.stats().handlerErrors).toBe(0); // a closed connection is not the handler's failure
  });

  test('CANCEL without a HANGUP line (yet) also stops the loop', async () => {
    const { call } = await route({ decide: decided({ targets: [A, B] }), outcomes: { [A.dial]: { status: 'CANCEL' } } });
    expect(call.dials).toHaveLength(1);
    expect(call.variables.get('DIALBOOK_RESULT')).toBe('HANGUP');
  });

  test('a decision that takes too long: the failover dial runs, and the late decision is reported abandoned', async () => {
    const release = gate();
    let aborted = false;
    const late: Decision = { id: 'late', targets: [A] };
    const { call, events, logger } = await route({
      decisionTimeoutMs: 100,
      failover: { type: 'dial', target: 'PJSIP/+4930000@fallback', timeoutSeconds: 30 },
      decide: async (_d, _c, _id, signal) => {
        signal.addEventListener('abort', () => ((aborted = true), release.open()));
        await release.promise;
        return late;
      },
    });
    expect(call.lines).toEqual(['EXEC Dial "PJSIP/+4930000@fallback,30,g"', 'SET VARIABLE DIALBOOK_RESULT FAILOVER']);
    expect(aborted).toBe(true);
    // The late decision's report and the session's end race each other: both come, once.
    await expect.poll(() => events.length).toBe(2);
    expect(events).toEqual(expect.arrayContaining([{ type: 'abandoned', callId: expect.any(String), decision: late }, { type: 'finished', callId: expect.any(String), result: 'FAILOVER' }]));
    expect(logger.lines.some((l) => l.level === 'warn' && /took too long/.test(l.msg))).toBe(true);
  });

  test('a failing decide, and a decision without targets, get the failover', async () => {
    const failing = await route({ decide: async () => Promise.reject(new Error('db down')) });
    expect(failing.call.lines).toEqual(['EXEC Playback "ss-noservice"', 'SET VARIABLE DIALBOOK_RESULT FAILOVER']);
    expect(failing.logger.lines.find((l) => l.level === 'error')).toMatchObject({ msg: expect.stringContaining('decision failed') });
    const empty = await route({ decide: decided({ targets: [] }) });
    expect(empty.call.lines).toEqual(['EXEC Playback "ss-noservice"', 'SET VARIABLE DIALBOOK_RESULT FAILOVER']);
  });

  test('the caller hangs up while the decision is pending: nothing is dialled, the decision is abandoned', async () => {
    const release = gate();
    const late: Decision = { targets: [A] };
    const { call, events } = await route({
      call: { hangUpAtStart: true },
      decide: async (_d, _c, _id, signal) => {
        signal.addEventListener('abort', () => release.open());
        await release.promise;
        return late;
      },
    });
    expect(call.lines).toEqual(['SET VARIABLE DIALBOOK_RESULT HANGUP']);
    await expect.poll(() => events.map((e) => e.type).sort()).toEqual(['abandoned', 'finished']);
  });

  test('a target that cannot be dialled (a comma would add Dial options) is skipped with a warning', async () => {
    const { call, logger, events } = await route({ decide: decided({ targets: [{ ...A, dial: 'PJSIP/x@y,999,D(123)' }, B] }), outcomes: { [B.dial]: { status: 'ANSWER' } } });
    expect(call.dials.map((d) => d.target)).toEqual([B.dial]);
    expect(logger.lines.some((l) => l.level === 'warn' && /cannot be dialled/.test(l.msg))).toBe(true);
    expect(counters(events)).toEqual({ open: 0, answered: 1 });
  });

  test('a report that throws is logged; the call goes on', async () => {
    const logger = recordingLogger();
    const handler = routeCall({ decide: decided({ targets: [A] }), report: () => Promise.reject(new Error('counter db down')), decisionTimeoutMs: 2_000, failover: { type: 'playback', file: 'ss-noservice' }, logger });
    const { server, port } = await startAgi({ handler });
    servers.push(server);
    const call = await fakeCall({ port, dial: () => ({ status: 'ANSWER' }) });
    expect(call.variables.get('DIALBOOK_RESULT')).toBe('ANSWER');
    expect(logger.lines.filter((l) => /route report failed/.test(l.msg))).toHaveLength(4); // attempt, answered, ended, finished
  });
});
