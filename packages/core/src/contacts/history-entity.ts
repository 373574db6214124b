import { defineEntity, p } from '@mikro-orm/core';

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
