import { defineEntity, p } from '@mikro-orm/core';
import { SiteEntity } from '../sites/entities.js';

export const ContactEntity = defineEntity({
  name: 'Contact',
  tableName: 'contact',
  uniques: [{ name: 'contact_site_source_external_unique', properties: ['site', 'source', 'externalId'] }],
  indexes: [{ properties: ['site', 'deletedAt', 'sortName'] }, { properties: ['site', 'departmentKey'] }],
  properties: {
    id: p.uuid().primary(),
    site: () => p.manyToOne(SiteEntity).deleteRule('cascade'),
    firstName: p.string().length(200).nullable(),
    lastName: p.string().length(200).nullable(),
    displayName: p.string().length(400),
    /** Lower-cased, accent-folded `last first org` for stable, case-insensitive ordering. */
    sortName: p.string().length(600),
    organization: p.string().length(200).nullable(),
    department: p.string().length(200).nullable(),
    /** The department lower-cased and accent-folded: what the department filter compares (SQLite's lower() is ASCII-only). */
    departmentKey: p.string().length(200).nullable(),
    title: p.string().length(200).nullable(),
    emails: p.json<string[]>(),
    tags: p.json<string[]>(),
    /** `|tag-a|tag-b|`, lower-cased: lets a tag filter run as one portable predicate. */
    tagIndex: p.text(),
    notes: p.text().nullable(),
    source: p.string().length(64),
    externalId: p.string().length(512).nullable(),
    /** Plugin data, namespaced by plugin id: `{ cucm: { pin: '1234' } }`. */
    attributes: p.json<Record<string, Record<string, unknown>>>(),
    /** Lower-cased, accent-folded names, e-mails, organisation and numbers: what search matches. */
    searchText: p.text(),
    deletedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()),
    version: p.integer().default(1),
  },
});
export type Contact = InstanceType<typeof ContactEntity.class>;

export const ContactPhoneEntity = defineEntity({
  name: 'ContactPhone',
  tableName: 'contact_phone',
  indexes: [{ properties: ['contact'] }, { properties: ['e164'] }, { properties: ['digits'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    contact: () => p.manyToOne(ContactEntity).deleteRule('cascade'),
    position: p.integer(),
    type: p.string().length(16),
    number: p.string().length(64),
    label: p.string().length(64).nullable(),
    e164: p.string().length(20).nullable(),
    digits: p.string().length(64),
  },
});
export type ContactPhone = InstanceType<typeof ContactPhoneEntity.class>;

/** One row per changed field: old and new value, who, when. */
export const HistoryEntity = defineEntity({
  name: 'History',
  tableName: 'history',
  indexes: [{ properties: ['contactId', 'at'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    contactId: p.uuid(),
    siteId: p.uuid(),
    /** `created`, `deleted`, `restored` or the name of a changed field. */
    field: p.string().length(64),
    oldValue: p.json<unknown>().nullable(),
    newValue: p.json<unknown>().nullable(),
    actor: p.string().length(200),
    actorName: p.string().length(320).nullable(),
    at: p.datetime(),
  },
});

/** Explicit phonebook membership. Saved-filter members are resolved at read time. */
export const PhonebookMemberEntity = defineEntity({
  name: 'PhonebookMember',
  tableName: 'phonebook_member',
  properties: {
    phonebookId: p.uuid().primary(),
    contactId: p.uuid().primary().index(),
    addedAt: p.datetime().onCreate(() => new Date()),
  },
});

/** The value of a secret contact attribute (see `secrets.ts`), encrypted; one row per contact and key. */
export const ContactSecretEntity = defineEntity({
  name: 'ContactSecret',
  tableName: 'contact_secret',
  properties: {
    contactId: p.uuid().primary(),
    key: p.string().length(128).primary(),
    siteId: p.uuid(),
    /** `v1.<iv>.<tag>.<ciphertext>` of `{ value }`. */
    value: p.text(),
    updatedAt: p.datetime(),
  },
});

/** A contact an enricher still has to do (its system was unreachable or refused): retried by the `contacts.enrich` job. */
export const ContactEnrichmentEntity = defineEntity({
  name: 'ContactEnrichment',
  tableName: 'contact_enrichment',
  indexes: [{ properties: ['enricher', 'nextAt'] }],
  properties: {
    contactId: p.uuid().primary(),
    enricher: p.string().length(128).primary(),
    siteId: p.uuid(),
    attempts: p.integer(),
    /** Why the last attempt failed, as the enricher said it (no secret). */
    reason: p.string().length(500),
    since: p.datetime(),
    nextAt: p.datetime(),
  },
});
