import type { EntityManager } from '@mikro-orm/core';
import { ContactEntity, ContactPhoneEntity, HistoryEntity } from './entities.js';
import type { StoredPhone } from './mapping.js';

/** A History row as written: `created`, `deleted`, `restored` or a changed field with its old and new value. */
export interface HistoryRow {
  contactId: string;
  siteId: string;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  actor: string;
  actorName: string | null;
  at: Date;
}

/**
 * The rows one transaction writes for the contacts it changes, staged by the change pipeline and
 * written by {@link flush} with direct statements: many rows a statement for what is new
 * (contacts, numbers, History), one update per changed contact. The unit of work would only add
 * bookkeeping to rows that are written once and not read back.
 */
export class ContactRows {
  private readonly contacts: Record<string, unknown>[] = [];
  private readonly phones: (StoredPhone & { contact: string })[] = [];
  private readonly history: HistoryRow[] = [];
  private readonly updates: { id: string; set: Record<string, unknown> }[] = [];
  /** Contacts whose numbers are deleted before the new ones are inserted. */
  private readonly renumbered: string[] = [];

  /** A new contact with its numbers. */
  insert(contact: Record<string, unknown>, phones: StoredPhone[]): void {
    this.contacts.push(contact);
    this.addPhones(contact.id as string, phones);
  }

  /** New columns of a stored contact. */
  update(id: string, set: Record<string, unknown>): void {
    this.updates.push({ id, set });
  }

  /** A stored contact's numbers, replaced by `phones`. */
  replacePhones(id: string, phones: StoredPhone[]): void {
    this.renumbered.push(id);
    this.addPhones(id, phones);
  }

  addHistory(row: HistoryRow): void {
    this.history.push(row);
  }

  /** Write everything staged, in `em`'s transaction. */
  async flush(em: EntityManager): Promise<void> {
    for (let k = 0; k < this.renumbered.length; k += 500) await em.nativeDelete(ContactPhoneEntity, { contact: { $in: this.renumbered.slice(k, k + 500) } });
    for (const u of this.updates) await em.nativeUpdate(ContactEntity, { id: u.id }, u.set as never);
    if (this.contacts.length) await em.insertMany(ContactEntity, this.contacts as never[]);
    if (this.phones.length) await em.insertMany(ContactPhoneEntity, this.phones as never[]);
    if (this.history.length) await em.insertMany(HistoryEntity, this.history as never[]);
  }

  private addPhones(contact: string, phones: StoredPhone[]): void {
    for (const ph of phones) this.phones.push({ ...ph, contact });
  }
}
