import { defineEntity, p } from '@mikro-orm/core';

export const NotificationEntity = defineEntity({
  name: 'Notification',
  tableName: 'notification',
  indexes: [{ properties: ['readAt'] }, { properties: ['createdAt'] }],
  properties: {
    id: p.uuid().primary(),
    /** Null: concerns the whole installation. */
    siteId: p.uuid().nullable(),
    level: p.string().length(16),
    title: p.string().length(300),
    body: p.text().nullable(),
    readAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  },
});
