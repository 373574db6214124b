import { defineEntity, p } from '@mikro-orm/core';
import { SiteEntity } from '../sites/entities.js';

/** The saved filter that selects members in addition to the explicit ones. */
export interface PhonebookFilter {
  department?: string;
  tag?: string;
  source?: string;
  hasAttribute?: string;
  q?: string;
}

export const PhonebookEntity = defineEntity({
  name: 'Phonebook',
  tableName: 'phonebook',
  uniques: [{ properties: ['site', 'slug'] }],
  properties: {
    id: p.uuid().primary(),
    site: () => p.manyToOne(SiteEntity).deleteRule('cascade'),
    slug: p.string().length(64),
    name: p.string().length(200),
    description: p.text().nullable(),
    /** Null: explicit members only. `{}`: every active contact of the site. */
    filter: p.json<PhonebookFilter>().nullable(),
    /** Per-vendor directory options (`{ yealink: { format: 'directory' } }`), validated by each renderer's `options` schema. */
    directoryOptions: p.json<Record<string, Record<string, unknown>>>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type Phonebook = InstanceType<typeof PhonebookEntity.class>;
