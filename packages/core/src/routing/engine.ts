import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { systemActor } from '../base/actor.js';
import { DialbookError, notFound } from '../base/errors.js';
import { normaliseNumber } from '../base/phone.js';
import { dialectOf } from '../db/orm.js';
import type { HookBus } from '../hooks/bus.js';
import { counters, type CountedLink } from './counters.js';
import { attemptedCall, campaignOfDid, linkOfCall, linksOfDid } from './engine-reads.js';
import { decide, linkSkipReason } from './decide.js';
import { DecisionCache, type DidSetup } from './decision-cache.js';
import { RoutingCallEntity, RoutingCampaignEntity, RoutingClientEntity, RoutingDidEntity, RoutingLinkEntity } from './entities.js';
import type { RouteCall } from './events.js';
import './events.js';
import { linkModel } from './links.js';
import { assertOwned } from './ownership.js';
import { explainDecision, type DecisionPreview } from './preview.js';
import { campaignModel } from './campaigns.js';
import { clientModel } from './clients.js';
import { isAnonymousCaller, type Decision, type Link, type RoutingClient } from './model.js';

/** How long a slot is held without news from the engine: `answered` and `renew` extend it by this much. */
export const DEFAULT_LEASE_SECONDS = 300;

/** How a call ended, as the engine reports it. */
export type EndedStatus = 'completed' | 'no_answer' | 'busy' | 'failed' | 'canceled';

/** The slot a call holds after `attempt`. */
export interface SlotDto {
  callId: string;
  linkId: string;
  clientId: string;
  leaseExpiresAt: string;
}

export interface RoutingEngineOptions {
  orm: MikroORM;
  hooks: HookBus;
  defaultCountry: string | null;
  leaseSeconds?: number;
  /** The time (tests drive it; default the system clock). */
  clock?: () => Date;
  /** Random numbers in [0, 1) for the weighted strategy (default `Math.random`). */
  random?: () => number;
}

/**
 * The engine side of routing (issue 15): decisions for ringing calls and the call lifecycle that
 * keeps the counters — `attempt` takes a concurrency slot atomically and counts the call as
 * routed, `answered` renews the lease and counts it as connected, `ended` gives the slot back
 * and counts it as converted when it talked long enough. Every count is once per call id and link.
 */
export class RoutingEngine {
  private readonly orm: MikroORM;
  private readonly hooks: HookBus;
  private readonly defaultCountry: string | null;
  /** How long a slot is held without news, in ms (tests and the load bench shorten it, as they drive `clock`). */
  leaseMs: number;
  /** The time every decision and lease is computed with; tests replace it to drive time. */
  clock: () => Date;
  private readonly random: () => number;
  private readonly postgres: boolean;
  /** DID → campaign, links, clients; emptied by `routing.changed` (from any instance) and `cluster.resync`. */
  readonly cache = new DecisionCache();

  constructor(options: RoutingEngineOptions) {
    this.orm = options.orm;
    this.hooks = options.hooks;
    this.defaultCountry = options.defaultCountry;
    this.leaseMs = (options.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
    this.clock = options.clock ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.postgres = dialectOf(options.orm) === 'postgresql';
    this.hooks.on('routing.changed', () => this.cache.clear(), { owner: 'core' });
    this.hooks.on('cluster.resync', () => this.cache.clear(), { owner: 'core' });
  }

  /** The decision for a ringing call on `did` from `caller`; recorded under `callId` for its lifecycle and the duplicate window. */
  async decide(input: { did: string; caller: string | null; callId: string }): Promise<Decision> {
    const now = this.clock();
    const em = this.orm.em.fork() as SqlEntityManager;
    const did = this.e164(input.did) ?? input.did.trim();
    const anonymous = isAnonymousCaller(input.caller);
    const call: RouteCall = { callId: input.callId, did, caller: anonymous ? null : (this.e164(input.caller!) ?? input.caller!.trim()) };
    // What changes rarely from the instance's cache; the live state below, side by side (no transaction here: each takes its own connection).
    const { campaign, links, clients } = await this.cache.get(did, () => this.setupOf(em, did));
    let decision: Decision;
    if (!campaign || !campaign.enabled) {
      decision = { action: 'reject', campaignId: campaign?.id ?? null, reason: 'no_campaign', skipped: [] };
    } else {
      const [live, previous, cursor] = await Promise.all([
        counters.snapshot(em, this.counted(links, clients), now),
        call.caller && campaign.duplicateWindowHours > 0 ? this.previous(em, campaign.id, call.caller, input.callId) : null,
        campaign.strategy === 'round_robin' ? this.nextCursor(em, campaign.id) : 0,
        // The first decision for a call id stays its record (a retried decide changes nothing); `previous` skips this call.
        em.upsert(RoutingCallEntity, { callId: input.callId, campaignId: campaign.id, did, caller: call.caller, decidedAt: now }, { onConflictFields: ['callId'], onConflictAction: 'ignore' }),
      ]);
      decision = decide({ now, caller: call.caller, campaign, links, clients, live, previous, cursor, random: this.random });
      if (decision.action === 'route') decision = await this.filtered(call, decision);
    }
    await this.hooks.emit('route.decided', { call, decision });
    return decision;
  }

  /**
   * Reserve a slot for the call on its campaign's link to `clientId`, and count it as routed.
   * Under the client's row lock (`counters.lockForSlot`, which serialises every slot of the
   * client and so of its links, across instances) the counters are read as they are and the
   * link's rule applied to them: at a cap, closed or disabled is 409 `DIALBOOK_ROUTING_CAPPED`
   * with the reason, and nothing changes. The same attempt again renews. Expired slots are
   * cleared before the lock, and on PostgreSQL the writes are one statement, so the lock is held
   * for three round trips (two reads, one write) and the commit.
   */
  async attempt(callId: string, clientId: string): Promise<SlotDto> {
    return this.orm.em.fork().transactional(async (tx) => {
      const em = tx as SqlEntityManager;
      const now = this.clock();
      const { link, client } = await this.linkOf(em, callId, clientId);
      const counted: CountedLink = { linkId: link.id, clientId: client.id, timeZone: client.timeZone };
      await counters.dropExpired(em, client.id, now);
      await counters.lockForSlot(em, client.id);
      const leaseUntil = now.getTime() + this.leaseMs;
      const { live, held } = await counters.forAttempt(em, counted, now, callId);
      if (!held) {
        const reason = linkSkipReason(link, client, { now, live });
        if (reason) throw new DialbookError('DIALBOOK_ROUTING_CAPPED', `the link to client ${clientId} cannot take the call now (${reason})`, { status: 409, details: { reason } });
      }
      await counters.take(em, callId, counted, leaseUntil, now, this.postgres);
      return { callId, linkId: link.id, clientId: client.id, leaseExpiresAt: new Date(leaseUntil).toISOString() };
    });
  }

  /** The call was answered: its slot is renewed and marked, and it counts as connected (once). */
  async answered(callId: string): Promise<{ leaseExpiresAt: string | null }> {
    return this.orm.em.fork().transactional(async (tx) => {
      const em = tx as SqlEntityManager;
      const now = this.clock();
      const { answered, counted } = await this.current(em, callId);
      const leaseUntil = now.getTime() + this.leaseMs;
      const renewed = await counters.renew(em, callId, leaseUntil, true, now);
      if (!answered) await em.nativeUpdate(RoutingCallEntity, { callId }, { answeredAt: now });
      // Last: the counter rows are shared with every attempt on the link, so their row locks are held only until the commit.
      await counters.count(em, callId, counted, 'connected', now);
      return { leaseExpiresAt: renewed ? new Date(leaseUntil).toISOString() : null };
    });
  }

  /** Renew the call's slot while it is up; 409 `DIALBOOK_ROUTING_LEASE_LOST` when it has none left (the lease ran out). */
  async renew(callId: string): Promise<{ leaseExpiresAt: string }> {
    const em = this.orm.em.fork() as SqlEntityManager;
    const now = this.clock();
    await this.current(em, callId);
    const leaseUntil = now.getTime() + this.leaseMs;
    if (!(await counters.renew(em, callId, leaseUntil, false, now))) {
      throw new DialbookError('DIALBOOK_ROUTING_LEASE_LOST', `call ${callId} holds no slot (it ended, or its lease ran out)`, { status: 409 });
    }
    return { leaseExpiresAt: new Date(leaseUntil).toISOString() };
  }

  /**
   * The call ended: its slot is given back; with talk time it counts as connected (if `answered`
   * was missed) and, from the link's minimum talk seconds, as converted — once, however often
   * `ended` is reported.
   */
  async ended(callId: string, status: EndedStatus, talkSeconds: number): Promise<{ converted: boolean }> {
    const out = await this.orm.em.fork().transactional(async (tx) => {
      const em = tx as SqlEntityManager;
      const now = this.clock();
      const { minTalkSeconds, counted } = await this.current(em, callId);
      await counters.release(em, callId);
      await em.nativeUpdate(RoutingCallEntity, { callId, endedAt: null }, { endedAt: now, status, talkSeconds });
      // Last (see `answered`): the shared counter rows stay locked only until the commit.
      if (talkSeconds > 0) await counters.count(em, callId, counted, 'connected', now);
      const converted = talkSeconds > 0 && talkSeconds >= minTalkSeconds;
      if (converted) await counters.count(em, callId, counted, 'converted', now);
      return { converted };
    });
    await this.hooks.emit('route.call.ended', { callId, status, talkSeconds, converted: out.converted });
    return out;
  }

  /** The DID's campaign, links and clients from the database (what {@link DecisionCache} keeps). */
  private async setupOf(em: SqlEntityManager, did: string): Promise<DidSetup> {
    const [campaign, { links, clients }] = await Promise.all([campaignOfDid(em, did), linksOfDid(em, did)]);
    return { campaign, links, clients };
  }

  private e164(raw: string): string | null {
    return normaliseNumber(raw, this.defaultCountry).e164;
  }

  private counted(links: readonly Link[], clients: ReadonlyMap<string, RoutingClient>): CountedLink[] {
    return links.flatMap((l) => {
      const c = clients.get(l.clientId);
      return c ? [{ linkId: l.id, clientId: c.id, timeZone: c.timeZone }] : [];
    });
  }

  /** The same caller's latest other call in the campaign that reached a client (a rejected or unplaced call makes no duplicate). */
  private async previous(em: SqlEntityManager, campaignId: string, caller: string, callId: string): Promise<{ clientId: string | null; at: Date } | null> {
    const row = await em.findOne(RoutingCallEntity, { campaignId, caller, callId: { $ne: callId }, clientId: { $ne: null } }, { orderBy: { decidedAt: 'desc' }, fields: ['clientId', 'decidedAt'] });
    return row ? { clientId: row.clientId ?? null, at: row.decidedAt } : null;
  }

  /** The campaign's round-robin position before this call (moved on by one, atomically). */
  private async nextCursor(em: SqlEntityManager, campaignId: string): Promise<number> {
    const [row] = await em.execute<{ cursor: number | string }[]>('update routing_campaign set "cursor" = "cursor" + 1 where id = ? returning "cursor"', [campaignId]);
    return Number(row?.cursor ?? 1) - 1;
  }

  /** The `route.candidates` filter's say: only targets the decision had, in the order it leaves them. */
  private async filtered(call: RouteCall, decision: Extract<Decision, { action: 'route' }>): Promise<Decision> {
    const out = await this.hooks.apply('route.candidates', { call, campaignId: decision.campaignId, targets: decision.targets }, { actor: systemActor });
    const known = new Map(decision.targets.map((t) => [t.linkId, t]));
    const seen = new Set<string>();
    const targets = out.targets.flatMap((t) => {
      const ours = known.get(t.linkId);
      if (!ours || seen.has(t.linkId)) return [];
      seen.add(t.linkId);
      return [ours];
    });
    if (targets.length) return { ...decision, targets };
    return { action: 'reject', campaignId: decision.campaignId, reason: out.reason ?? 'filtered', skipped: decision.skipped };
  }

  /** The call's campaign link to `clientId`, with its client. */
  private async linkOf(em: SqlEntityManager, callId: string, clientId: string): Promise<{ link: Link; client: RoutingClient }> {
    const found = await linkOfCall(em, callId, clientId);
    if (!found) throw notFound('routed call', callId);
    if (!found.link) throw new DialbookError('DIALBOOK_ROUTING_CLIENT_NOT_LINKED', `client ${clientId} is not linked to the call's campaign`, { status: 422, field: 'clientId' });
    return found;
  }

  /** The call and the link it was last attempted on (409 `DIALBOOK_ROUTING_NOT_ATTEMPTED` before any attempt). */
  private async current(em: SqlEntityManager, callId: string) {
    const found = await attemptedCall(em, callId);
    if (!found) throw notFound('routed call', callId);
    if (!found.counted) throw new DialbookError('DIALBOOK_ROUTING_NOT_ATTEMPTED', `call ${callId} has not been attempted on a client (POST …/attempt first)`, { status: 409 });
    return { answered: found.answered, minTalkSeconds: found.minTalkSeconds, counted: found.counted as CountedLink };
  }

  /**
   * The decision `decide` would give a call on `did` from `caller` now, for people testing a
   * campaign ("test a decision"): the same loaders, rule and `route.candidates` filter (its call id
   * is `preview`), but nothing is counted or written — no call record, no round-robin step, no
   * `route.decided`. A DID that is not there, or another seller's, is 404.
   */
  async preview(input: { did: string; caller: string | null }): Promise<DecisionPreview> {
    const now = this.clock();
    const em = this.orm.em.fork() as SqlEntityManager;
    const did = this.e164(input.did) ?? input.did.trim();
    const caller = isAnonymousCaller(input.caller) ? null : (this.e164(input.caller!) ?? input.caller!.trim());
    const didRow = await em.findOne(RoutingDidEntity, { number: did });
    if (!didRow) throw notFound('DID', did);
    assertOwned(didRow.ownerId, 'DID', did);
    const campaignRow = didRow.campaignId ? await em.findOne(RoutingCampaignEntity, { id: didRow.campaignId }) : null;
    const campaign = campaignRow ? campaignModel(campaignRow) : null;
    if (!campaign || !campaign.enabled) {
      return explainDecision({ did, caller, now, campaign, links: [], clients: new Map(), decision: { action: 'reject', campaignId: campaign?.id ?? null, reason: 'no_campaign', skipped: [] } });
    }
    const links = (await em.find(RoutingLinkEntity, { campaignId: campaign.id })).map(linkModel);
    const clients = new Map((await em.find(RoutingClientEntity, { id: { $in: [...new Set(links.map((l) => l.clientId))] } })).map((c) => [c.id, clientModel(c)]));
    const live = await counters.snapshot(em, this.counted(links, clients), now);
    const previous = caller && campaign.duplicateWindowHours > 0 ? await this.previous(em, campaign.id, caller, '') : null;
    let decision = decide({ now, caller, campaign, links, clients, live, previous, cursor: Number(campaignRow!.cursor), random: this.random });
    if (decision.action === 'route') decision = await this.filtered({ callId: 'preview', did, caller }, decision);
    return explainDecision({ did, caller, now, campaign, links, clients, decision });
  }
}
