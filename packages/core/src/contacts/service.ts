import type { MikroORM } from '@mikro-orm/core';
import { actorKey, type Actor } from '../base/actor.js';
import type { HookBus } from '../hooks/bus.js';
import type { Logger } from 'pino';
import { SecretBox } from '../base/secret-box.js';
import type { JobService } from '../jobs/service.js';
import type { NotificationService } from '../notifications/service.js';
import { DialbookError } from '../base/errors.js';
import { AttributeImports, attributePatch, importDigest, type ImportPreview, type ImportResult } from './attribute-import.js';
import { patchAttributes } from './attributes.js';
import { ContactEnrichment } from './enrichment.js';
import type { EnrichReport } from './enrichers.js';
import { ContactSecrets } from './secret-store.js';
import { SecretAttributes } from './secrets.js';
import { ContactEdits } from './edits.js';
import { ContactEntity, HistoryEntity } from './entities.js';
import { refId } from './phones.js';
import { findContact } from './reads.js';
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
  /** `DIALBOOK_SECRET_KEY`: encrypts secret contact attributes at rest. */
  secretKey?: string | undefined;
}

/** What the enrichers need besides the contacts (the jobs that retry, where failures are logged). */
export interface ContactServiceDeps {
  jobs: JobService;
  logger: Logger;
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
  /** The registered secret attributes (`cucm.pin`). */
  readonly secretAttributes = new SecretAttributes();
  /** Secret attribute values: encrypted, read only on purpose. */
  readonly secrets: ContactSecrets;
  /** The registered CSV attribute imports (`username, mac, pin`). */
  readonly imports = new AttributeImports();
  /** The registered enrichers and their runs (after source batches, retries, on request). */
  readonly enrichment: ContactEnrichment;

  constructor(
    private readonly orm: MikroORM,
    hooks: HookBus,
    notifications: NotificationService,
    options: ContactServiceOptions,
    deps: ContactServiceDeps,
  ) {
    const pipeline = new ContactPipeline(hooks, this.secretAttributes);
    this.reads = new ContactReads(orm, options.defaultCountry);
    this.edits = new ContactEdits(orm, hooks, pipeline, notifications, options.defaultCountry);
    this.sources = new SourceUpserts(orm, pipeline, this.edits, options.defaultCountry);
    this.secrets = new ContactSecrets(orm, pipeline, this.secretAttributes, new SecretBox(options.secretKey));
    this.enrichment = new ContactEnrichment({ orm, pipeline, secrets: this.secrets, jobs: deps.jobs, notifications, logger: deps.logger });
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

  /** Many numbers of one site to their contacts at once (see `ContactReads.lookupMany`); for matching calls. */
  lookupMany(siteId: string, numbers: readonly { e164: string | null; digits: string | null }[]): Promise<Map<string, string>> {
    return this.reads.lookupMany(siteId, numbers);
  }

  history(id: string): Promise<HistoryDto[]> {
    return this.reads.history(id);
  }

  /**
   * For contact sources (LDAP, CSV, …): create or update the contact a source owns under
   * `externalId`, writing History for each changed field. A soft-deleted contact that
   * reappears in its source is restored. Emits `contact.synced` for enrichers.
   */
  async upsertFromSource(siteId: string, source: string, externalId: string, body: SourceBody, actor: Actor): Promise<UpsertResult> {
    const result = await this.sources.upsert(siteId, source, externalId, body, actor);
    this.enrichment.queue(siteId, [result.contact.id]);
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
    const results = await this.sources.upsertMany(siteId, source, items, actor);
    this.enrichment.queue(siteId, results.flatMap((r) => ('contact' in r && !r.contact.deleted ? [r.contact.id] : [])));
    return results;
  }

  /**
   * A History row for something done to a contact that changes none of its fields ("PIN e-mailed
   * to …"): `field` names it (`cucm.pin-mail`, a plugin namespace first), `note` says what
   * happened — never a secret's value. Site access as for editing the contact.
   */
  async recordHistory(contactId: string, entry: { field: string; note: string }, actor: Actor): Promise<void> {
    if (!/^[a-z][a-z0-9_-]*\.[a-z0-9_.-]{1,48}$/.test(entry.field)) {
      throw new DialbookError('DIALBOOK_VALIDATION', `"${entry.field}" is not a History field for a note: write <namespace>.<what>, e.g. cucm.pin-mail`, { status: 422, field: 'field' });
    }
    if (!entry.note || entry.note.length > 500) throw new DialbookError('DIALBOOK_VALIDATION', 'a History note is 1 to 500 characters', { status: 422, field: 'note' });
    const em = this.orm.em.fork();
    const c = await findContact(em, contactId);
    await em.insert(HistoryEntity, { contactId, siteId: refId(c.site), field: entry.field, oldValue: null, newValue: entry.note, actor: actorKey(actor), actorName: actor.name ?? null, at: new Date() });
  }

  /** A secret attribute's value (null when unset); site access as for the contact. */
  getSecret(contactId: string, key: string): Promise<string | null> {
    return this.secrets.get(contactId, key);
  }

  /** Set or clear (`null`) a secret attribute: encrypted, the marker and History written, events emitted. */
  async setSecret(contactId: string, key: string, value: string | null, actor: Actor): Promise<ContactDto> {
    return (await this.secrets.set(contactId, key, value, actor)).contact;
  }

  /** What applying `csv` with import `id` would do in the site: matched and unmatched rows, changed and unchanged values, malformed cells (secrets never shown). */
  async previewImport(id: string, siteId: string, csv: string): Promise<ImportPreview> {
    const { values: _values, ...preview } = await this.imports.preview(id, siteId, csv, this);
    return preview;
  }

  /**
   * Apply `csv` with import `id` as previewed (`digest` from the preview of the same file; 409
   * for another file). Rows are read again against the contacts as they are now; each changed
   * row is one write with History (attributes) and, for secret columns, the secret store.
   */
  async applyImport(id: string, siteId: string, csv: string, digest: string, actor: Actor): Promise<ImportResult> {
    const imp = this.imports.registry.require(id);
    if (importDigest(id, siteId, csv) !== digest) {
      throw new DialbookError('DIALBOOK_IMPORT_CHANGED', 'this is not the file that was previewed (or not for this site): preview it again, then apply', { status: 409, field: 'digest' });
    }
    const preview = await this.imports.preview(id, siteId, csv, this);
    const result: ImportResult = { applied: 0, unchanged: preview.summary.unchanged, unmatched: preview.summary.unmatched, invalid: preview.summary.invalid, failed: [] };
    for (const row of preview.rows) {
      const values = preview.values.get(row.line);
      if (row.status !== 'change' || !values || !row.contact) continue;
      try {
        const patch = attributePatch(imp, values);
        if (Object.keys(patch).length) {
          const current = await this.get(row.contact.id);
          await this.edits.update(row.contact.id, { attributes: patchAttributes(current.attributes, patch) }, actor, {});
        }
        for (const col of imp.columns) if (col.secret && col.target in values) await this.secrets.set(row.contact.id, col.target, String(values[col.target]), actor);
        result.applied++;
      } catch (err) {
        result.failed.push({ line: row.line, key: row.key, message: err instanceof Error ? err.message : String(err) });
      }
    }
    return result;
  }

  /** Run the enrichers (or `only` one) for contacts of a site now; what they did. */
  enrich(siteId: string, contactIds: readonly string[], options: { only?: string } = {}): Promise<EnrichReport> {
    return this.enrichment.enrichNow(siteId, contactIds, options);
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
