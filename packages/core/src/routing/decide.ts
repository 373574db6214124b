import { isOpen } from './hours.js';
import { isAnonymousCaller, PERIODS, type Campaign, type Caps, type CountBy, type Decision, type Link, type RoutingClient, type Skipped, type SkipReason, type Strategy, type Target } from './model.js';
import { periodKeys } from './periods.js';
import { priorityOrder } from './strategies/priority.js';
import { roundRobinOrder } from './strategies/round-robin.js';
import type { Strategy as Order } from './strategies/types.js';
import { weightedOrder } from './strategies/weighted.js';

/** The strategies by name. */
export const ORDERS: Record<Strategy, Order> = { priority: priorityOrder, round_robin: roundRobinOrder, weighted: weightedOrder };

/** The live counters a decision reads (a snapshot the service loads; see `counters.ts`). */
export interface LiveCounters {
  /** Live calls (unexpired slots) of a link or of a client across its links. */
  active(scope: 'link' | 'client', id: string): number;
  /** Calls of `kind` counted in the period with key `periodKey` (`periods.ts`), including calls still up that may yet count. */
  count(scope: 'link' | 'client', id: string, kind: CountBy, periodKey: string): number;
}

/** Everything a decision depends on: no database, no clock, no randomness of its own. */
export interface DecideInput {
  now: Date;
  /** The caller's number as the engine sent it (anonymous: null, empty or `anonymous`). */
  caller: string | null;
  /** The campaign the dialled DID belongs to (null: none). */
  campaign: Campaign | null;
  links: readonly Link[];
  clients: ReadonlyMap<string, RoutingClient>;
  live: LiveCounters;
  /** The same caller's latest call in this campaign: when, and the client it reached (null: none reached). */
  previous: { clientId: string | null; at: Date } | null;
  /** Calls the campaign routed before (round robin). */
  cursor: number;
  random: () => number;
}

/** The first cap of `caps` that is full at `now` in `timeZone`, as the period's name. */
function fullCap(caps: Caps, timeZone: string, now: Date, counted: (kind: CountBy, key: string) => number): (typeof PERIODS)[number] | null {
  const keys = periodKeys(now, timeZone);
  for (const p of PERIODS) {
    const cap = caps[p];
    if (cap !== null && counted(caps.countBy, keys[p]) >= cap) return p;
  }
  return null;
}

/**
 * Why `link` cannot take a call at `now` with these live counters, or null when it can: the one
 * rule both the decision and the taking of a slot (`engine.ts`, under the row locks) apply.
 */
export function linkSkipReason(link: Link, client: RoutingClient | undefined, { now, live }: Pick<DecideInput, 'now' | 'live'>): SkipReason | null {
  if (!link.enabled) return 'link_disabled';
  if (!client || !client.enabled) return 'client_disabled';
  if (!isOpen(link.hours, client.timeZone, now)) return 'closed';
  if (!isOpen(client.hours, client.timeZone, now)) return 'client_closed';
  if (link.concurrencyCap !== null && live.active('link', link.id) >= link.concurrencyCap) return 'concurrency';
  if (client.concurrencyCap !== null && live.active('client', client.id) >= client.concurrencyCap) return 'client_concurrency';
  const linkCap = fullCap(link.caps, client.timeZone, now, (kind, key) => live.count('link', link.id, kind, key));
  if (linkCap) return `cap_${linkCap}`;
  const clientCap = fullCap(client.caps, client.timeZone, now, (kind, key) => live.count('client', client.id, kind, key));
  if (clientCap) return `client_cap_${clientCap}`;
  return null;
}

const NOT_OFFERED = new Set<SkipReason>(['link_disabled', 'client_disabled', 'duplicate_other_client']);

/**
 * The routing decision for one ringing call, a pure function of its input (issue 15):
 * 1. no (enabled) campaign → reject `no_campaign`; a withheld number when the campaign blocks
 *    them → `anonymous_blocked`;
 * 2. the same caller within the campaign's duplicate window → `duplicate_blocked`, or (action
 *    `same_client`) only the links of the client they reached before;
 * 3. each link is skipped with a reason when it or its client is disabled, closed (hours in the
 *    client's zone), at its concurrency cap, or at a volume cap of the current hour/day/month or
 *    in total (periods in the client's zone);
 * 4. the rest are grouped by priority (lower first) and each group ordered by the strategy;
 *    the first `attempts` are the targets, each ringing `ringTimeoutSeconds`.
 * No target left → `closed` when hours shut every offered link, else `all_capped` (`no_links`
 * when the campaign offers none at all).
 */
export function decide(input: DecideInput): Decision {
  const { campaign, now } = input;
  if (!campaign || !campaign.enabled) return { action: 'reject', campaignId: campaign?.id ?? null, reason: 'no_campaign', skipped: [] };
  const anonymous = isAnonymousCaller(input.caller);
  if (anonymous && campaign.blockAnonymous) return { action: 'reject', campaignId: campaign.id, reason: 'anonymous_blocked', skipped: [] };
  const prev = input.previous;
  const repeat = !anonymous && !!prev && campaign.duplicateWindowHours > 0 && now.getTime() - prev.at.getTime() < campaign.duplicateWindowHours * 3_600_000;
  if (repeat && campaign.duplicateAction === 'reject') return { action: 'reject', campaignId: campaign.id, reason: 'duplicate_blocked', skipped: [] };
  const onlyClient = repeat && prev.clientId ? prev.clientId : null;

  const skipped: Skipped[] = [];
  const open: Link[] = [];
  for (const link of [...input.links].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const reason = onlyClient && link.clientId !== onlyClient ? 'duplicate_other_client' : linkSkipReason(link, input.clients.get(link.clientId), input);
    if (reason) skipped.push({ linkId: link.id, reason });
    else open.push(link);
  }

  const order = ORDERS[campaign.strategy];
  const priorities = [...new Set(open.map((l) => l.priority))].sort((a, b) => a - b);
  const ordered = priorities.flatMap((p) => order(open.filter((l) => l.priority === p), { cursor: input.cursor, random: input.random }));
  const targets: Target[] = ordered.slice(0, Math.max(1, campaign.attempts)).map((l) => ({ linkId: l.id, clientId: l.clientId, ringTimeout: campaign.ringTimeoutSeconds }));
  for (const l of ordered.slice(targets.length)) skipped.push({ linkId: l.id, reason: 'attempts_exhausted' });
  if (targets.length) return { action: 'route', campaignId: campaign.id, targets, skipped };

  const offered = skipped.filter((s) => !NOT_OFFERED.has(s.reason));
  if (!offered.length) return { action: 'reject', campaignId: campaign.id, reason: onlyClient ? 'duplicate_blocked' : 'no_links', skipped };
  const allClosed = offered.every((s) => s.reason === 'closed' || s.reason === 'client_closed');
  return { action: 'reject', campaignId: campaign.id, reason: allClosed ? 'closed' : 'all_capped', skipped };
}
