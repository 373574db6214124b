import { randomUUID } from 'node:crypto';
import { actorKey, type Actor } from '../base/actor.js';
import type { HookBus } from '../hooks/bus.js';
import type { Contact, ContactPhone } from './entities.js';
import { columnsOf, diffInputs, normalisePhones, toDto, toInput } from './mapping.js';
import { merge, type ParsedPatch } from './merge.js';
import { refId } from './phones.js';
import type { ContactRows, HistoryRow } from './rows.js';
import { SecretAttributes } from './secrets.js';
import type { ContactDto, ContactInput, FieldChange } from './types.js';

/** What one write did to a contact: what its events say, and what a source's upsert returns. */
export interface UpsertResult {
  contact: ContactDto;
  created: boolean;
  /** The contact had been soft-deleted and came back. */
  restored: boolean;
  /** One entry per changed field (empty for a new or unchanged contact). */
  changes: FieldChange[];
}

/** {@link UpsertResult} of a write that may also soft-delete the contact. */
export type Written = UpsertResult & { deleted?: boolean };

/** A stored contact's numbers, as read. */
type Phones = Pick<ContactPhone, 'type' | 'number' | 'label' | 'e164'>[];

/** Who writes and when, and the country that reads the site's national numbers (asked only when numbers are written). */
export interface Step {
  actor: Actor;
  now: Date;
  country: () => Promise<string | null>;
  /** Secret attributes whose marker this write may change (only the secret store's own writes). */
  secrets?: readonly string[];
}

/** The change to a stored contact, decided before anything is written. */
interface Revision {
  /** The contact as it will be stored. */
  after: ContactInput;
  /** One entry per changed field. */
  changes: FieldChange[];
  /** Soft-deleted before, active after. */
  restored: boolean;
  /** Active before, soft-deleted after. */
  deleted?: boolean;
}

export const createdResult = (contact: ContactDto): UpsertResult => ({ contact, created: true, restored: false, changes: [] });

const siteOf = (c: Contact): string => refId(c.site);

const historyRow = (contactId: string, siteId: string, field: string, oldValue: unknown, newValue: unknown, actor: Actor, at: Date): HistoryRow => ({
  contactId,
  siteId,
  field,
  oldValue: oldValue ?? null,
  newValue: newValue ?? null,
  actor: actorKey(actor),
  actorName: actor.name ?? null,
  at,
});

const isChange = (w: Written): boolean => w.created || w.restored || w.deleted === true || w.changes.length > 0;

/**
 * The one way a contact changes, for every path that writes one (a single create or update, a
 * soft delete or restore, a source's upsert, a batch of them, `createMany`):
 *
 * merge the patch over the stored contact → `contact.beforeSave` → diff → restore → History rows
 * → version + 1 → (after the commit) events.
 *
 * It stages rows in a {@link ContactRows}; the caller owns the transaction and writes them at its
 * end, then calls {@link changed} (or {@link contactEvents}) once the transaction has committed.
 */
export class ContactPipeline {
  constructor(
    private readonly hooks: HookBus,
    private readonly secrets: SecretAttributes = new SecretAttributes(),
  ) {}

  /** The `contact.beforeSave` filter: plugins may change the normalised contact about to be written. */
  async beforeSave(input: ContactInput, existing: ContactDto | null, siteId: string, actor: Actor): Promise<ContactInput> {
    const filtered = await this.hooks.apply('contact.beforeSave', { input, existing, siteId }, { actor });
    return filtered.input;
  }

  /**
   * A patch of a stored contact (read in the transaction), staged in `rows`: merged, filtered,
   * compared; a soft-deleted contact comes back. Nothing is staged when nothing changed. The
   * numbers are written again when they changed, or on any change with `renumber` (an edit reads
   * them again with the site's current country; a source's batch leaves unchanged numbers alone).
   */
  async update(rows: ContactRows, c: Contact, phones: Phones, patch: ParsedPatch, step: Step & { fromSource?: boolean; renumber?: boolean }): Promise<UpsertResult> {
    const before = toInput(c, phones);
    const merged = await this.beforeSave(merge(before, patch, { fromSource: step.fromSource === true }), toDto(c, phones), siteOf(c), step.actor);
    const after = { ...merged, attributes: this.secrets.guard(before.attributes, merged.attributes, step.secrets) };
    const changes = diffInputs(before, after);
    const restored = c.deletedAt != null;
    if (!changes.length && !restored) return { contact: toDto(c, phones), created: false, restored, changes };
    const contact = await this.revise(rows, c, phones, { after, changes, restored }, step, step.renumber === true);
    return { contact, created: false, restored, changes };
  }

  /** A soft delete (`deleted`) or a restore of a stored contact, staged in `rows`: its History row and version + 1. */
  async setDeleted(rows: ContactRows, c: Contact, phones: Phones, deleted: boolean, step: Step): Promise<Written> {
    const contact = await this.revise(rows, c, phones, { after: toInput(c, phones), changes: [], restored: !deleted, deleted }, step, false);
    return { contact, created: false, restored: !deleted, changes: [], deleted };
  }

  /** A new contact (already through `contact.beforeSave`, or on purpose not), staged in `rows` with its `created` History row; version 1. */
  stageNew(rows: ContactRows, siteId: string, input: ContactInput, country: string | null, actor: Actor, now: Date): ContactDto {
    this.secrets.guard(null, input.attributes); // a new contact never brings a secret along
    const id = randomUUID();
    const phones = normalisePhones(input.phones, country);
    const contact = { id, site: siteId, ...columnsOf(input, phones), deletedAt: null, createdAt: now, updatedAt: now, version: 1 };
    rows.insert(contact, phones);
    rows.addHistory(historyRow(id, siteId, 'created', null, null, actor, now));
    return toDto(contact as unknown as Contact, phones);
  }

  /**
   * Events of one written contact, after the commit: `contact.created`, `contact.deleted`,
   * `contact.restored`, `contact.updated` (with the diff) — as many as apply, in this order.
   */
  async contactEvents(w: Written, actor: Actor): Promise<void> {
    const { contact } = w;
    if (w.created) await this.hooks.emit('contact.created', { contact, actor });
    if (w.deleted) await this.hooks.emit('contact.deleted', { contact, permanent: false, actor });
    if (w.restored) await this.hooks.emit('contact.restored', { contact, actor });
    if (w.changes.length) await this.hooks.emit('contact.updated', { contact, changes: w.changes, actor });
  }

  /** {@link contactEvents}, then `phonebook.changed` for the contact's site when it changed at all. */
  async changed(w: Written, actor: Actor): Promise<void> {
    await this.contactEvents(w, actor);
    if (!isChange(w)) return;
    const reason = w.created ? 'contact.created' : w.deleted ? 'contact.deleted' : w.restored ? 'contact.restored' : 'contact.updated';
    await this.phonebookChanged(w.contact.siteId, reason);
  }

  /** `contact.synced` for a contact a source wrote or found unchanged. */
  async synced(w: UpsertResult, source: string): Promise<void> {
    await this.hooks.emit('contact.synced', { contact: w.contact, source, created: w.created });
  }

  async phonebookChanged(siteId: string, reason: string): Promise<void> {
    await this.hooks.emit('phonebook.changed', { phonebookId: null, siteId, reason });
  }

  /** Whether any of `results` changed a contact (what decides a batch's one `phonebook.changed`). */
  anyChange(results: readonly Written[]): boolean {
    return results.some(isChange);
  }

  /**
   * Stage a revision: the deleted flag, the History rows (`deleted`/`restored` first, then one per
   * changed field), version + 1, and — when fields changed — the new columns and numbers.
   */
  private async revise(rows: ContactRows, c: Contact, phones: Phones, rev: Revision, step: Step, renumber: boolean): Promise<ContactDto> {
    const { actor, now } = step;
    const siteId = siteOf(c);
    const set: Record<string, unknown> = { version: c.version + 1, updatedAt: now };
    if (rev.deleted) {
      set.deletedAt = now;
      rows.addHistory(historyRow(c.id, siteId, 'deleted', null, null, actor, now));
    }
    if (rev.restored) {
      set.deletedAt = null;
      rows.addHistory(historyRow(c.id, siteId, 'restored', null, null, actor, now));
    }
    let stored = phones;
    if (rev.changes.length) {
      const next = normalisePhones(rev.after.phones, await step.country());
      Object.assign(set, columnsOf(rev.after, next));
      if (renumber || rev.changes.some((ch) => ch.field === 'phones')) {
        rows.replacePhones(c.id, next);
        stored = next;
      }
    }
    for (const ch of rev.changes) rows.addHistory(historyRow(c.id, siteId, ch.field, ch.old, ch.new, actor, now));
    rows.update(c.id, set);
    return toDto(Object.assign(c, set), stored);
  }
}
