import type { MikroORM } from '@mikro-orm/core';
import type { Actor } from '../base/actor.js';
import type { HookBus } from '../hooks/bus.js';
import type { NotificationService } from '../notifications/service.js';
import { ContactEdits } from './edits.js';
import { ContactEntity } from './entities.js';
import { contactFacets, type ContactFacets, type ContactFacetsQuery } from './facets.js';
import type { SourceBody } from './merge.js';
import { ContactPipeline, type UpsertResult } from './pipeline.js';
import { ContactReads } from './reads.js';
import { SourceUpserts, type SourceItem, type SourceItemResult } from './source-upsert.js';
import type { ContactCreate, ContactDto, ContactListQuery, ContactUpdate, HistoryDto, Page } from './types.js';

export type { UpsertResult } from './pipeline.js';
export type { SourceItem, SourceItemResult } from './source-upsert.js';

export interface ContactServiceOptions {
  /** Country for reading national numbers when a site names none (ISO alpha-2). */
  defaultCountry?: string | null;
}

/**
 * Contacts: create, read, update with History, soft delete, restore,
 * permanent delete, list/search and lookup by number. Every write goes through the one change
 * pipeline (`pipeline.ts`) and emits its hook events after the transaction has committed.
 */
export class ContactService {
  private readonly reads: ContactReads;
  private readonly edits: ContactEdits;
  private readonly sources: SourceUpserts;

  constructor(
    private readonly orm: MikroORM,
    hooks: HookBus,
    notifications: NotificationService,
    options: ContactServiceOptions = {},
  ) {
    const pipeline = new ContactPipeline(hooks);
    this.reads = new ContactReads(orm, options.defaultCountry);
    this.edits = new ContactEdits(orm, hooks, pipeline, notifications, options.defaultCountry);
    this.sources = new SourceUpserts(orm, pipeline, this.edits, options.defaultCountry);
  }

  create(body: ContactCreate, actor: Actor): Promise<ContactDto> {
    return this.edits.create(body, actor);
  }

  get(id: string): Promise<ContactDto> {
    return this.reads.get(id);
  }

  /**
   * Apply a partial update. `expectedVersion` (from `If-Match`) guards against lost updates.
   * One History row per changed field; no row and no event when nothing changed.
   */
  async update(id: string, body: ContactUpdate, actor: Actor, expectedVersion?: number): Promise<ContactDto> {
    return (await this.edits.update(id, body, actor, { expectedVersion })).contact;
  }

  /** Soft delete: hidden from phonebooks and lookups, restorable, history kept. */
  softDelete(id: string, actor: Actor): Promise<ContactDto> {
    return this.edits.setDeleted(id, true, actor);
  }

  restore(id: string, actor: Actor): Promise<ContactDto> {
    return this.edits.setDeleted(id, false, actor);
  }

  /**
   * Remove a soft-deleted contact for good, with its numbers, memberships and history.
   * Refused (409) for an active contact: delete it first. Leaves a notification.
   */
  purge(id: string, actor: Actor): Promise<ContactDto> {
    return this.edits.purge(id, actor);
  }

  /** How many contacts (deleted ones too) a site holds. */
  countInSite(siteId: string): Promise<number> {
    return this.orm.em.fork().count(ContactEntity, { site: siteId });
  }

  /** The departments, tags and sources in use with their counts, in the caller's sites. */
  facets(query: ContactFacetsQuery = {}): Promise<ContactFacets> {
    return contactFacets(this.orm, query);
  }

  list(query: ContactListQuery = {}): Promise<Page<ContactDto>> {
    return this.reads.list(query);
  }

  /**
   * Every contact of a site (optionally of one source and status), in batches by id — no
   * count, no offset: for sources that index a whole site (deletion checks, conflict detection).
   * `phones: false` skips reading the numbers and leaves each contact's `phones` empty.
   */
  scan(query: { siteId: string; source?: string; status?: 'active' | 'deleted' | 'all'; batch?: number; phones?: boolean }): AsyncGenerator<ContactDto[]> {
    return this.reads.scan(query);
  }

  /**
   * Active contacts owning a number written in any common form. National forms are
   * read with `country`, else the site's default country, else the configured default.
   */
  lookup(number: string, options: { siteId?: string | undefined; country?: string | undefined } = {}): Promise<ContactDto[]> {
    return this.reads.lookup(number, options);
  }

  history(id: string): Promise<HistoryDto[]> {
    return this.reads.history(id);
  }

  /**
   * For contact sources (LDAP, CSV, …): create or update the contact a source owns under
   * `externalId`, writing History for each changed field. A soft-deleted contact that
   * reappears in its source is restored. Emits `contact.synced` for enrichers.
   */
  upsertFromSource(siteId: string, source: string, externalId: string, body: SourceBody, actor: Actor): Promise<UpsertResult> {
    return this.sources.upsert(siteId, source, externalId, body, actor);
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
  upsertManyFromSource(siteId: string, source: string, items: readonly SourceItem[], actor: Actor): Promise<SourceItemResult[]> {
    return this.sources.upsertMany(siteId, source, items, actor);
  }

  /**
   * Insert many contacts in one transaction (imports, benchmarks). Validates every row
   * first: one bad row rejects the batch with its index in the field path. Emits
   * `contact.created` per row and one `phonebook.changed`.
   */
  createMany(bodies: ContactCreate[], actor: Actor, options: { emit?: boolean } = {}): Promise<ContactDto[]> {
    return this.edits.createMany(bodies, actor, options);
  }
}
