import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { clientModel } from './clients.js';
import { ownedCampaign } from './campaigns.js';
import { counters } from './counters.js';
import { RoutingClientEntity, RoutingLinkEntity } from './entities.js';
import { linkModel } from './links.js';
import { PERIODS, type CountBy, type Period } from './model.js';
import { periodKeys } from './periods.js';

/** A period's count against its cap (null: none). */
export interface PeriodCount {
  count: number;
  cap: number | null;
}

/** A link's live counters as the admin app shows them. */
export interface LinkCounters {
  linkId: string;
  clientId: string;
  clientName: string;
  /** Live calls (unexpired slots) on the link now, and its concurrency cap. */
  active: number;
  concurrencyCap: number | null;
  /** What the link's volume caps count; the periods below count that kind. */
  countBy: CountBy;
  periods: Record<Period, PeriodCount>;
}

/**
 * The live counters of a campaign's links (`GET /routing/campaigns/{id}/counters`): live calls
 * now and this hour's, day's, month's and total counts of the kind each link's caps count, in
 * the client's time zone — the numbers the decision checks caps against (a cap on connected or
 * converted calls also counts the live calls that may still count). Reads only.
 */
export class LiveCounterReader {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: () => Date,
  ) {}

  async forCampaign(campaignId: string): Promise<{ at: string; items: LinkCounters[] }> {
    const em = this.orm.em.fork() as SqlEntityManager;
    await ownedCampaign(em, campaignId);
    const now = this.clock();
    const links = (await em.find(RoutingLinkEntity, { campaignId }, { orderBy: { priority: 'asc', id: 'asc' } })).map(linkModel);
    const clients = new Map((await em.find(RoutingClientEntity, { id: { $in: [...new Set(links.map((l) => l.clientId))] } })).map((c) => [c.id, clientModel(c)]));
    const counted = links.flatMap((l) => {
      const c = clients.get(l.clientId);
      return c ? [{ linkId: l.id, clientId: c.id, timeZone: c.timeZone }] : [];
    });
    const live = await counters.snapshot(em, counted, now);
    const items = links.map((l) => {
      const client = clients.get(l.clientId);
      const keys = periodKeys(now, client?.timeZone ?? 'UTC');
      const periods = Object.fromEntries(PERIODS.map((p) => [p, { count: live.count('link', l.id, l.caps.countBy, keys[p]), cap: l.caps[p] }])) as Record<Period, PeriodCount>;
      return { linkId: l.id, clientId: l.clientId, clientName: client?.name ?? '', active: live.active('link', l.id), concurrencyCap: l.concurrencyCap, countBy: l.caps.countBy, periods };
    });
    return { at: now.toISOString(), items };
  }
}
