import type { Campaign, Caps, Decision, Link, RejectReason, RoutingClient, SkipReason } from './model.js';

/** One target of a previewed decision, in ringing order, with its client's name. */
export interface PreviewTarget {
  linkId: string;
  clientId: string;
  clientName: string;
  ringTimeout: number;
  priority: number;
  weight: number;
}

/** A link a previewed decision left out, with the reason as code and in words. */
export interface PreviewSkipped {
  linkId: string;
  clientId: string;
  clientName: string;
  reason: SkipReason;
  explanation: string;
}

/**
 * What `POST /routing/decisions/preview` answers: the decision the engine would give a call now,
 * for people ("test a decision"), explained — counted nothing, wrote nothing.
 */
export interface DecisionPreview {
  did: string;
  caller: string | null;
  at: string;
  campaign: { id: string; name: string; strategy: Campaign['strategy'] } | null;
  action: Decision['action'];
  reason: RejectReason | null;
  explanation: string;
  targets: PreviewTarget[];
  skipped: PreviewSkipped[];
}

const PERIOD_WORDS = { hour: 'hourly', day: 'daily', month: 'monthly', total: 'total' } as const;

type CapPeriod = keyof typeof PERIOD_WORDS;
const capWords = (owner: 'link' | 'client', caps: Caps | undefined, period: CapPeriod): string =>
  `Capped: the ${owner}'s ${PERIOD_WORDS[period]} cap${caps ? ` of ${caps[period] ?? '—'} ${caps.countBy} calls` : ''} is reached${period === 'total' ? '' : ` for this ${period}`}.`;

/** A skip reason in words a person can act on, with the numbers of the rule that applies. */
export function skipExplanation(reason: SkipReason, link: Link | undefined, client: RoutingClient | undefined): string {
  const zone = client?.timeZone ?? 'UTC';
  switch (reason) {
    case 'link_disabled': return 'The link is disabled.';
    case 'client_disabled': return 'The client is disabled.';
    case 'closed': return `Closed: outside the link's hours (${zone} time).`;
    case 'client_closed': return `Closed: outside the client's hours (${zone} time).`;
    case 'concurrency': return `Busy: the link's ${link?.concurrencyCap ?? '—'} concurrent calls are all up.`;
    case 'client_concurrency': return `Busy: the client's ${client?.concurrencyCap ?? '—'} concurrent calls are all up.`;
    case 'cap_hour': case 'cap_day': case 'cap_month': case 'cap_total':
      return capWords('link', link?.caps, reason.slice(4) as CapPeriod);
    case 'client_cap_hour': case 'client_cap_day': case 'client_cap_month': case 'client_cap_total':
      return capWords('client', client?.caps, reason.slice(11) as CapPeriod);
    case 'duplicate_other_client': return 'A repeat caller: they go to the client that took their earlier call.';
    case 'attempts_exhausted': return "Not tried: the campaign's attempts per call are used up by the targets before it.";
  }
}

const REJECT_WORDS: Record<RejectReason, string> = {
  no_campaign: 'Rejected: the DID is in no enabled campaign.',
  anonymous_blocked: 'Rejected: the caller withheld their number and the campaign blocks anonymous callers.',
  duplicate_blocked: 'Rejected: the same caller called within the duplicate window.',
  no_links: 'Rejected: the campaign offers no enabled client.',
  closed: 'Rejected: every client is closed now.',
  all_capped: 'Rejected: every open client is at a cap.',
  filtered: 'Rejected: a plugin (route.candidates) dropped every target.',
};

/** The engine's decision with names, ring order and every skip explained. */
export function explainDecision(input: {
  did: string;
  caller: string | null;
  now: Date;
  campaign: Campaign | null;
  links: readonly Link[];
  clients: ReadonlyMap<string, RoutingClient>;
  decision: Decision;
}): DecisionPreview {
  const { decision, campaign } = input;
  const links = new Map(input.links.map((l) => [l.id, l]));
  const name = (clientId: string) => input.clients.get(clientId)?.name ?? '';
  const targets = decision.action === 'route'
    ? decision.targets.map((t) => ({ ...t, clientName: name(t.clientId), priority: links.get(t.linkId)?.priority ?? 0, weight: links.get(t.linkId)?.weight ?? 0 }))
    : [];
  const skipped = decision.skipped.map((s) => {
    const link = links.get(s.linkId);
    const clientId = link?.clientId ?? '';
    return { linkId: s.linkId, clientId, clientName: name(clientId), reason: s.reason, explanation: skipExplanation(s.reason, link, input.clients.get(clientId)) };
  });
  const explanation = decision.action === 'route'
    ? `Routed: ${targets.length} target${targets.length === 1 ? '' : 's'} in order${campaign?.strategy === 'weighted' ? ' (weighted: the order is drawn by weight, another test may differ)' : ''}.`
    : REJECT_WORDS[decision.reason];
  return {
    did: input.did,
    caller: input.caller,
    at: input.now.toISOString(),
    campaign: campaign ? { id: campaign.id, name: campaign.name, strategy: campaign.strategy } : null,
    action: decision.action,
    reason: decision.action === 'reject' ? decision.reason : null,
    explanation,
    targets,
    skipped,
  };
}
