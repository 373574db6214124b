import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { ContactEntity } from '../contacts/entities.js';
import { PhonebookEntity, type Phonebook, type PhonebookFilter } from './entities.js';
import { PhonebookMemberEntity } from '../contacts/entities.js';
import { SiteEntity } from '../sites/entities.js';
import { dialectOf, type Dialect } from '../db/orm.js';
import { conflict, DialbookError, notFound } from '../base/errors.js';
import type { HookBus } from '../hooks/bus.js';
import { allowedSites, assertSiteAccess, assertSiteField } from '../base/access.js';
import { toDto as contactDto } from '../contacts/mapping.js';
import { loadPhones, plainContacts, refId } from '../contacts/phones.js';
import { contactFilterConditions, joinConditions, type SqlCondition } from '../contacts/query.js';
import type { ContactDto, Page } from '../contacts/types.js';
import { slugify } from '../sites/types.js';
import { PhonebookCreateSchema, PhonebookUpdateSchema, type PhonebookCreate, type PhonebookDto, type PhonebookUpdate } from './types.js';
import { parseInput } from '../base/validate.js';

const slugTaken = (e: unknown): never => {
  if (e instanceof UniqueConstraintViolationException) throw conflict('DIALBOOK_PHONEBOOK_SLUG_TAKEN', 'another phonebook of this site already uses this slug', 'slug');
  throw e;
};

const siteIdOf = (p: Phonebook): string => refId(p.site);

/**
 * Which contacts of the phonebook's site are members, as SQL over `contact` aliased `c`
 * (site and deleted state not included): explicit members, or saved-filter matches.
 * Shared by the member list and the directory pipeline's own member read.
 */
export function memberCondition(pb: Pick<Phonebook, 'id' | 'filter'>, dialect: Dialect): SqlCondition {
  const explicit = 'c.id in (select m.contact_id from phonebook_member m where m.phonebook_id = ?)';
  if (!pb.filter) return { sql: explicit, params: [pb.id] };
  const { sql, params } = joinConditions(contactFilterConditions(pb.filter, dialect));
  return { sql: `(${explicit} or (${sql}))`, params: [pb.id, ...params] };
}

/**
 * Phonebooks: explicit members plus, optionally, a saved filter. Members are
 * always resolved live, so an edited or deleted contact shows at the next read.
 */
export class PhonebookService {
  constructor(
    private readonly orm: MikroORM,
    private readonly hooks: HookBus,
  ) {}

  private em(): SqlEntityManager {
    return this.orm.em.fork() as SqlEntityManager;
  }

  async create(body: PhonebookCreate): Promise<PhonebookDto> {
    const input = parseInput(PhonebookCreateSchema, body);
    assertSiteField(input.siteId);
    const em = this.em();
    if (!(await em.count(SiteEntity, { id: input.siteId }))) {
      throw new DialbookError('DIALBOOK_SITE_UNKNOWN', `site ${input.siteId} does not exist`, { status: 422, field: 'siteId' });
    }
    const pb = em.create(PhonebookEntity, {
      id: randomUUID(),
      site: em.getReference(SiteEntity, input.siteId),
      name: input.name,
      slug: input.slug ?? slugify(input.name),
      description: input.description ?? null,
      filter: (input.filter ?? null) as PhonebookFilter | null,
    });
    await em.flush().catch(slugTaken);
    await this.changed(pb, 'phonebook.created');
    const dto = await this.dto(em, pb);
    await this.hooks.emit('phonebook.created', { phonebook: dto });
    return dto;
  }

  async list(siteId?: string): Promise<PhonebookDto[]> {
    const em = this.em();
    if (siteId) assertSiteAccess(siteId, 'site', siteId);
    const sites = allowedSites();
    const where = siteId ? { site: siteId } : sites ? { site: { $in: [...sites] } } : {};
    const rows = await em.find(PhonebookEntity, where, { orderBy: { name: 'asc', id: 'asc' } });
    return Promise.all(rows.map((r) => this.dto(em, r)));
  }

  async get(id: string): Promise<PhonebookDto> {
    const em = this.em();
    return this.dto(em, await this.find(em, id));
  }

  async update(id: string, body: PhonebookUpdate): Promise<PhonebookDto> {
    const patch = parseInput(PhonebookUpdateSchema, body);
    const em = this.em();
    const pb = await this.find(em, id);
    em.assign(pb, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    await em.flush().catch(slugTaken);
    await this.changed(pb, 'phonebook.updated');
    return this.dto(em, pb);
  }

  async delete(id: string): Promise<void> {
    const em = this.em();
    const pb = await this.find(em, id);
    await em.nativeDelete(PhonebookMemberEntity, { phonebookId: id });
    await em.nativeDelete(PhonebookEntity, { id });
    await this.changed(pb, 'phonebook.deleted');
  }

  /** Add explicit members; contacts must belong to the phonebook's site. Returns how many were new. */
  async addMembers(id: string, contactIds: string[]): Promise<number> {
    const em = this.em();
    const pb = await this.find(em, id);
    const unique = [...new Set(contactIds)];
    const found = await em.find(ContactEntity, { id: { $in: unique }, site: siteIdOf(pb) }, { fields: ['id'] });
    const known = new Set(found.map((c) => c.id));
    const missing = unique.findIndex((cid) => !known.has(cid));
    if (missing >= 0) {
      throw new DialbookError('DIALBOOK_PHONEBOOK_MEMBER_UNKNOWN', `contact ${unique[missing]} does not exist in this phonebook's site`, {
        status: 422,
        field: `contactIds.${contactIds.indexOf(unique[missing]!)}`,
      });
    }
    const existing = new Set((await em.find(PhonebookMemberEntity, { phonebookId: id, contactId: { $in: unique } })).map((m) => m.contactId));
    const added = unique.filter((cid) => !existing.has(cid));
    for (const contactId of added) em.create(PhonebookMemberEntity, { phonebookId: id, contactId, addedAt: new Date() });
    await em.flush();
    if (added.length) await this.changed(pb, 'phonebook.members.added');
    return added.length;
  }

  async removeMember(id: string, contactId: string): Promise<void> {
    const em = this.em();
    const pb = await this.find(em, id);
    const n = await em.nativeDelete(PhonebookMemberEntity, { phonebookId: id, contactId });
    if (!n) throw notFound(`explicit member of phonebook ${id}:`, contactId);
    await this.changed(pb, 'phonebook.members.removed');
  }

  /**
   * The phonebook's active contacts: explicit members and saved-filter matches,
   * ordered by sort name. `pageSize: 0` returns every member (renderers use this).
   */
  async members(id: string, options: { page?: number; pageSize?: number } = {}): Promise<Page<ContactDto>> {
    const em = this.em();
    const pb = await this.find(em, id);
    const qb = em.createQueryBuilder(ContactEntity, 'c').where('c.site_id = ? and c.deleted_at is null', [siteIdOf(pb)]);
    const member = memberCondition(pb, dialectOf(this.orm));
    qb.andWhere(member.sql, member.params);
    const page = options.page ?? 1;
    const pageSize = options.pageSize ?? 100;
    // Every member asked for (pageSize 0): the rows are the count, no second query.
    const total = pageSize > 0 ? await qb.clone().getCount() : undefined;
    qb.orderBy({ sortName: 'asc', id: 'asc' });
    if (pageSize > 0) qb.limit(pageSize, (page - 1) * pageSize);
    const rows = await plainContacts(qb);
    const phones = await loadPhones(em, rows.map((r) => r.id));
    return { items: rows.map((r) => contactDto(r, phones.get(r.id) ?? [])), total: total ?? rows.length, page, pageSize };
  }

  /** How many phonebooks a site holds. */
  countInSite(siteId: string): Promise<number> {
    return this.orm.em.fork().count(PhonebookEntity, { site: siteId });
  }

  private async find(em: SqlEntityManager, id: string): Promise<Phonebook> {
    const pb = await em.findOne(PhonebookEntity, { id });
    if (!pb) throw notFound('phonebook', id);
    assertSiteAccess(siteIdOf(pb), 'phonebook', id);
    return pb;
  }

  private async dto(em: SqlEntityManager, pb: Phonebook): Promise<PhonebookDto> {
    return {
      id: pb.id,
      siteId: siteIdOf(pb),
      slug: pb.slug,
      name: pb.name,
      description: pb.description ?? null,
      filter: (pb.filter ?? null) as PhonebookDto['filter'],
      explicitMembers: await em.count(PhonebookMemberEntity, { phonebookId: pb.id }),
      createdAt: pb.createdAt.toISOString(),
      updatedAt: pb.updatedAt.toISOString(),
    };
  }

  private async changed(pb: Phonebook, reason: string): Promise<void> {
    await this.hooks.emit('phonebook.changed', { phonebookId: pb.id, siteId: siteIdOf(pb), reason });
  }
}
