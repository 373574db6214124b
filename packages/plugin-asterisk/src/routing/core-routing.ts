/**
 * The FastAGI handler's `decide` and `report` backed by core's routing (`ctx.routing`): a
 * decision's targets become Dial() resources on the clients' provisioned trunks, and the Dial
 * loop's events become the call lifecycle — attempt (a concurrency slot, refused at a cap: the
 * target is skipped), answered, ended — with the slot's lease renewed while a Dial runs.
 */
import { isDialbookError, type Logger, type RoutingApi, type RoutingEndedStatus } from '@dialbook/core';
import type { Decide, DialTarget, ReportRoute } from '../agi/decision.js';
import { dialResource } from './dial-string.js';
import type { TrunkCache } from './trunk-cache.js';

export interface CoreRoutingOptions {
  routing: Pick<RoutingApi, 'decide' | 'attempt' | 'answered' | 'renew' | 'ended'>;
  trunks: TrunkCache;
  logger: Logger;
}

/** Attempt outcomes after which the loop rings no further target, so the call's end is reported at once. */
const FINAL = new Set(['ANSWER', 'CANCEL', 'HANGUP', 'ERROR']);

/** DIALSTATUS (and the loop's own HANGUP / ERROR) as routing's ended status. */
export function endedStatus(dialStatus: string): RoutingEndedStatus {
  switch (dialStatus) {
    case 'ANSWER':
      return 'completed';
    case 'BUSY':
      return 'busy';
    case 'NOANSWER':
      return 'no_answer';
    case 'CANCEL':
    case 'HANGUP':
      return 'canceled';
    default:
      return 'failed'; // CONGESTION, CHANUNAVAIL, DONTCALL, TORTURE, INVALIDARGS, ERROR, UNKNOWN
  }
}

/** `decide` and `report` for `routeCall`, plus `stop` (ends the lease renewals still running). */
export function coreRouting({ routing, trunks, logger }: CoreRoutingOptions): { decide: Decide; report: ReportRoute; stop(): void } {
  /** Lease renewals of the calls holding a slot, by call id. */
  const renewals = new Map<string, NodeJS.Timeout>();
  const stopRenewing = (callId: string) => {
    clearTimeout(renewals.get(callId));
    renewals.delete(callId);
  };
  const renewBefore = (callId: string, leaseExpiresAt: string) => {
    stopRenewing(callId);
    // Half-way through the lease, so a long call never loses its slot.
    const ms = Math.max(1_000, (Date.parse(leaseExpiresAt) - Date.now()) / 2);
    const timer = setTimeout(() => {
      routing.renew(callId).then(
        (r) => renewals.has(callId) && renewBefore(callId, r.leaseExpiresAt),
        (err: unknown) => (renewals.delete(callId), logger.warn({ err, callId }, 'routing lease renewal failed')),
      );
    }, ms);
    timer.unref();
    renewals.set(callId, timer);
  };

  const decide: Decide = async (did, caller, callId) => {
    const decision = await routing.decide({ did, caller, callId });
    if (decision.action === 'reject') {
      logger.info({ callId, did, reason: decision.reason }, 'routing rejected the call: it gets the failover');
      return { targets: [] };
    }
    const targets: DialTarget[] = [];
    for (const t of decision.targets) {
      const trunk = await trunks.get(t.clientId);
      if (!trunk) {
        logger.warn({ callId, clientId: t.clientId }, 'a decided client has no enabled trunk: skipped');
        continue;
      }
      targets.push({ dial: dialResource(trunk, did), timeoutSeconds: t.ringTimeout, accountCode: t.clientId, ref: t.clientId });
    }
    return { id: decision.campaignId, targets };
  };

  /**
   * A call's last unanswered attempt (BUSY, NOANSWER, …), not yet reported ended: routing takes one
   * `ended` per call, so the loop's next attempt moves the slot on, and the end goes out when the
   * call is over (`finished`) — or at once when it stops on an answer or a hang-up.
   */
  const unended = new Map<string, string>();
  const end = async (callId: string, status: string, talkSeconds: number) => {
    stopRenewing(callId);
    unended.delete(callId);
    await routing.ended(callId, endedStatus(status), talkSeconds);
  };

  const report: ReportRoute = async (event) => {
    if (event.type === 'abandoned') return; // a decision takes no slot: nothing to give back
    if (event.type === 'finished') {
      const status = unended.get(event.callId);
      stopRenewing(event.callId);
      if (status !== undefined) await end(event.callId, status, 0);
      return;
    }
    const clientId = event.target.ref;
    if (!clientId) return;
    if (event.type === 'attempt') {
      try {
        const slot = await routing.attempt(event.callId, clientId);
        unended.delete(event.callId); // the slot moved to this target
        renewBefore(event.callId, slot.leaseExpiresAt);
      } catch (err) {
        if (isDialbookError(err) && err.code === 'DIALBOOK_ROUTING_CAPPED') return 'skip';
        throw err;
      }
    } else if (event.type === 'answered') {
      await routing.answered(event.callId);
    } else if (FINAL.has(event.status)) {
      await end(event.callId, event.status, event.talkSeconds);
    } else {
      unended.set(event.callId, event.status);
    }
  };

  return {
    decide,
    report,
    stop: () => {
      for (const t of renewals.values()) clearTimeout(t);
      renewals.clear();
      unended.clear();
    },
  };
}
