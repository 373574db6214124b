/**
 * The FastAGI handler for a routed call (calls.md §3e): ask for a decision, ring its targets in
 * order, stop on ANSWER, CANCEL or a hang-up, fall back to the failover when no decision comes in
 * time or nobody answers, and leave `DIALBOOK_RESULT` for the dialplan.
 */
import type { Logger } from '@dialbook/core';
import type { Failover } from '../options.js';
import { callInput, type CallInput } from './call-input.js';
import type { Decide, Decision, DialTarget, ReportRoute, RouteEvent, RouteResult } from './decision.js';
import type { AgiHandler, AgiSession } from './session.js';

export interface RouteCallOptions {
  decide: Decide;
  /** Takes attempt / answered / ended / abandoned (routing's counters); optional. */
  report?: ReportRoute;
  decisionTimeoutMs: number;
  failover: Failover;
  logger: Logger;
}

/** DIALSTATUS values after which the loop stops: someone took the call, or the caller left. */
const FINAL = new Set(['ANSWER', 'CANCEL']);

/**
 * Make the handler. Per target: `SET VARIABLE CDR(accountcode) …` (when the target has one),
 * `EXEC Dial "<dial>,<timeout>,g"`, `GET VARIABLE DIALSTATUS`, and on ANSWER `GET VARIABLE
 * ANSWEREDTIME`. Each step is reported (see {@link RouteEvent}).
 */
export function routeCall(options: RouteCallOptions): AgiHandler {
  return async (session) => {
    const call = callInput(session.env);
    const log = options.logger.child({ callId: call.callId, did: call.did });
    const report = async (event: RouteEvent): Promise<void | 'skip'> => {
      try {
        return await options.report?.(event);
      } catch (err) {
        log.error({ err, event: event.type }, 'route report failed (the call goes on)');
      }
    };
    let result: RouteResult | null = null;
    try {
      const decision = await decideInTime(session, call, options, log, report);
      if (decision && !session.hungUp) result = await dialTargets(session, call, decision, log, report);
      if (session.hungUp) result = 'HANGUP';
      if (!result) {
        await runFailover(session, options.failover, log);
        result = session.hungUp ? 'HANGUP' : 'FAILOVER';
      }
      // SET VARIABLE is allowed on a dead channel too, so the dialplan's h extension sees it.
      await session.setVariable('DIALBOOK_RESULT', result);
      log.debug({ result }, 'AGI call routed');
    } catch (err) {
      result = null;
      throw err;
    } finally {
      await report({ type: 'finished', callId: call.callId, result: result ?? 'ERROR' });
    }
  };
}

/**
 * The decision, or null after decisionTimeoutMs, a failed decide, or the caller leaving first.
 * Whichever comes first wins; a decision that arrives after that is reported `abandoned`.
 */
function decideInTime(session: AgiSession, call: CallInput, options: RouteCallOptions, log: Logger, report: (e: RouteEvent) => Promise<void | 'skip'>): Promise<Decision | null> {
  const abort = new AbortController();
  return new Promise((resolve) => {
    let done = false;
    const finish = (decision: Decision | null): boolean => {
      if (done) return false;
      done = true;
      clearTimeout(timer); // declared below; finish runs only after it is set
      if (!decision) abort.abort(new Error('decision no longer wanted'));
      resolve(decision);
      return true;
    };
    const timer = setTimeout(() => {
      if (finish(null)) log.warn({ decisionTimeoutMs: options.decisionTimeoutMs }, 'routing decision took too long: the call gets the failover');
    }, options.decisionTimeoutMs);
    void session.whenHungUp.then(() => finish(null));
    Promise.resolve()
      .then(() => options.decide(call.did, call.caller, call.callId, abort.signal))
      .then(
        (decision) => {
          if (!finish(decision)) void report({ type: 'abandoned', callId: call.callId, decision });
        },
        (err: unknown) => {
          if (finish(null)) log.error({ err }, 'routing decision failed: the call gets the failover');
        },
      );
  });
}

/** Ring the targets in order; ANSWER or HANGUP when the loop stopped on one, null when none answered. */
async function dialTargets(session: AgiSession, call: CallInput, decision: Decision, log: Logger, report: (e: RouteEvent) => Promise<void | 'skip'>): Promise<RouteResult | null> {
  const ids = { callId: call.callId, ...(decision.id !== undefined ? { decisionId: decision.id } : {}) };
  for (const [index, target] of decision.targets.entries()) {
    if (session.hungUp) return 'HANGUP';
    const problem = invalidTarget(target);
    if (problem) {
      log.warn({ index, problem }, 'skipping a decided target that cannot be dialled');
      continue;
    }
    if ((await report({ type: 'attempt', ...ids, target, index })) === 'skip') {
      log.info({ index, ref: target.ref }, 'routing refused the slot for a decided target: trying the next');
      continue;
    }
    let status: string;
    let talkSeconds = 0;
    try {
      if (target.accountCode) await session.setVariable('CDR(accountcode)', target.accountCode);
      const dialled = await session.exec('Dial', target.dial, String(target.timeoutSeconds), 'g');
      if (dialled.code === 511) {
        await report({ type: 'ended', ...ids, target, index, status: 'HANGUP', talkSeconds: 0 });
        return 'HANGUP';
      }
      status = (await session.getVariable('DIALSTATUS')) ?? 'UNKNOWN';
      if (status === 'ANSWER') talkSeconds = seconds(await session.getVariable('ANSWEREDTIME'));
    } catch (err) {
      // The connection dropped (or Asterisk refused a GET): the attempt still ends, so the counters hold.
      await report({ type: 'ended', ...ids, target, index, status: 'ERROR', talkSeconds: 0 });
      throw err;
    }
    if (status === 'ANSWER') await report({ type: 'answered', ...ids, target, index, talkSeconds });
    await report({ type: 'ended', ...ids, target, index, status, talkSeconds });
    if (status === 'ANSWER') return 'ANSWER';
    if (FINAL.has(status)) return 'HANGUP';
  }
  return null;
}

/** Why a target cannot go into a Dial command, or null. */
function invalidTarget(t: DialTarget): string | null {
  // eslint-disable-next-line no-control-regex -- a control character would split the AGI command
  if (typeof t.dial !== 'string' || !t.dial || /[\u0000-\u001f\u007f,]/.test(t.dial)) return 'dial must be a non-empty resource without commas or control characters';
  if (!Number.isInteger(t.timeoutSeconds) || t.timeoutSeconds < 1 || t.timeoutSeconds > 600) return 'timeoutSeconds must be a whole number from 1 to 600';
  // eslint-disable-next-line no-control-regex -- as above
  if (t.accountCode !== undefined && /[\u0000-\u001f\u007f]/.test(t.accountCode)) return 'accountCode must not contain control characters';
  return null;
}

const seconds = (v: string | null) => {
  const n = Number(v);
  return v && Number.isFinite(n) && n >= 0 ? Math.floor(n) : 0;
};

/** The configured failover: one more Dial, or a Playback. */
async function runFailover(session: AgiSession, failover: Failover, log: Logger): Promise<void> {
  if (session.hungUp) return;
  const r = failover.type === 'dial' ? await session.exec('Dial', failover.target, String(failover.timeoutSeconds), 'g') : await session.exec('Playback', failover.file);
  if (r.code !== 200 || r.result === -2) log.warn({ failover: failover.type, answer: r.line }, 'the failover did not run');
}
