import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import { DialbookError } from '../base/errors.js';
import { normaliseNumber } from '../base/phone.js';
import type { CallService } from '../calls/service.js';
import type { CallSource } from '../calls/contracts.js';
import type { CallStatus } from '../calls/types.js';
import { SiteEntity } from '../sites/entities.js';
import type { SiteService } from '../sites/service.js';
import { counters, type CountedLink } from './counters.js';
import type { EndedStatus } from './engine.js';
import { RoutingCallEntity, RoutingCampaignEntity, RoutingClientEntity, RoutingDidEntity, RoutingLinkEntity, type RoutedOutcome } from './entities.js';
import type { LogCall } from './log-call-schema.js';

/** The call source of routed calls in the call log (built in, like `manual` and `phone_import`). */
export const ROUTING_SOURCE: CallSource = { id: 'routing', label: 'Routed calls' };
/** The site routed calls are logged in (created on the first one): no seller is a member, so sellers read their calls through the routing reports only. */
export const ROUTING_SITE_SLUG = 'routing';

/** How a routed call ended, from its status, talk time and conversion. */
export function outcomeOf(status: EndedStatus, talkSeconds: number, answered: boolean, converted: boolean): RoutedOutcome {
  if (converted) return 'converted';
  if (talkSeconds > 0 || answered) return 'connected';
  return status === 'completed' ? 'no_answer' : status;
}

const CALL_STATUS: Record<RoutedOutcome, CallStatus> = { converted: 'answered', connected: 'answered', no_answer: 'missed', busy: 'busy', failed: 'failed', canceled: 'canceled' };

/** What `POST /api/internal/log_call` answers. */
export interface LoggedCall {
  callId: string;
  callRecordId: string;
  outcome: RoutedOutcome;
  converted: boolean;
  /** False when the call was logged before (nothing changed, nothing counted again). */
  created: boolean;
}

export interface RoutingCallLogDeps {
  orm: MikroORM;
  calls: CallService;
  sites: SiteService;
  defaultCountry: string | null;
  logger: Logger;
}

/**
 * The routing → call log link (issue 15 item 8): every routed call that ended becomes a call
 * record of source `routing` (idempotent by call id), with the seller as its user and the routing
 * facts (campaign, DID, client, outcome, talk time, converted) under `rawPayload.routing`; the
 * same facts stay typed on `routing_call` for the seller reports.
 */
export class RoutingCallLog {
  constructor(private readonly d: RoutingCallLogDeps) {}

  /** Log the routed call `callId` once it ended (the `route.call.ended` listener); null while it has not. */
  async record(callId: string, converted?: boolean): Promise<{ callRecordId: string; outcome: RoutedOutcome; converted: boolean } | null> {
    const em = this.d.orm.em.fork() as SqlEntityManager;
    const row = await em.findOne(RoutingCallEntity, { callId });
    if (!row?.endedAt || !row.status) return null;
    const campaign = await em.findOne(RoutingCampaignEntity, { id: row.campaignId }, { fields: ['ownerId', 'name'] });
    const link = row.linkId ? await em.findOne(RoutingLinkEntity, { id: row.linkId }, { fields: ['minTalkSeconds'] }) : null;
    const client = row.clientId ? await em.findOne(RoutingClientEntity, { id: row.clientId }, { fields: ['name'] }) : null;
    const did = await em.findOne(RoutingDidEntity, { number: row.did }, { fields: ['id'] });
    const talk = row.talkSeconds ?? 0;
    const isConverted = converted ?? row.converted ?? (!!link && talk > 0 && talk >= link.minTalkSeconds);
    const outcome = outcomeOf(row.status as EndedStatus, talk, !!row.answeredAt, isConverted);
    const routing = {
      sellerId: campaign?.ownerId ?? null, campaignId: row.campaignId, campaignName: campaign?.name ?? null, didId: did?.id ?? row.didId ?? null, did: row.did,
      clientId: row.clientId ?? null, clientName: client?.name ?? null, linkId: row.linkId ?? null, status: row.status, outcome, talkSeconds: talk, converted: isConverted,
    };
    const { call } = await this.d.calls.upsert(await this.siteId(), ROUTING_SOURCE.id, {
      externalId: callId,
      direction: 'inbound',
      status: CALL_STATUS[outcome],
      startedAt: row.decidedAt,
      // The engine's talk time is the call's: answered that long before it ended.
      answeredAt: talk > 0 ? new Date(row.endedAt.getTime() - talk * 1000) : (row.answeredAt ?? null),
      endedAt: row.endedAt,
      durationSeconds: talk,
      local: { number: row.did },
      remote: { number: row.caller ?? null },
      userId: campaign?.ownerId ?? null,
      rawPayload: { routing },
    });
    await em.nativeUpdate(RoutingCallEntity, { callId }, { didId: routing.didId, outcome, converted: isConverted, callRecordId: call.id });
    return { callRecordId: call.id, outcome, converted: isConverted };
  }

  /**
   * `POST /api/internal/log_call`: an engine's CDR of a routed call. The call is recorded (its
   * decision's row, or a new one for the DID's campaign), its slot given back, and its link's and
   * client's totals counted — routed, connected with talk time, converted from the link's minimum —
   * once per call id: the same CDR again changes nothing.
   */
  async logCall(input: LogCall): Promise<LoggedCall> {
    const did = normaliseNumber(input.did, this.d.defaultCountry).e164 ?? input.did.trim();
    const caller = input.caller && !/^(anonymous|restricted|unknown|private)$/i.test(input.caller) ? (normaliseNumber(input.caller, this.d.defaultCountry).e164 ?? input.caller) : null;
    const startedAt = new Date(input.startedAt);
    const endedAt = new Date(input.endedAt);
    if (endedAt < startedAt) throw new DialbookError('DIALBOOK_VALIDATION', 'endedAt: must not be before startedAt', { status: 422, field: 'endedAt' });
    const answeredAt = input.answeredAt ? new Date(input.answeredAt) : input.talkSeconds > 0 ? new Date(endedAt.getTime() - input.talkSeconds * 1000) : null;
    const result = await this.once(input.callId, () => this.d.orm.em.fork().transactional(async (tx) => {
      const em = tx as SqlEntityManager;
      const existing = await em.findOne(RoutingCallEntity, { callId: input.callId });
      if (existing?.endedAt) return { created: false, converted: existing.converted ?? undefined };
      const campaignId = existing?.campaignId ?? (await em.findOne(RoutingDidEntity, { number: did }, { fields: ['campaignId'] }))?.campaignId;
      if (!campaignId) throw new DialbookError('DIALBOOK_ROUTING_DID_UNKNOWN', `no campaign routes ${did}: add the DID to a campaign first`, { status: 422, field: 'did' });
      const clientId = input.clientId ?? existing?.clientId ?? null;
      const link = clientId ? await em.findOne(RoutingLinkEntity, { campaignId, clientId }) : null;
      if (clientId && !link) throw new DialbookError('DIALBOOK_ROUTING_CLIENT_NOT_LINKED', `client ${clientId} is not linked to the campaign of ${did}`, { status: 422, field: 'clientId' });
      const client = link ? await em.findOne(RoutingClientEntity, { id: link.clientId }, { fields: ['timeZone'] }) : null;
      const converted = !!link && input.talkSeconds > 0 && input.talkSeconds >= link.minTalkSeconds;
      const fields = { clientId, linkId: link?.id ?? null, answeredAt, endedAt, status: input.status, talkSeconds: input.talkSeconds, converted };
      if (existing) await em.nativeUpdate(RoutingCallEntity, { callId: input.callId }, fields);
      else await em.insert(RoutingCallEntity, { callId: input.callId, campaignId, did, caller, decidedAt: startedAt, ...fields });
      await counters.release(em, input.callId);
      if (link && client) {
        const counted: CountedLink = { linkId: link.id, clientId: link.clientId, timeZone: client.timeZone };
        await counters.count(em, input.callId, counted, 'routed', startedAt);
        if (input.talkSeconds > 0) await counters.count(em, input.callId, counted, 'connected', answeredAt ?? startedAt);
        if (converted) await counters.count(em, input.callId, counted, 'converted', endedAt);
      }
      return { created: true, converted };
    }));
    const logged = await this.record(input.callId, result.converted);
    if (!logged) throw new Error(`routed call ${input.callId} was not logged`); // cannot happen: it has ended
    return { callId: input.callId, ...logged, created: result.created };
  }

  /** Run `write`; when the same CDR arrived at once elsewhere and inserted the call first, run it again (it then finds the call logged). */
  private async once<T>(callId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      this.d.logger.debug({ callId }, 'the same call was logged concurrently; reading it again');
      return write();
    }
  }

  /** The id of the site routed calls are logged in, created the first time. */
  private async siteId(): Promise<string> {
    const find = () => this.d.orm.em.fork().findOne(SiteEntity, { slug: ROUTING_SITE_SLUG }, { fields: ['id'] });
    const found = await find();
    if (found) return found.id;
    try {
      const site = await this.d.sites.create({ name: 'Routed calls', slug: ROUTING_SITE_SLUG, defaultCountry: this.d.defaultCountry });
      this.d.logger.info({ site: site.slug }, 'created the site "routing" that routed calls are logged in');
      return site.id;
    } catch (err) {
      const raced = await find(); // another call (or instance) created it meanwhile
      if (raced) return raced.id;
      throw err;
    }
  }
}
