import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { Actor } from '../base/actor.js';
import { DialbookError } from '../base/errors.js';
import type { SecretBox, SecretPlace } from '../base/secret-box.js';
import { ContactSecretEntity } from './entities.js';
import { toDto } from './mapping.js';
import { phonesOf, refId } from './phones.js';
import type { ContactPipeline, UpsertResult } from './pipeline.js';
import { findContact } from './reads.js';
import { ContactRows } from './rows.js';
import type { SecretAttributes } from './secrets.js';
import type { ContactDto } from './types.js';

const MAX_SECRET_LENGTH = 1024;

/** What a secret of a contact changed: the contact as written (its marker), and whether anything changed. */
export interface SecretWrite {
  contact: ContactDto;
  changed: boolean;
}

/**
 * The values of secret contact attributes (see `secrets.ts`): one row per contact and key in
 * `contact_secret`, the value encrypted with `DIALBOOK_SECRET_KEY` (the contact id and key bound
 * in, so a ciphertext copied to another contact does not decrypt). Setting one writes the
 * contact's marker through the change pipeline — History (marker only), version, events — in the
 * same transaction.
 */
export class ContactSecrets {
  constructor(
    private readonly orm: MikroORM,
    private readonly pipeline: ContactPipeline,
    private readonly attributes: SecretAttributes,
    private readonly box: SecretBox,
  ) {}

  /** The secret's value, or null when none is set. Site access as for reading the contact. */
  async get(contactId: string, key: string): Promise<string | null> {
    this.attributes.require(key);
    const em = this.orm.em.fork();
    await findContact(em, contactId);
    return this.read(em, contactId, key);
  }

  /**
   * Set (`value`) or clear (`null`) a secret. Nothing is written when the value is the one stored.
   * 409 without `DIALBOOK_SECRET_KEY`; 422 for an empty or over-long value.
   */
  async set(contactId: string, key: string, value: string | null, actor: Actor): Promise<SecretWrite> {
    const attribute = this.attributes.require(key);
    if (value !== null && (typeof value !== 'string' || !value.length || value.length > MAX_SECRET_LENGTH)) {
      throw new DialbookError('DIALBOOK_VALIDATION', `${attribute.label} must be 1 to ${MAX_SECRET_LENGTH} characters (send null to clear it)`, { status: 422, field: 'value' });
    }
    if (value !== null && !this.box.configured) {
      throw new DialbookError('DIALBOOK_SECRET_KEY_MISSING', `cannot keep ${attribute.label} without DIALBOOK_SECRET_KEY: secret contact attributes are encrypted at rest; set DIALBOOK_SECRET_KEY to a random string of at least 32 characters`, { status: 409 });
    }
    let result: UpsertResult | null = null;
    const contact = await this.orm.em.fork().transactional(async (em) => {
      const c = await findContact(em, contactId);
      const stored = await this.read(em, contactId, key);
      if (stored === value) return null;
      const phones = await phonesOf(em, contactId);
      const now = new Date();
      if (value === null) await em.nativeDelete(ContactSecretEntity, { contactId, key });
      else {
        const row = { contactId, key, siteId: refId(c.site), value: this.box.encrypt({ value }, this.place(contactId, key, attribute.label)), updatedAt: now };
        if (stored === null) await em.insert(ContactSecretEntity, row);
        else await em.nativeUpdate(ContactSecretEntity, { contactId, key }, row);
      }
      const rows = new ContactRows();
      const attributes = this.attributes.mark(c.attributes ?? {}, key, value === null ? null : now);
      result = await this.pipeline.update(rows, c, phones, { attributes }, { actor, now, country: async () => null, secrets: [key] });
      await rows.flush(em);
      return result.contact;
    });
    if (!result || !contact) return { contact: await this.current(contactId), changed: false };
    await this.pipeline.changed(result, actor);
    return { contact, changed: true };
  }

  /** Remove every secret of a contact (a permanent delete), inside the caller's transaction. */
  static async purge(em: EntityManager, contactId: string): Promise<void> {
    await em.nativeDelete(ContactSecretEntity, { contactId });
  }

  private async current(contactId: string): Promise<ContactDto> {
    const em = this.orm.em.fork();
    return toDto(await findContact(em, contactId), await phonesOf(em, contactId));
  }

  private async read(em: EntityManager, contactId: string, key: string): Promise<string | null> {
    const row = await em.findOne(ContactSecretEntity, { contactId, key });
    if (!row) return null;
    const plain = this.box.decrypt(row.value, this.place(contactId, key, this.attributes.require(key).label));
    return typeof plain.value === 'string' ? plain.value : null;
  }

  private place(contactId: string, key: string, label: string): SecretPlace {
    return { category: `contact-secret:${key}`, scope: contactId, label: `${label} (${key}) of contact ${contactId}` };
  }
}
