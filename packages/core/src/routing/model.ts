/**
 * The routing domain's types (issue 15): clients (call centres buying calls), campaigns (a seller's
 * routing rules), links (campaign ↔ client with priority, weight, caps and hours) and what a
 * decision answers. Plain values: `decide.ts` computes on them without a database or a clock.
 */

/** How a campaign orders its links within one priority group. */
export type Strategy = 'priority' | 'round_robin' | 'weighted';
export const STRATEGIES = ['priority', 'round_robin', 'weighted'] as const;

/** What a volume cap counts: calls routed to the client (attempts), connected (answered) or converted (talked long enough). */
export type CountBy = 'routed' | 'connected' | 'converted';
export const COUNT_KINDS = ['routed', 'connected', 'converted'] as const;

/** The periods a volume cap resets on, in the client's time zone (`total` never resets). */
export type Period = 'hour' | 'day' | 'month' | 'total';
export const PERIODS = ['hour', 'day', 'month', 'total'] as const;

/** Volume caps per period (null: no cap) and what they count. */
export interface Caps {
  hour: number | null;
  day: number | null;
  month: number | null;
  total: number | null;
  countBy: CountBy;
}

/** No caps at all. */
export const NO_CAPS: Caps = { hour: null, day: null, month: null, total: null, countBy: 'routed' };

/** A time of day as `HH:MM` (00:00–24:00); `to` is exclusive. */
export interface TimeBlock {
  from: string;
  to: string;
}

/** A weekly block: ISO weekday (1 = Monday … 7 = Sunday) and times in the client's zone. */
export interface WeeklyBlock extends TimeBlock {
  day: number;
}

/** A date (`YYYY-MM-DD`, the client's zone) whose blocks replace the weekly ones; no blocks: closed all day. */
export interface HoursException {
  date: string;
  blocks: TimeBlock[];
}

/** Hours of operation; a link or client with `hours: null` is always open. */
export interface Hours {
  weekly: WeeklyBlock[];
  exceptions: HoursException[];
}

/** A call centre that buys calls, as the decision needs it (its SIP data stays with the engine). */
export interface RoutingClient {
  id: string;
  name: string;
  /** IANA zone: hours and cap periods of the client and its links are in it. */
  timeZone: string;
  enabled: boolean;
  /** Live calls across all the client's links (null: no cap). */
  concurrencyCap: number | null;
  caps: Caps;
  hours: Hours | null;
}

/** What the same caller within the window gets: the client they reached before, or a rejection. */
export type DuplicateAction = 'same_client' | 'reject';

/** A seller's campaign: how its DIDs' calls are routed. */
export interface Campaign {
  id: string;
  ownerId: string;
  name: string;
  enabled: boolean;
  strategy: Strategy;
  /** Seconds each target rings before the engine moves on. */
  ringTimeoutSeconds: number;
  /** How many targets a call tries at most. */
  attempts: number;
  /** The duplicate-caller window in hours (0: off). */
  duplicateWindowHours: number;
  duplicateAction: DuplicateAction;
  blockAnonymous: boolean;
}

/** A campaign ↔ client link with its rules. */
export interface Link {
  id: string;
  campaignId: string;
  clientId: string;
  /** Lower first; links of one priority form a group. */
  priority: number;
  /** Relative share within its priority group (weighted strategy). */
  weight: number;
  concurrencyCap: number | null;
  caps: Caps;
  hours: Hours | null;
  /** Talk seconds from which an ended call counts as converted. */
  minTalkSeconds: number;
  enabled: boolean;
}

/** Why a link was not offered. */
export type SkipReason =
  | 'link_disabled'
  | 'client_disabled'
  | 'closed'
  | 'client_closed'
  | 'concurrency'
  | 'client_concurrency'
  | 'cap_hour'
  | 'cap_day'
  | 'cap_month'
  | 'cap_total'
  | 'client_cap_hour'
  | 'client_cap_day'
  | 'client_cap_month'
  | 'client_cap_total'
  | 'duplicate_other_client'
  | 'attempts_exhausted';

/** Why a call was refused. */
/** `filtered`: a `route.candidates` filter dropped every target. */
export type RejectReason = 'no_campaign' | 'anonymous_blocked' | 'duplicate_blocked' | 'no_links' | 'closed' | 'all_capped' | 'filtered';

/** One target to ring, in order. */
export interface Target {
  linkId: string;
  clientId: string;
  /** Seconds to ring it. */
  ringTimeout: number;
}

/** A link left out, and why. */
export interface Skipped {
  linkId: string;
  reason: SkipReason;
}

/** The answer to a ringing call: ordered targets, or a rejection; `skipped` says why each other link is not there. */
export type Decision =
  | { action: 'route'; campaignId: string; targets: Target[]; skipped: Skipped[] }
  | { action: 'reject'; campaignId: string | null; reason: RejectReason; skipped: Skipped[] };

/** Callers' ids that mean "number withheld". */
const ANONYMOUS = new Set(['', 'anonymous', 'unknown', 'restricted', 'private', 'unavailable', 'withheld']);

/** Whether a caller id is withheld (empty, `anonymous`, … or with no digit at all). */
export function isAnonymousCaller(caller: string | null | undefined): boolean {
  const c = (caller ?? '').trim().toLowerCase();
  return ANONYMOUS.has(c) || !/\d/.test(c);
}
