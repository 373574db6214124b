/**
 * The admin app's page "Teams change notifications" (`ctx.views.register`): the app GETs
 * `/api/v1/plugins/<instance>/subscriptions` and shows its rows by `columns` — no Teams code in
 * the web app. Per site: the state (off, needs server.publicUrl, active, failing, …), the
 * subscription id, when it runs out, the last notification and the last error.
 */
import type { PluginView } from '@dialbook/core';
import type { Ctx } from './runtime.js';

export const SUBSCRIPTIONS_VIEW: PluginView = {
  id: 'notifications',
  label: 'Teams change notifications',
  description: 'Graph change notifications per site (setting notifications): new and updated Teams calls arrive within seconds. They need server.publicUrl; the scheduled sync runs either way.',
  scope: 'global',
  path: '/subscriptions',
  columns: [
    { key: 'site', label: 'Site' },
    { key: 'state', label: 'Notifications', kind: 'badge' },
    { key: 'note', label: 'Note' },
    { key: 'subscriptionId', label: 'Subscription', kind: 'code' },
    { key: 'expiresAt', label: 'Expires at', kind: 'datetime' },
    { key: 'lastNotificationAt', label: 'Last notification', kind: 'datetime' },
    { key: 'lastError', label: 'Last error' },
  ],
  access: 'staff',
};

export function registerViews(ctx: Ctx): void {
  ctx.views.register(SUBSCRIPTIONS_VIEW);
}
