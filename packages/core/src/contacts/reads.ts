import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { assertSiteAccess, siteCondition } from '../base/access.js';
import { DialbookError, notFound } from '../base/errors.js';
import { normaliseNumber } from '../base/phone.js';
import { parseInput } from '../base/validate.js';
import { dialectOf } from '../db/orm.js';
import { SiteEntity } from '../sites/entities.js';
import { ContactEntity, HistoryEntity, type Contact, type ContactPhone } from './entities.js';
import { toDto } from './mapping.js';
import { loadPhones, phonesOf, plainContacts, refId } from './phones.js';
import { applyContactFilter } from './query.js';
import { ContactListQuerySchema, type ContactDto, type ContactListQuery, type HistoryDto, type Page } from './types.js';

const SORT_PROPERTIES = {
  name: 'sortName',
  firstName: 'firstName',
  lastName: 'lastName',
  organization: 'organization',
  department: 'department',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
} as const;

/**
 * Load a contact the current request may see, as a plain row (see `plainContact`); 404 otherwise
 * (other sites' ids do not leak). Writers change it through the change pipeline, not the unit of work.
 */
export async function findContact(em: EntityManager, id: string): Promise<Contact> {
  const [c] = await plainContacts((em as SqlEntityManager).createQueryBuilder(ContactEntity).select('*').where({ id }));
  if (!c) throw notFound('contact', id);
  assertSiteAccess(refId(c.site), 'contact', id);
  return c;
}

/**
 * The country that reads a site's national numbers: the site's, else `fallback` (the configured
 * default). An unknown site is 404, or with `mustExist` (a body names it) 422 on `siteId`.
 */
export async function countryOf(em: EntityManager, siteId: string, fallback: string | null | undefined, mustExist = false): Promise<string | null> {
  const site = await em.findOne(SiteEntity, { id: siteId });
  if (!site) {
    if (mustExist) throw new DialbookError('DIALBOOK_SITE_UNKNOWN', `site ${siteId} does not exist`, { status: 422, field: 'siteId' });
    throw notFound('site', siteId);
  }
  return site.defaultCountry ?? fallback ?? null;
}

/** Reading contacts: one, a page of a list or search, a whole site in batches, by number, History. */
export class ContactReads {
  constructor(
    private readonly orm: MikroORM,
    private readonly defaultCountry: string | null | undefined,
  ) {}

  private em(): SqlEntityManager {
    return this.orm.em.fork() as SqlEntityManager;
  }

  async get(id: string): Promise<ContactDto> {
    const em = this.em();
    const c = await findContact(em, id);
    return toDto(c, await phonesOf(em, id));
  }

  async list(query: ContactListQuery = {}): Promise<Page<ContactDto>> {
    const q = parseInput(ContactListQuerySchema, query);
    const em = this.em();
    const qb = em.createQueryBuilder(ContactEntity, 'c');
    if (q.siteId) {
      assertSiteAccess(q.siteId, 'site', q.siteId);
      qb.andWhere('c.site_id = ?', [q.siteId]);
    }
    const scope = siteCondition('c.site_id');
    qb.andWhere(scope.sql, scope.params);
    if (q.status === 'active') qb.andWhere('c.deleted_at is null');
    if (q.status === 'deleted') qb.andWhere('c.deleted_at is not null');
    applyContactFilter(qb as never, q, dialectOf(this.orm));
    const total = await qb.clone().getCount();
    // Nulls last in both directions, then id for a stable order across pages.
    qb.orderBy([{ [SORT_PROPERTIES[q.sort]]: `${q.order} nulls last` }, { id: 'asc' }] as never);
    qb.limit(q.pageSize, (q.page - 1) * q.pageSize);
    const rows = await plainContacts(qb);
    const phones = await loadPhones(em, rows.map((r) => r.id));
    return { items: rows.map((r) => toDto(r, phones.get(r.id) ?? [])), total, page: q.page, pageSize: q.pageSize };
  }

  async *scan(query: { siteId: string; source?: string; status?: 'active' | 'deleted' | 'all'; batch?: number; phones?: boolean }): AsyncGenerator<ContactDto[]> {
    assertSiteAccess(query.siteId, 'site', query.siteId);
    const batch = Math.min(Math.max(query.batch ?? 1000, 1), 5000);
    let after: string | null = null;
    for (;;) {
      const em = this.em();
      const where: Record<string, unknown> = { site: query.siteId, ...(after ? { id: { $gt: after } } : {}) };
      if (query.source) where.source = query.source;
      if ((query.status ?? 'active') === 'active') where.deletedAt = null;
      if (query.status === 'deleted') where.deletedAt = { $ne: null };
      const rows = await plainContacts(em.createQueryBuilder(ContactEntity).select('*').where(where as never).orderBy({ id: 'asc' }).limit(batch));
      if (!rows.length) return;
      const phones = query.phones === false ? new Map<string, ContactPhone[]>() : await loadPhones(em, rows.map((r) => r.id));
      yield rows.map((r) => toDto(r, phones.get(r.id) ?? []));
      if (rows.length < batch) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  async lookup(number: string, options: { siteId?: string | undefined; country?: string | undefined } = {}): Promise<ContactDto[]> {
    const em = this.em();
    // Which country reads a national form: the one asked for, else the site's, else the
    // configured default, else every country a site is set to (usually one).
    let countries: (string | null)[];
    if (options.siteId) assertSiteAccess(options.siteId, 'site', options.siteId);
    if (options.country) countries = [options.country];
    else if (options.siteId) countries = [await countryOf(em, options.siteId, this.defaultCountry)];
    else if (this.defaultCountry) countries = [this.defaultCountry];
    else countries = (await em.find(SiteEntity, { defaultCountry: { $ne: null } }, { fields: ['defaultCountry'], limit: 20 })).map((s) => s.defaultCountry ?? null);
    if (!countries.length) countries = [null];
    const forms = countries.map((c) => normaliseNumber(number, c));
    const digits = forms[0]!.digits;
    if (!digits.replace('+', '')) throw new DialbookError('DIALBOOK_VALIDATION', 'number must contain digits', { status: 422, field: 'number' });
    const e164s = [...new Set(forms.map((f) => f.e164).filter((x): x is string => !!x))];
    const params: unknown[] = [...e164s, digits];
    let sql = `select distinct p.contact_id from contact_phone p join contact c on c.id = p.contact_id where c.deleted_at is null and (${e164s.length ? `p.e164 in (${e164s.map(() => '?').join(', ')}) or ` : ''}p.digits = ?)`;
    if (options.siteId) {
      sql += ' and c.site_id = ?';
      params.push(options.siteId);
    }
    const scope = siteCondition('c.site_id');
    sql += ` and ${scope.sql}`;
    params.push(...scope.params);
    const ids = (await em.execute<{ contact_id: string }[]>(sql, params)).map((r) => r.contact_id);
    if (!ids.length) return [];
    const contacts = await em.find(ContactEntity, { id: { $in: ids } }, { orderBy: { sortName: 'asc', id: 'asc' } });
    const phones = await loadPhones(em, ids);
    return contacts.map((c) => toDto(c, phones.get(c.id) ?? []));
  }

  /**
   * {@link lookup} for many numbers of one site at once (matching calls to contacts): each number,
   * as stored on a call — its E.164 form (read with the site's country) or else its digits — to the
   * id of the first active contact in name order that has it, in one query per 500 numbers. Numbers
   * that match nobody are absent from the answer.
   */
  async lookupMany(siteId: string, numbers: readonly { e164: string | null; digits: string | null }[]): Promise<Map<string, string>> {
    const em = this.em();
    const out = new Map<string, string>();
    const keyed = numbers.filter((n) => (n.e164 ?? n.digits)?.replace('+', ''));
    for (let k = 0; k < keyed.length; k += 500) {
      const chunk = keyed.slice(k, k + 500);
      const e164s = [...new Set(chunk.flatMap((n) => (n.e164 ? [n.e164] : [])))];
      const digits = [...new Set(chunk.map((n) => n.e164 ?? n.digits!))];
      const params: unknown[] = [siteId, ...e164s, ...digits];
      const where = [...(e164s.length ? [`p.e164 in (${e164s.map(() => '?').join(', ')})`] : []), `p.digits in (${digits.map(() => '?').join(', ')})`].join(' or ');
      const rows = await em.execute<{ contact_id: string; e164: string | null; digits: string; sort_name: string }[]>(
        `select p.contact_id, p.e164, p.digits, c.sort_name from contact_phone p join contact c on c.id = p.contact_id where c.site_id = ? and c.deleted_at is null and (${where})`,
        params,
      );
      type Row = (typeof rows)[number];
      const better = (a: Row, b: Row | undefined) => !b || a.sort_name < b.sort_name || (a.sort_name === b.sort_name && a.contact_id < b.contact_id);
      // The first contact in name order per E.164 and per digits: each number then looks up two maps.
      const byE164 = new Map<string, Row>();
      const byDigits = new Map<string, Row>();
      for (const r of rows) {
        if (r.e164 && better(r, byE164.get(r.e164))) byE164.set(r.e164, r);
        if (better(r, byDigits.get(r.digits))) byDigits.set(r.digits, r);
      }
      for (const n of chunk) {
        const a = n.e164 ? byE164.get(n.e164) : undefined;
        const b = byDigits.get(n.e164 ?? n.digits!);
        const best = a && b ? (better(a, b) ? a : b) : (a ?? b);
        if (best) out.set(numberKey(n), best.contact_id);
      }
    }
    return out;
  }

  async history(id: string): Promise<HistoryDto[]> {
    const em = this.em();
    await findContact(em, id);
    const rows = await em.find(HistoryEntity, { contactId: id }, { orderBy: { at: 'desc', id: 'desc' } });
    return rows.map((h) => ({
      id: h.id,
      contactId: h.contactId,
      field: h.field,
      old: h.oldValue ?? null,
      new: h.newValue ?? null,
      actor: h.actor,
      actorName: h.actorName ?? null,
      at: h.at.toISOString(),
    }));
  }
}

/** The key of a number in {@link ContactReads.lookupMany}'s answer. */
export const numberKey = (n: { e164: string | null; digits: string | null }): string => `${n.e164 ?? ''}|${n.digits ?? ''}`;
