import { defineEntity, p } from '@mikro-orm/core';

/** A tenant: one organisation or location with its own phonebooks and contacts. */
export const SiteEntity = defineEntity({
  name: 'Site',
  tableName: 'site',
  properties: {
    id: p.uuid().primary(),
    slug: p.string().length(64).unique(),
    name: p.string().length(200),
    /** ISO 3166 alpha-2 country used to read national numbers (`030 1234567`). */
    defaultCountry: p.string().length(2).nullable(),
    /** IANA time zone its calls are counted in (stats per local day, week and hour). */
    timeZone: p.string().length(64).default('UTC'),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type Site = InstanceType<typeof SiteEntity.class>;
