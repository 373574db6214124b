import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/core';
import { SiteEntity, type Site } from './entities.js';
import { allowedSites, assertSiteAccess } from '../base/access.js';
import { conflict, notFound } from '../base/errors.js';
import type { HookBus } from '../hooks/bus.js';
import { SiteCreateSchema, SiteUpdateSchema, slugify, type SiteCreate, type SiteDto, type SiteUpdate } from './types.js';
import { parseInput } from '../base/validate.js';
import { systemActor } from '../base/actor.js';

const toDto = (s: Site): SiteDto => ({
  id: s.id,
  slug: s.slug,
  name: s.name,
  defaultCountry: s.defaultCountry ?? null,
  timeZone: s.timeZone || 'UTC',
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

const slugTaken = (e: unknown): never => {
  if (e instanceof UniqueConstraintViolationException) throw conflict('DIALBOOK_SITE_SLUG_TAKEN', 'another site already uses this slug', 'slug');
  throw e;
};

export class SiteService {
  constructor(
    private readonly orm: MikroORM,
    private readonly hooks?: HookBus,
  ) {}

  /** Emits `site.created` after the commit. */
  async create(body: SiteCreate): Promise<SiteDto> {
    const input = parseInput(SiteCreateSchema, body);
    const em = this.orm.em.fork();
    const site = em.create(SiteEntity, { id: randomUUID(), name: input.name, slug: input.slug ?? slugify(input.name), defaultCountry: input.defaultCountry ?? null, timeZone: input.timeZone ?? 'UTC' });
    await em.flush().catch(slugTaken);
    const dto = toDto(site);
    await this.hooks?.emit('site.created', { site: dto });
    return dto;
  }

  async list(): Promise<SiteDto[]> {
    const sites = allowedSites();
    const rows = await this.orm.em.fork().find(SiteEntity, sites ? { id: { $in: [...sites] } } : {}, { orderBy: { name: 'asc', id: 'asc' } });
    return rows.map(toDto);
  }

  async get(id: string): Promise<SiteDto> {
    const s = await this.orm.em.fork().findOne(SiteEntity, { id });
    if (!s) throw notFound('site', id);
    assertSiteAccess(s.id, 'site', id);
    return toDto(s);
  }

  async findBySlug(slug: string): Promise<SiteDto | null> {
    const s = await this.orm.em.fork().findOne(SiteEntity, { slug });
    const sites = allowedSites();
    return s && (!sites || sites.has(s.id)) ? toDto(s) : null;
  }

  async update(id: string, body: SiteUpdate): Promise<SiteDto> {
    const patch = parseInput(SiteUpdateSchema, body);
    const em = this.orm.em.fork();
    const s = await em.findOne(SiteEntity, { id });
    if (!s) throw notFound('site', id);
    assertSiteAccess(s.id, 'site', id);
    em.assign(s, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    await em.flush().catch(slugTaken);
    return toDto(s);
  }

  /** Refused (409) while the site still holds contacts or phonebooks: nothing is removed by accident. */
  async delete(id: string): Promise<void> {
    const em = this.orm.em.fork();
    const s = await em.findOne(SiteEntity, { id });
    if (!s) throw notFound('site', id);
    assertSiteAccess(s.id, 'site', id);
    // The areas that keep rows of a site say what it still holds (contacts, phonebooks, …).
    const { holds } = this.hooks ? await this.hooks.apply('site.beforeDelete', { site: toDto(s), holds: [] }, { actor: systemActor }) : { holds: [] };
    if (holds.length) throw conflict('DIALBOOK_SITE_NOT_EMPTY', `site ${s.slug} still holds ${holds.join(' and ')}; remove them first`);
    await em.nativeDelete(SiteEntity, { id });
  }
}
