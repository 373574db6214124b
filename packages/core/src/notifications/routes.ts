import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { createRouter } from '../http/openapi.js';
import { errors, json, pageOf } from '../http/common.js';
import type { NotificationService } from './service.js';

const NotificationSchema = z
  .object({ id: z.uuid(), siteId: z.uuid().nullable(), level: z.enum(['info', 'warning', 'error']), title: z.string(), body: z.string().nullable(), read: z.boolean(), createdAt: z.iso.datetime() })
  .meta({ id: 'Notification' });

export function notificationRoutes(notifications: NotificationService) {
  const app = createRouter();
  const tags = ['Notifications'];
  app.openapi(
    createRoute({
      method: 'get',
      path: '/notifications',
      tags,
      summary: 'List notifications, newest first',
      request: {
        query: z.object({
          unreadOnly: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
      responses: { 200: json(pageOf(NotificationSchema, 'NotificationPage'), 'A page of notifications'), 422: errors[422] },
    }),
    async (c) => c.json(await notifications.list(c.req.valid('query')), 200),
  );
  app.openapi(createRoute({ method: 'get', path: '/notifications/unread-count', tags, summary: 'How many are unread', responses: { 200: json(z.object({ unread: z.number().int() }), 'Unread count') } }), async (c) =>
    c.json({ unread: await notifications.unreadCount() }, 200),
  );
  app.openapi(createRoute({ method: 'post', path: '/notifications/mark-all-read', tags, summary: 'Mark every notification read', responses: { 200: json(z.object({ marked: z.number().int() }), 'How many were marked') } }), async (c) =>
    c.json({ marked: await notifications.markAllRead() }, 200),
  );
  app.openapi(createRoute({ method: 'delete', path: '/notifications', tags, summary: 'Clear all notifications', responses: { 200: json(z.object({ cleared: z.number().int() }), 'How many were removed') } }), async (c) =>
    c.json({ cleared: await notifications.clearAll() }, 200),
  );
  return app;
}
