import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/core';
import { conflict, DialbookError, isDialbookError, notFound } from '../base/errors.js';
import type { HookBus } from '../hooks/bus.js';
import { ownedCampaign } from './campaigns.js';
import { RoutingClientEntity, RoutingLinkEntity, type RoutingLinkRow } from './entities.js';
import type { Link } from './model.js';
import type { LinkCreate, LinkDto, LinkUpdate } from './types.js';

/** A stored link as the decision reads it. */
export const linkModel = (r: RoutingLinkRow): Link => ({
  id: r.id, campaignId: r.campaignId, clientId: r.clientId, priority: r.priority, weight: r.weight,
  concurrencyCap: r.concurrencyCap ?? null, caps: r.caps, hours: r.hours ?? null, minTalkSeconds: r.minTalkSeconds, enabled: r.enabled,
});

/** A 404 turned into `other` (a field's 422, the link's own 404); any other error as it is. */
const asUnknown = (other: () => Error) => (err: unknown): never => {
  throw isDialbookError(err) && err.status === 404 ? other() : err;
};

const dto = (r: RoutingLinkRow, clientName: string): LinkDto => ({ ...linkModel(r), clientName, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() });

/**
 * Links between a campaign and a client, with priority, weight, caps and hours. Admin and staff
 * assign clients to campaigns; a seller reads the links of their own campaigns (the client by name
 * only, never its SIP data).
 */
export class LinkService {
  constructor(
    private readonly orm: MikroORM,
    /** Where `routing.changed` goes after each commit (the engines' caches follow it). */
    private readonly hooks: HookBus,
  ) {}

  async forCampaign(campaignId: string): Promise<LinkDto[]> {
    const em = this.orm.em.fork();
    await ownedCampaign(em, campaignId);
    const rows = await em.find(RoutingLinkEntity, { campaignId }, { orderBy: { priority: 'asc', id: 'asc' } });
    return this.dtos(em, rows);
  }

  async get(id: string): Promise<LinkDto> {
    const em = this.orm.em.fork();
    const [d] = await this.dtos(em, [await this.row(em, id)]);
    return d!;
  }

  async create(input: LinkCreate): Promise<LinkDto> {
    const em = this.orm.em.fork();
    await ownedCampaign(em, input.campaignId).catch(
      asUnknown(() => new DialbookError('DIALBOOK_ROUTING_CAMPAIGN_UNKNOWN', `campaign ${input.campaignId} does not exist`, { status: 422, field: 'campaignId' })),
    );
    if (!(await em.count(RoutingClientEntity, { id: input.clientId }))) throw new DialbookError('DIALBOOK_ROUTING_CLIENT_UNKNOWN', `client ${input.clientId} does not exist`, { status: 422, field: 'clientId' });
    const now = new Date();
    const row = em.create(RoutingLinkEntity, { id: randomUUID(), ...input, createdAt: now, updatedAt: now });
    try {
      await em.flush();
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw conflict('DIALBOOK_ROUTING_LINK_EXISTS', 'the campaign is already linked to this client; edit that link', 'clientId');
      throw err;
    }
    await this.changed(row.id);
    return this.get(row.id);
  }

  async update(id: string, input: LinkUpdate): Promise<LinkDto> {
    const em = this.orm.em.fork();
    const row = await this.row(em, id);
    for (const [k, v] of Object.entries(input)) if (v !== undefined) (row as Record<string, unknown>)[k] = v;
    row.updatedAt = new Date();
    await em.flush();
    await this.changed(id);
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    const em = this.orm.em.fork();
    em.remove(await this.row(em, id));
    await em.flush();
    await this.changed(id);
  }

  private async changed(id: string): Promise<void> {
    await this.hooks.emit('routing.changed', { kind: 'link', id });
  }

  private async dtos(em: EntityManager, rows: RoutingLinkRow[]): Promise<LinkDto[]> {
    const clients = await em.find(RoutingClientEntity, { id: { $in: [...new Set(rows.map((r) => r.clientId))] } }, { fields: ['id', 'name'] });
    const names = new Map(clients.map((c) => [c.id, c.name]));
    return rows.map((r) => dto(r, names.get(r.clientId) ?? ''));
  }

  /** A link of a campaign the current scope may see (404 otherwise). */
  private async row(em: EntityManager, id: string): Promise<RoutingLinkRow> {
    const row = await em.findOne(RoutingLinkEntity, { id });
    if (!row) throw notFound('link', id);
    await ownedCampaign(em, row.campaignId).catch(asUnknown(() => notFound('link', id)));
    return row;
  }
}
