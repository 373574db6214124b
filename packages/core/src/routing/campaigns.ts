import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { notFound } from '../base/errors.js';
import type { HookBus } from '../hooks/bus.js';
import { RoutingCampaignEntity, RoutingDidEntity, RoutingLinkEntity, type RoutingCampaignRow } from './entities.js';
import type { Campaign } from './model.js';
import { assertOwned, ownerFor, sellerScope } from './ownership.js';
import type { CampaignCreate, CampaignDto, CampaignUpdate } from './types.js';

/** A stored campaign as the API shows it. */
export const campaignDto = (r: RoutingCampaignRow): CampaignDto => ({
  id: r.id,
  ownerId: r.ownerId,
  name: r.name,
  enabled: r.enabled,
  strategy: r.strategy,
  ringTimeoutSeconds: r.ringTimeoutSeconds,
  attempts: r.attempts,
  duplicateWindowHours: r.duplicateWindowHours,
  duplicateAction: r.duplicateAction,
  blockAnonymous: r.blockAnonymous,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** A stored campaign as the decision reads it. */
export const campaignModel = (r: RoutingCampaignRow): Campaign => {
  const { createdAt: _c, updatedAt: _u, ...rest } = campaignDto(r);
  return rest;
};

/** A campaign the current scope may see (404 otherwise, also for another seller's). */
export async function ownedCampaign(em: EntityManager, id: string): Promise<RoutingCampaignRow> {
  const row = await em.findOne(RoutingCampaignEntity, { id });
  if (!row) throw notFound('campaign', id);
  assertOwned(row.ownerId, 'campaign', id);
  return row;
}

/** Sellers' campaigns: a seller sees and edits their own; admin and staff every seller's. */
export class CampaignService {
  constructor(
    private readonly orm: MikroORM,
    /** Where `routing.changed` goes after each commit (the engines' caches follow it). */
    private readonly hooks: HookBus,
  ) {}

  async list(): Promise<CampaignDto[]> {
    const seller = sellerScope();
    const rows = await this.orm.em.fork().find(RoutingCampaignEntity, seller ? { ownerId: seller } : {}, { orderBy: { name: 'asc', id: 'asc' } });
    return rows.map(campaignDto);
  }

  async get(id: string): Promise<CampaignDto> {
    return campaignDto(await ownedCampaign(this.orm.em.fork(), id));
  }

  async create(input: CampaignCreate): Promise<CampaignDto> {
    const em = this.orm.em.fork();
    const { ownerId, ...fields } = input;
    const now = new Date();
    const row = em.create(RoutingCampaignEntity, { id: randomUUID(), ownerId: await ownerFor(em, ownerId), ...fields, cursor: 0, createdAt: now, updatedAt: now });
    await em.flush();
    await this.changed(row.id);
    return campaignDto(row);
  }

  async update(id: string, input: CampaignUpdate): Promise<CampaignDto> {
    const em = this.orm.em.fork();
    const row = await ownedCampaign(em, id);
    for (const [k, v] of Object.entries(input)) if (v !== undefined) (row as Record<string, unknown>)[k] = v;
    row.updatedAt = new Date();
    await em.flush();
    await this.changed(id);
    return campaignDto(row);
  }

  /** Delete a campaign with its links; its DIDs stay, in no campaign. */
  async remove(id: string): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      const row = await ownedCampaign(em, id);
      await em.nativeDelete(RoutingLinkEntity, { campaignId: id });
      await em.nativeUpdate(RoutingDidEntity, { campaignId: id }, { campaignId: null });
      em.remove(row);
    });
    await this.changed(id);
  }

  private async changed(id: string): Promise<void> {
    await this.hooks.emit('routing.changed', { kind: 'campaign', id });
  }
}
