/**
 * The seam between the FastAGI handler and routing: what it asks (`Decide`), what it gets back
 * (`Decision`), and what it reports while it dials (`RouteEvent`). Core's routing area fills
 * `Decide` and takes the events once its `decide` lands (packages/core/src/routing); until then
 * the plugin's `decide` returns no targets and every call gets the failover.
 */

/** One target to ring, in order. */
export interface DialTarget {
  /** The Dial() resource: `PJSIP/+4930123456@client-7`. No control characters. */
  dial: string;
  /** Ring timeout in seconds (Dial's second field). */
  timeoutSeconds: number;
  /** Written to `CDR(accountcode)` before the Dial, so the CDR names who took the call. */
  accountCode?: string;
  /** Routing's own id for the target (a campaign link, a client), passed back in the events. */
  ref?: string;
}

/** Routing's answer for a call: the targets in the order to try them (none: the failover). */
export interface Decision {
  targets: DialTarget[];
  /** Routing's id of the decision, passed back in the events. */
  id?: string;
}

/** What the handler asks for each call. `signal` aborts when the answer is no longer wanted (timeout, caller gone). */
export type Decide = (did: string, caller: string | null, callId: string, signal: AbortSignal) => Promise<Decision>;

/** What happens to a decided target (and to a decision that came too late). */
export type RouteEvent =
  | { type: 'attempt'; callId: string; decisionId?: string; target: DialTarget; index: number }
  /** The target answered; `talkSeconds` is ANSWEREDTIME (Dial returns when the call is over). */
  | { type: 'answered'; callId: string; decisionId?: string; target: DialTarget; index: number; talkSeconds: number }
  /** The attempt is over, with DIALSTATUS (`HANGUP` when the channel was already gone: 511; `ERROR` when the connection dropped mid-attempt). */
  | { type: 'ended'; callId: string; decisionId?: string; target: DialTarget; index: number; status: string; talkSeconds: number }
  /** A decision that arrived after the timeout or after the caller left: nothing was dialled, so its slots can be released. */
  | { type: 'abandoned'; callId: string; decision: Decision }
  /** The AGI session for the call is over (`ERROR`: the connection dropped); sent once per call, last but for a late `abandoned`. */
  | { type: 'finished'; callId: string; result: RouteResult | 'ERROR' };

/**
 * Takes the events (routing's counters). Failures are logged and never stop a call. For an
 * `attempt`, answering `'skip'` means the target may not be rung now (routing refused its slot:
 * a cap was reached meanwhile): the loop moves on to the next target without dialling it.
 */
export type ReportRoute = (event: RouteEvent) => void | 'skip' | Promise<void | 'skip'>;

/** What the dialplan reads from `DIALBOOK_RESULT` after the AGI. */
export type RouteResult = 'ANSWER' | 'FAILOVER' | 'HANGUP';
