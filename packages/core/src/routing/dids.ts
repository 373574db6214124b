import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/core';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { DialbookError, isDialbookError, notFound } from '../base/errors.js';
import type { HookBus } from '../hooks/bus.js';
import { RoutingCampaignEntity, RoutingDidEntity, type RoutingDidRow } from './entities.js';
import { assertOwned, ownerFor, sellerScope } from './ownership.js';
import type { DidBulk, DidBulkResult, DidCreate, DidDto, DidUpdate } from './types.js';

/** A stored DID as the API shows it. */
export const didDto = (r: RoutingDidRow): DidDto => ({ id: r.id, number: r.number, ownerId: r.ownerId, campaignId: r.campaignId ?? null, label: r.label ?? null, createdAt: r.createdAt.toISOString() });

/**
 * A DID in E.164 (`+12125550100`), read as libphonenumber does: international as written, national
 * with `country`. Not a valid number: 422 `DIALBOOK_ROUTING_DID_INVALID` on `field`.
 */
export function normaliseDid(raw: string, country: string | null, field = 'number'): string {
  const parsed = parsePhoneNumberFromString(raw, country ? { defaultCountry: country as CountryCode } : undefined);
  if (!parsed || !parsed.isValid()) {
    throw new DialbookError('DIALBOOK_ROUTING_DID_INVALID', `"${raw}" is not a valid phone number${country ? ` (read with country ${country})` : '; write it with + and the country code, or give country'}`, { status: 422, field });
  }
  return parsed.number;
}

const taken = (number: string) => new DialbookError('DIALBOOK_ROUTING_DID_TAKEN', `${number} is already a DID`, { status: 409, field: 'number' });

/** DIDs: a seller's numbers, unique across the system, each in at most one of the owner's campaigns. */
export class DidService {
  constructor(
    private readonly orm: MikroORM,
    private readonly defaultCountry: string | null,
    /** Where `routing.changed` goes after each commit (the engines' caches follow it). */
    private readonly hooks: HookBus,
  ) {}

  async list(): Promise<DidDto[]> {
    const seller = sellerScope();
    const rows = await this.orm.em.fork().find(RoutingDidEntity, seller ? { ownerId: seller } : {}, { orderBy: { number: 'asc' } });
    return rows.map(didDto);
  }

  async get(id: string): Promise<DidDto> {
    return didDto(await this.row(this.orm.em.fork(), id));
  }

  async create(input: DidCreate): Promise<DidDto> {
    const em = this.orm.em.fork();
    const number = normaliseDid(input.number, input.country ?? this.defaultCountry);
    const ownerId = await ownerFor(em, input.ownerId);
    if (input.campaignId) await this.assertCampaign(em, input.campaignId, ownerId);
    const row = await this.insert(em, { number, ownerId, campaignId: input.campaignId, label: input.label });
    await this.changed(row.id);
    return didDto(row);
  }

  /** Add the numbers of a pasted list: each line's DID or its error; good lines are added even when others fail. */
  async bulk(input: DidBulk): Promise<DidBulkResult> {
    const em = this.orm.em.fork();
    const ownerId = await ownerFor(em, input.ownerId);
    if (input.campaignId) await this.assertCampaign(em, input.campaignId, ownerId);
    const country = input.country ?? this.defaultCountry;
    const lines: DidBulkResult['lines'] = [];
    const seen = new Set<string>();
    const entries = input.text.split(/\r?\n/).flatMap((text, i) => text.split(/[,;\t]/).map((part) => ({ line: i + 1, input: part.trim() }))).filter((e) => e.input);
    if (entries.length > 5000) throw new DialbookError('DIALBOOK_ROUTING_DID_BULK_TOO_LONG', `${entries.length} numbers in one list; add at most 5000 at a time`, { status: 422, field: 'text' });
    for (const e of entries) {
      try {
        const number = normaliseDid(e.input, country, 'text');
        if (seen.has(number)) throw new DialbookError('DIALBOOK_ROUTING_DID_DUPLICATE', `${number} is in the list twice`, { status: 422 });
        seen.add(number);
        lines.push({ ...e, did: didDto(await this.insert(em, { number, ownerId, campaignId: input.campaignId, label: null })) });
      } catch (err) {
        if (!isDialbookError(err)) throw err;
        lines.push({ ...e, error: { code: err.code, message: err.message } });
      }
    }
    const created = lines.filter((l) => l.did).length;
    if (created) await this.changed(null);
    return { created, lines };
  }

  async update(id: string, input: DidUpdate): Promise<DidDto> {
    const em = this.orm.em.fork();
    const row = await this.row(em, id);
    if (input.campaignId) await this.assertCampaign(em, input.campaignId, row.ownerId);
    if (input.campaignId !== undefined) row.campaignId = input.campaignId;
    if (input.label !== undefined) row.label = input.label;
    await em.flush();
    await this.changed(id);
    return didDto(row);
  }

  async remove(id: string): Promise<void> {
    const em = this.orm.em.fork();
    em.remove(await this.row(em, id));
    await em.flush();
    await this.changed(id);
  }

  /** After the commit: the engines drop their caches (`id` null: several DIDs, a list). */
  private async changed(id: string | null): Promise<void> {
    await this.hooks.emit('routing.changed', { kind: 'did', id });
  }

  private async insert(em: EntityManager, fields: { number: string; ownerId: string; campaignId: string | null; label: string | null }): Promise<RoutingDidRow> {
    if (await em.count(RoutingDidEntity, { number: fields.number })) throw taken(fields.number);
    const row = em.create(RoutingDidEntity, { id: randomUUID(), ...fields, createdAt: new Date() });
    try {
      await em.flush();
    } catch (err) {
      em.clear();
      if (err instanceof UniqueConstraintViolationException) throw taken(fields.number);
      throw err;
    }
    return row;
  }

  /** A DID goes only into a campaign of its own seller (anything else reads as unknown). */
  private async assertCampaign(em: EntityManager, campaignId: string, ownerId: string): Promise<void> {
    const c = await em.findOne(RoutingCampaignEntity, { id: campaignId }, { fields: ['ownerId'] });
    const seller = sellerScope();
    if (!c || c.ownerId !== ownerId || (seller && c.ownerId !== seller)) {
      throw new DialbookError('DIALBOOK_ROUTING_CAMPAIGN_UNKNOWN', `campaign ${campaignId} does not exist (a DID goes into a campaign of its own seller)`, { status: 422, field: 'campaignId' });
    }
  }

  private async row(em: EntityManager, id: string): Promise<RoutingDidRow> {
    const row = await em.findOne(RoutingDidEntity, { id });
    if (!row) throw notFound('DID', id);
    assertOwned(row.ownerId, 'DID', id);
    return row;
  }
}
