import { defineEntity, p } from '@mikro-orm/core';

/** Who did what through the API: one row per write, and per sign-in attempt. */
export const AuditEventEntity = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_event',
  // The audit page filters by action (directory fetches) and by target (a phonebook), newest first.
  indexes: [{ properties: ['at'] }, { properties: ['actor'] }, { properties: ['action', 'at'] }, { properties: ['targetId'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    at: p.datetime(),
    actor: p.string().length(200),
    actorName: p.string().length(320).nullable(),
    action: p.string().length(100),
    method: p.string().length(10).nullable(),
    path: p.string().length(500).nullable(),
    status: p.integer().nullable(),
    siteId: p.uuid().nullable(),
    targetId: p.string().length(100).nullable(),
    ip: p.string().length(64).nullable(),
    detail: p.json<Record<string, unknown>>().nullable(),
  },
});
