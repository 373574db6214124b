import { CoreTokens, defineModule, pick, provide, token } from '../module.js';
import { NotificationEntity } from './entities.js';
import './events.js';
import { notificationRoutes } from './routes.js';
import { NotificationService } from './service.js';

export const NotificationsToken = token<NotificationService>('notifications');

export type NotificationsApi = Pick<NotificationService, 'notify'>;

declare module '../plugin/context.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged into PluginContext<O, S>, whose type parameters it must repeat
  interface PluginContext<O, S> {
    readonly notifications: NotificationsApi;
  }
}

/** Notifications: what the admin app's bell shows (a sync that failed, a contact purged, …). */
export const notificationsModule = defineModule({
  name: 'notifications',
  entities: [NotificationEntity],
  register: (c) => provide(c, NotificationsToken, (r) => new NotificationService(r.resolve(CoreTokens.Orm), r.resolve(CoreTokens.Hooks))),
  policies: [
    ['GET', '/notifications', 'user'],
    ['GET', '/notifications/unread-count', 'user'],
    ['POST', '/notifications/mark-all-read', 'user'],
    ['DELETE', '/notifications', 'user'],
  ],
  routes: (c) => notificationRoutes(c.resolve(NotificationsToken)),
  facade: (c): { notifications: NotificationsApi } => ({ notifications: pick(c.resolve(NotificationsToken), ['notify']) }),
});
