import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { ContactEntity, ContactPhoneEntity, HistoryEntity, PhonebookMemberEntity, type Contact, type ContactPhone } from './entities.js';
import { SiteEntity } from '../sites/entities.js';
import { dialectOf } from '../db/orm.js';
import { conflict, DialbookError, notFound } from '../base/errors.js';
import type { HookBus } from '../hooks/bus.js';
import { assertSiteAccess, assertSiteField, siteCondition } from '../base/access.js';
import { actorKey, type Actor } from '../base/actor.js';
import {
  columnsOf,
  diffInputs,
  normalisePhones,
  toDto,
  toInput,
  type StoredPhone,
} from './mapping.js';
import { merge, normalise, sourcePatch, type SourceBody } from './merge.js';
import { applyContactFilter } from './query.js';
import { contactFacets, type ContactFacets, type ContactFacetsQuery } from './facets.js';
import { loadPhones, phonesOf, plainContacts, refId } from './phones.js';
import {
  ContactCreateSchema,
  ContactListQuerySchema,
  ContactUpdateSchema,
  type ContactCreate,
  type ContactDto,
  type ContactInput,
  type ContactListQuery,
  type ContactUpdate,
  type FieldChange,
  type HistoryDto,
  type Page,
} from './types.js';
import type { NotificationService } from '../notifications/service.js';
import { normaliseNumber } from '../base/phone.js';
import { parseInput, validationError } from '../base/validate.js';

const SORT_PROPERTIES = {
  name: 'sortName',
  firstName: 'firstName',
  lastName: 'lastName',
  organization: 'organization',
  department: 'department',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
} as const;

export interface ContactServiceOptions {
  /** Country for reading national numbers when a site names none (ISO alpha-2). */
  defaultCountry?: string | null;
}

export interface UpsertResult {
  contact: ContactDto;
  created: boolean;
  /** The contact had been soft-deleted and came back. */
  restored: boolean;
  /** One entry per changed field (empty for a new or unchanged contact). */
  changes: FieldChange[];
}

/**
 * Rows written directly, many a statement (`insertMany`): new contacts, numbers and History.
 * The unit of work would only add bookkeeping to rows that are inserted once and never read back.
 */
interface NewRows {
  contacts: Record<string, unknown>[];
  phones: (StoredPhone & { contact: string })[];
  history: Record<string, unknown>[];
}
const newRows = (): NewRows => ({ contacts: [], phones: [], history: [] });
async function writeRows(em: EntityManager, rows: NewRows): Promise<void> {
  if (rows.contacts.length) await em.insertMany(ContactEntity, rows.contacts as never[]);
  if (rows.phones.length) await em.insertMany(ContactPhoneEntity, rows.phones as never[]);
  if (rows.history.length) await em.insertMany(HistoryEntity, rows.history as never[]);
}

/** One entry of a source for {@link ContactService.upsertManyFromSource}. */
export interface SourceItem {
  externalId: string;
  body: SourceBody;
}

/** What became of one {@link SourceItem}: written (or unchanged), or refused with the reason. */
export type SourceItemResult = UpsertResult | { error: DialbookError };

/**
 * Contacts: create, read, update with History, soft delete, restore,
 * permanent delete, list/search and lookup by number. Every write emits its hook event
 * after the transaction has committed.
 */
export class ContactService {
  constructor(
    private readonly orm: MikroORM,
    private readonly hooks: HookBus,
    private readonly notifications: NotificationService,
    private readonly options: ContactServiceOptions = {},
  ) {}

  private em(): SqlEntityManager {
    return this.orm.em.fork() as SqlEntityManager;
  }

  async create(body: ContactCreate, actor: Actor): Promise<ContactDto> {
    const parsed = parseInput(ContactCreateSchema, body);
    assertSiteField(parsed.siteId);
    const contact = await this.insert(parsed.siteId, normalise(parsed), actor);
    await this.emitCreated(contact, actor);
    return contact;
  }

  async get(id: string): Promise<ContactDto> {
    const em = this.em();
    const c = await this.find(em, id);
    return toDto(c, await phonesOf(em, id));
  }

  /**
   * Apply a partial update. `expectedVersion` (from `If-Match`) guards against lost updates.
   * One History row per changed field; no row and no event when nothing changed.
   */
  async update(id: string, body: ContactUpdate, actor: Actor, expectedVersion?: number): Promise<ContactDto> {
    return (await this.applyUpdate(id, body, actor, { expectedVersion })).dto;
  }

  /**
   * The update transaction. With `restore`, a soft-deleted contact is restored in the same
   * transaction, after the new values passed validation and the filters: a row that fails
   * never brings a deleted contact back.
   */
  private async applyUpdate(id: string, body: ContactUpdate, actor: Actor, options: { expectedVersion?: number | undefined; restore?: boolean; fromSource?: boolean }) {
    const patch = parseInput(ContactUpdateSchema, body);
    const result = await this.orm.em.fork().transactional(async (em) => {
      const c = await this.find(em, id);
      if (c.deletedAt && !options.restore) throw new DialbookError('DIALBOOK_CONTACT_DELETED', `contact ${id} is deleted; restore it before editing`, { status: 409 });
      if (options.expectedVersion !== undefined && options.expectedVersion !== c.version) {
        throw new DialbookError('DIALBOOK_CONTACT_VERSION', `contact ${id} changed since version ${options.expectedVersion} (now ${c.version}); reload and retry`, { status: 412 });
      }
      const phones = await phonesOf(em, id);
      const before = toInput(c, phones);
      const merged = merge(before, patch, { fromSource: options.fromSource === true });
      const siteId = refId(c.site);
      const after = await this.beforeSave(merged, toDto(c, phones), siteId, actor);
      const changes = diffInputs(before, after);
      const restored = c.deletedAt != null;
      if (!changes.length && !restored) return { dto: toDto(c, phones), changes, restored };
      const now = new Date();
      const history = (field: string, oldValue: unknown, newValue: unknown) =>
        em.create(HistoryEntity, { contactId: id, siteId, field, oldValue: oldValue ?? null, newValue: newValue ?? null, actor: actorKey(actor), actorName: actor.name ?? null, at: now });
      if (restored) {
        c.deletedAt = null;
        history('restored', null, null);
      }
      if (changes.length) await this.write(em, c, after, await this.countryOf(em, siteId));
      c.version += 1;
      c.updatedAt = now;
      for (const ch of changes) history(ch.field, ch.old, ch.new);
      await em.flush();
      return { dto: toDto(c, await phonesOf(em, id)), changes, restored };
    }).catch((e: unknown) => this.translate(e));
    if (result.restored) await this.hooks.emit('contact.restored', { contact: result.dto, actor });
    if (result.changes.length) await this.hooks.emit('contact.updated', { contact: result.dto, changes: result.changes, actor });
    if (result.changes.length || result.restored) await this.hooks.emit('phonebook.changed', { phonebookId: null, siteId: result.dto.siteId, reason: result.restored ? 'contact.restored' : 'contact.updated' });
    return result;
  }

  /** Soft delete: hidden from phonebooks and lookups, restorable, history kept. */
  async softDelete(id: string, actor: Actor): Promise<ContactDto> {
    const dto = await this.setDeleted(id, true, actor);
    await this.hooks.emit('contact.deleted', { contact: dto, permanent: false, actor });
    await this.hooks.emit('phonebook.changed', { phonebookId: null, siteId: dto.siteId, reason: 'contact.deleted' });
    return dto;
  }

  async restore(id: string, actor: Actor): Promise<ContactDto> {
    const dto = await this.setDeleted(id, false, actor);
    await this.hooks.emit('contact.restored', { contact: dto, actor });
    await this.hooks.emit('phonebook.changed', { phonebookId: null, siteId: dto.siteId, reason: 'contact.restored' });
    return dto;
  }

  /**
   * Remove a soft-deleted contact for good, with its numbers, memberships and history.
   * Refused (409) for an active contact: delete it first. Leaves a notification.
   */
  async purge(id: string, actor: Actor): Promise<ContactDto> {
    const dto = await this.orm.em.fork().transactional(async (em) => {
      const c = await this.find(em, id);
      if (!c.deletedAt) {
        throw new DialbookError('DIALBOOK_CONTACT_ACTIVE', `contact ${id} is active; delete it (soft) before deleting it permanently`, { status: 409 });
      }
      const snapshot = toDto(c, await phonesOf(em, id));
      await em.nativeDelete(HistoryEntity, { contactId: id });
      await em.nativeDelete(PhonebookMemberEntity, { contactId: id });
      await em.nativeDelete(ContactPhoneEntity, { contact: id });
      await em.nativeDelete(ContactEntity, { id });
      return snapshot;
    });
    await this.notifications.notify({
      siteId: dto.siteId,
      level: 'info',
      title: `Contact "${dto.displayName}" was deleted permanently`,
      body: `By ${actor.name ?? actorKey(actor)}. Its history was removed with it.`,
    });
    await this.hooks.emit('contact.deleted', { contact: dto, permanent: true, actor });
    await this.hooks.emit('phonebook.changed', { phonebookId: null, siteId: dto.siteId, reason: 'contact.purged' });
    return dto;
  }

  /** How many contacts (deleted ones too) a site holds. */
  countInSite(siteId: string): Promise<number> {
    return this.orm.em.fork().count(ContactEntity, { site: siteId });
  }

  /** The departments, tags and sources in use with their counts, in the caller's sites. */
  facets(query: ContactFacetsQuery = {}): Promise<ContactFacets> {
    return contactFacets(this.orm, query);
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

  /**
   * Every contact of a site (optionally of one source and status), in batches by id — no
   * count, no offset: for sources that index a whole site (deletion checks, conflict detection).
   * `phones: false` skips reading the numbers and leaves each contact's `phones` empty.
   */
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

  /**
   * Active contacts owning a number written in any common form. National forms are
   * read with `country`, else the site's default country, else the configured default.
   */
  async lookup(number: string, options: { siteId?: string | undefined; country?: string | undefined } = {}): Promise<ContactDto[]> {
    const em = this.em();
    // Which country reads a national form: the one asked for, else the site's, else the
    // configured default, else every country a site is set to (usually one).
    let countries: (string | null)[];
    if (options.siteId) assertSiteAccess(options.siteId, 'site', options.siteId);
    if (options.country) countries = [options.country];
    else if (options.siteId) countries = [await this.countryOf(em, options.siteId)];
    else if (this.options.defaultCountry) countries = [this.options.defaultCountry];
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

  async history(id: string): Promise<HistoryDto[]> {
    const em = this.em();
    await this.find(em, id);
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

  /**
   * For contact sources (LDAP, CSV, …): create or update the contact a source owns under
   * `externalId`, writing History for each changed field. A soft-deleted contact that
   * reappears in its source is restored. Emits `contact.synced` for enrichers.
   */
  async upsertFromSource(siteId: string, source: string, externalId: string, body: SourceBody, actor: Actor): Promise<UpsertResult> {
    assertSiteField(siteId);
    const em = this.em();
    const existing = await em.findOne(ContactEntity, { site: siteId, source, externalId });
    let result: UpsertResult;
    if (!existing) {
      const parsed = parseInput(ContactCreateSchema, { ...body, siteId, source, externalId });
      const contact = await this.insert(siteId, normalise(parsed), actor);
      await this.emitCreated(contact, actor);
      result = { contact, created: true, restored: false, changes: [] };
    } else {
      const { dto, changes, restored } = await this.applyUpdate(existing.id, sourcePatch(body, existing.attributes), actor, { restore: true, fromSource: true });
      result = { contact: dto, created: false, restored, changes };
    }
    await this.hooks.emit('contact.synced', { contact: result.contact, source, created: result.created });
    return result;
  }

  /**
   * {@link upsertFromSource} for a batch (a page of a directory): one read of the existing
   * contacts and their numbers, one transaction, one flush, and no write at all for an
   * unchanged contact. Same rules per item — fields the source does not send stay, a
   * deleted contact comes back, History per changed field, `contact.beforeSave` per item —
   * and the same events after the commit (`contact.created|updated|restored`,
   * `contact.synced` per item, one `phonebook.changed`).
   *
   * Results come back in the items' order. An item that fails validation or a filter gets
   * its error and is left out; the others are still written. If the batch cannot be
   * written as a whole (another writer inserted one of its externalIds meanwhile), it is
   * retried item by item, so a race never loses an entry.
   */
  async upsertManyFromSource(siteId: string, source: string, items: readonly SourceItem[], actor: Actor): Promise<SourceItemResult[]> {
    assertSiteField(siteId);
    const results: SourceItemResult[] = new Array(items.length);
    // An externalId twice in one batch: the later one waits for the earlier one's result.
    const seen = new Set<string>();
    const batch: number[] = [];
    const later: number[] = [];
    items.forEach((it, i) => (seen.has(it.externalId) ? later : (seen.add(it.externalId), batch)).push(i));

    type Staged = { i: number; dto: ContactDto; created: boolean; restored: boolean; changes: FieldChange[] };
    let staged: Staged[];
    try {
      staged = await this.orm.em.fork().transactional(async (em) => {
        const country = await this.countryOf(em, siteId, true);
        const existing = new Map<string, Contact>();
        const ids = batch.map((i) => items[i]!.externalId);
        for (let k = 0; k < ids.length; k += 500) {
          // Plain rows, no entities made: most of a page is usually unchanged, and only read.
          const rows = await plainContacts(
            (em as SqlEntityManager)
              .createQueryBuilder(ContactEntity)
              .select('*')
              .where({ site: siteId, source, externalId: { $in: ids.slice(k, k + 500) } }),
          );
          for (const c of rows) existing.set(c.externalId!, c);
        }
        const phones = await loadPhones(em, [...existing.values()].map((c) => c.id));
        const out: Staged[] = [];
        const now = new Date();
        const replacePhones: string[] = [];
        // Rows are written directly (many a statement; one update per changed contact) and the
        // contacts are read as plain rows: the unit of work would only add bookkeeping.
        const updates: { id: string; set: Record<string, unknown> }[] = [];
        const inserts = newRows();
        for (const i of batch) {
          const { externalId, body } = items[i]!;
          const c = existing.get(externalId);
          try {
            if (!c) {
              const parsed = parseInput(ContactCreateSchema, { ...body, siteId, source, externalId });
              const input = await this.beforeSave(normalise(parsed), null, siteId, actor);
              out.push({ i, dto: this.stageNew(inserts, siteId, input, country, actor, now), created: true, restored: false, changes: [] });
              continue;
            }
            const own = phones.get(c.id) ?? [];
            const before = toInput(c, own);
            const after = await this.beforeSave(merge(before, parseInput(ContactUpdateSchema, sourcePatch(body, c.attributes)), { fromSource: true }), toDto(c, own), siteId, actor);
            const changes = diffInputs(before, after);
            const restored = c.deletedAt != null;
            if (!changes.length && !restored) {
              out.push({ i, dto: toDto(c, own), created: false, restored, changes });
              continue;
            }
            const history = (field: string, oldValue: unknown, newValue: unknown) =>
              inserts.history.push({ contactId: c.id, siteId, field, oldValue: oldValue ?? null, newValue: newValue ?? null, actor: actorKey(actor), actorName: actor.name ?? null, at: now });
            const set: Record<string, unknown> = { version: c.version + 1, updatedAt: now };
            if (restored) {
              set.deletedAt = null;
              history('restored', null, null);
            }
            let stored: Pick<ContactPhone, 'type' | 'number' | 'label' | 'e164'>[] = own;
            if (changes.length) {
              const next = normalisePhones(after.phones, country);
              Object.assign(set, columnsOf(after, next));
              if (changes.some((ch) => ch.field === 'phones')) {
                replacePhones.push(c.id);
                inserts.phones.push(...next.map((ph) => ({ ...ph, contact: c.id })));
                stored = next;
              }
            }
            for (const ch of changes) history(ch.field, ch.old, ch.new);
            updates.push({ id: c.id, set });
            out.push({ i, dto: toDto(Object.assign(c, set), stored), created: false, restored, changes });
          } catch (err) {
            if (!(err instanceof DialbookError)) throw err;
            results[i] = { error: err };
          }
        }
        for (let k = 0; k < replacePhones.length; k += 500) await em.nativeDelete(ContactPhoneEntity, { contact: { $in: replacePhones.slice(k, k + 500) } });
        for (const u of updates) await em.nativeUpdate(ContactEntity, { id: u.id }, u.set as never);
        await writeRows(em, inserts);
        return out;
      });
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      staged = [];
      later.unshift(...batch.filter((i) => !results[i]));
      later.sort((a, b) => a - b);
    }

    let changed = false;
    for (const s of staged) {
      const { dto, created, restored, changes } = s;
      if (created) await this.hooks.emit('contact.created', { contact: dto, actor });
      if (restored) await this.hooks.emit('contact.restored', { contact: dto, actor });
      if (changes.length) await this.hooks.emit('contact.updated', { contact: dto, changes, actor });
      changed ||= created || restored || changes.length > 0;
      await this.hooks.emit('contact.synced', { contact: dto, source, created });
      results[s.i] = { contact: dto, created, restored, changes };
    }
    if (changed) await this.hooks.emit('phonebook.changed', { phonebookId: null, siteId, reason: 'contact.synced' });
    for (const i of later) {
      try {
        results[i] = await this.upsertFromSource(siteId, source, items[i]!.externalId, items[i]!.body, actor);
      } catch (err) {
        if (!(err instanceof DialbookError)) throw err;
        results[i] = { error: err };
      }
    }
    return results;
  }

  /**
   * Insert many contacts in one transaction (imports, benchmarks). Validates every row
   * first: one bad row rejects the batch with its index in the field path. Emits
   * `contact.created` per row and one `phonebook.changed`.
   */
  async createMany(bodies: ContactCreate[], actor: Actor, options: { emit?: boolean } = {}): Promise<ContactDto[]> {
    const parsed = bodies.map((b, i) => {
      const r = ContactCreateSchema.safeParse(b);
      if (!r.success) throw validationError(r.error.issues, `${i}`);
      assertSiteField(r.data.siteId, `${i}.siteId`);
      return r.data;
    });
    const out: ContactDto[] = [];
    await this.orm.em.fork().transactional(async (em) => {
      const countries = new Map<string, string | null>();
      const rows = newRows();
      const now = new Date();
      for (const p of parsed) {
        if (!countries.has(p.siteId)) countries.set(p.siteId, await this.countryOf(em, p.siteId, true));
        out.push(this.stageNew(rows, p.siteId, normalise(p), countries.get(p.siteId) ?? null, actor, now));
      }
      await writeRows(em, rows);
    }).catch((e: unknown) => this.translate(e));
    if (options.emit !== false) {
      for (const c of out) await this.hooks.emit('contact.created', { contact: c, actor });
      for (const siteId of new Set(out.map((c) => c.siteId))) await this.hooks.emit('phonebook.changed', { phonebookId: null, siteId, reason: 'contact.created' });
    }
    return out;
  }

  // ---- internals -------------------------------------------------------------------

  /** Load a contact the current request may see; 404 otherwise (other sites' ids do not leak). */
  private async find(em: EntityManager, id: string): Promise<Contact> {
    const c = await em.findOne(ContactEntity, { id });
    if (!c) throw notFound('contact', id);
    assertSiteAccess(refId(c.site), 'contact', id);
    return c;
  }

  private async beforeSave(input: ContactInput, existing: ContactDto | null, siteId: string, actor: Actor): Promise<ContactInput> {
    const filtered = await this.hooks.apply('contact.beforeSave', { input, existing, siteId }, { actor });
    return filtered.input;
  }

  private async insert(siteId: string, input: ContactInput, actor: Actor): Promise<ContactDto> {
    const filtered = await this.beforeSave(input, null, siteId, actor);
    return this.orm.em
      .fork()
      .transactional(async (em) => {
        const country = await this.countryOf(em, siteId, true);
        const rows = newRows();
        const dto = this.stageNew(rows, siteId, filtered, country, actor, new Date());
        await writeRows(em, rows);
        return dto;
      })
      .catch((e: unknown) => this.translate(e));
  }

  /** Stage a new contact, its numbers and its `created` History row in `rows` (written by {@link writeRows}). */
  private stageNew(rows: NewRows, siteId: string, input: ContactInput, country: string | null, actor: Actor, now: Date): ContactDto {
    const id = randomUUID();
    const phones = normalisePhones(input.phones, country).map((ph) => ({ ...ph, contact: id }));
    const contact = { id, site: siteId, ...columnsOf(input, phones), deletedAt: null, createdAt: now, updatedAt: now, version: 1 };
    rows.contacts.push(contact);
    rows.phones.push(...phones);
    rows.history.push({ contactId: id, siteId, field: 'created', oldValue: null, newValue: null, actor: actorKey(actor), actorName: actor.name ?? null, at: now });
    return toDto(contact as unknown as Contact, phones);
  }

  private async write(em: EntityManager, c: Contact, input: ContactInput, country: string | null): Promise<void> {
    const phones = normalisePhones(input.phones, country);
    em.assign(c, columnsOf(input, phones));
    await em.nativeDelete(ContactPhoneEntity, { contact: c.id });
    for (const ph of phones) em.create(ContactPhoneEntity, { contact: c, ...ph });
  }

  private async setDeleted(id: string, deleted: boolean, actor: Actor): Promise<ContactDto> {
    return this.orm.em.fork().transactional(async (em) => {
      const c = await this.find(em, id);
      if (deleted === (c.deletedAt != null)) {
        throw new DialbookError(deleted ? 'DIALBOOK_CONTACT_DELETED' : 'DIALBOOK_CONTACT_ACTIVE', `contact ${id} is ${deleted ? 'already deleted' : 'not deleted'}`, { status: 409 });
      }
      const now = new Date();
      c.deletedAt = deleted ? now : null;
      c.updatedAt = now;
      c.version += 1;
      em.create(HistoryEntity, { contactId: id, siteId: refId(c.site), field: deleted ? 'deleted' : 'restored', oldValue: null, newValue: null, actor: actorKey(actor), actorName: actor.name ?? null, at: now });
      await em.flush();
      return toDto(c, await phonesOf(em, id));
    });
  }

  private async emitCreated(contact: ContactDto, actor: Actor): Promise<void> {
    await this.hooks.emit('contact.created', { contact, actor });
    await this.hooks.emit('phonebook.changed', { phonebookId: null, siteId: contact.siteId, reason: 'contact.created' });
  }

  private async countryOf(em: EntityManager, siteId: string, mustExist = false): Promise<string | null> {
    const site = await em.findOne(SiteEntity, { id: siteId });
    if (!site) {
      if (mustExist) throw new DialbookError('DIALBOOK_SITE_UNKNOWN', `site ${siteId} does not exist`, { status: 422, field: 'siteId' });
      throw notFound('site', siteId);
    }
    return site.defaultCountry ?? this.options.defaultCountry ?? null;
  }

  private translate(e: unknown): never {
    if (e instanceof UniqueConstraintViolationException) {
      throw conflict('DIALBOOK_CONTACT_EXTERNAL_ID_TAKEN', 'another contact of this site and source already has this externalId', 'externalId');
    }
    throw e;
  }
}

