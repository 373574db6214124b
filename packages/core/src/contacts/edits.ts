import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/core';
import { assertSiteField } from '../base/access.js';
import { actorKey, type Actor } from '../base/actor.js';
import { conflict, DialbookError } from '../base/errors.js';
import { parseInput, validationError } from '../base/validate.js';
import type { HookBus } from '../hooks/bus.js';
import type { NotificationService } from '../notifications/service.js';
import { ContactEnrichmentEntity, ContactEntity, ContactPhoneEntity, HistoryEntity, PhonebookMemberEntity } from './entities.js';
import { ContactSecrets } from './secret-store.js';
import { toDto } from './mapping.js';
import { normalise } from './merge.js';
import { phonesOf, refId } from './phones.js';
import { createdResult, type ContactPipeline, type UpsertResult, type Written } from './pipeline.js';
import { countryOf, findContact } from './reads.js';
import { ContactRows } from './rows.js';
import { ContactCreateSchema, ContactUpdateSchema, type ContactCreate, type ContactDto, type ContactUpdate } from './types.js';

/** How an update is applied: the `If-Match` version, whether a deleted contact comes back, whether a source sent it. */
export interface UpdateOptions {
  expectedVersion?: number | undefined;
  restore?: boolean;
  fromSource?: boolean;
}

/**
 * Writing contacts one transaction at a time: create, update, soft delete and restore (each
 * through the {@link ContactPipeline}), `createMany`, and the permanent delete. Every write emits
 * its events after the transaction has committed.
 */
export class ContactEdits {
  constructor(
    private readonly orm: MikroORM,
    private readonly hooks: HookBus,
    private readonly pipeline: ContactPipeline,
    private readonly notifications: NotificationService,
    private readonly defaultCountry: string | null | undefined,
  ) {}

  async create(body: ContactCreate, actor: Actor): Promise<ContactDto> {
    const parsed = parseInput(ContactCreateSchema, body);
    assertSiteField(parsed.siteId);
    const { siteId } = parsed;
    // The filter runs before the transaction opens, which then only holds the inserts.
    const input = await this.pipeline.beforeSave(normalise(parsed), null, siteId, actor);
    const contact = await this.transaction(async (em, rows) => {
      const country = await countryOf(em, siteId, this.defaultCountry, true);
      return this.pipeline.stageNew(rows, siteId, input, country, actor, new Date());
    });
    await this.pipeline.changed(createdResult(contact), actor);
    return contact;
  }

  /**
   * The update transaction. With `restore`, a soft-deleted contact is restored in the same
   * transaction, after the new values passed validation and the filters: a row that fails
   * never brings a deleted contact back. The numbers are read again on any change.
   */
  async update(id: string, body: ContactUpdate, actor: Actor, options: UpdateOptions): Promise<UpsertResult> {
    const patch = parseInput(ContactUpdateSchema, body);
    const result = await this.transaction(async (em, rows) => {
      const c = await findContact(em, id);
      if (c.deletedAt && !options.restore) throw new DialbookError('DIALBOOK_CONTACT_DELETED', `contact ${id} is deleted; restore it before editing`, { status: 409 });
      if (options.expectedVersion !== undefined && options.expectedVersion !== c.version) {
        throw new DialbookError('DIALBOOK_CONTACT_VERSION', `contact ${id} changed since version ${options.expectedVersion} (now ${c.version}); reload and retry`, { status: 412 });
      }
      const country = () => countryOf(em, refId(c.site), this.defaultCountry);
      return this.pipeline.update(rows, c, await phonesOf(em, id), patch, { actor, now: new Date(), country, fromSource: options.fromSource === true, renumber: true });
    });
    await this.pipeline.changed(result, actor);
    return result;
  }

  /** Soft delete (`deleted`) or restore; 409 when the contact already is so. */
  async setDeleted(id: string, deleted: boolean, actor: Actor): Promise<ContactDto> {
    const result = await this.transaction(async (em, rows): Promise<Written> => {
      const c = await findContact(em, id);
      if (deleted === (c.deletedAt != null)) {
        throw new DialbookError(deleted ? 'DIALBOOK_CONTACT_DELETED' : 'DIALBOOK_CONTACT_ACTIVE', `contact ${id} is ${deleted ? 'already deleted' : 'not deleted'}`, { status: 409 });
      }
      return this.pipeline.setDeleted(rows, c, await phonesOf(em, id), deleted, { actor, now: new Date(), country: async () => null });
    });
    await this.pipeline.changed(result, actor);
    return result.contact;
  }

  /**
   * Remove a soft-deleted contact for good, with its numbers, memberships and history.
   * Refused (409) for an active contact: delete it first. Leaves a notification.
   */
  async purge(id: string, actor: Actor): Promise<ContactDto> {
    const dto = await this.orm.em.fork().transactional(async (em) => {
      const c = await findContact(em, id);
      if (!c.deletedAt) {
        throw new DialbookError('DIALBOOK_CONTACT_ACTIVE', `contact ${id} is active; delete it (soft) before deleting it permanently`, { status: 409 });
      }
      const snapshot = toDto(c, await phonesOf(em, id));
      await em.nativeDelete(HistoryEntity, { contactId: id });
      await em.nativeDelete(PhonebookMemberEntity, { contactId: id });
      await em.nativeDelete(ContactPhoneEntity, { contact: id });
      await ContactSecrets.purge(em, id);
      await em.nativeDelete(ContactEnrichmentEntity, { contactId: id });
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
    await this.pipeline.phonebookChanged(dto.siteId, 'contact.purged');
    return dto;
  }

  /**
   * Many new contacts in one transaction. Every row is validated first: one bad row rejects the
   * batch with its index in the field path. Rows are not passed through `contact.beforeSave`.
   */
  async createMany(bodies: ContactCreate[], actor: Actor, options: { emit?: boolean }): Promise<ContactDto[]> {
    const parsed = bodies.map((b, i) => {
      const r = ContactCreateSchema.safeParse(b);
      if (!r.success) throw validationError(r.error.issues, `${i}`);
      assertSiteField(r.data.siteId, `${i}.siteId`);
      return r.data;
    });
    const out = await this.transaction(async (em, rows) => {
      const countries = new Map<string, string | null>();
      const now = new Date();
      const dtos: ContactDto[] = [];
      for (const p of parsed) {
        if (!countries.has(p.siteId)) countries.set(p.siteId, await countryOf(em, p.siteId, this.defaultCountry, true));
        dtos.push(this.pipeline.stageNew(rows, p.siteId, normalise(p), countries.get(p.siteId) ?? null, actor, now));
      }
      return dtos;
    });
    if (options.emit !== false) {
      for (const c of out) await this.pipeline.contactEvents(createdResult(c), actor);
      for (const siteId of new Set(out.map((c) => c.siteId))) await this.pipeline.phonebookChanged(siteId, 'contact.created');
    }
    return out;
  }

  /**
   * `fn` in a transaction, then the rows it staged written at its end. Another contact of the
   * site and source with the same externalId is a 409 on `externalId`.
   */
  private async transaction<T>(fn: (em: EntityManager, rows: ContactRows) => Promise<T>): Promise<T> {
    try {
      return await this.orm.em.fork().transactional(async (em) => {
        const rows = new ContactRows();
        const result = await fn(em, rows);
        await rows.flush(em);
        return result;
      });
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) {
        throw conflict('DIALBOOK_CONTACT_EXTERNAL_ID_TAKEN', 'another contact of this site and source already has this externalId', 'externalId');
      }
      throw e;
    }
  }
}
