/**
 * @dialbook/plugin-teams — Microsoft Teams call records through Microsoft Graph as a call source:
 * the app registration signs in with the client-credentials flow (`@azure/msal-node`, a secret or
 * a certificate, any national cloud); callRecords are synced per site over a window on request
 * and on each site's schedule from a cursor with an overlap, as tracked jobs, one call record per
 * Teams call (`externalId` = the callRecord id). With the site setting `notifications` and
 * `server.publicUrl`, a Graph change-notification subscription brings calls in within seconds.
 *
 * ```yaml
 * plugins:
 *   teams:
 *     package: '@dialbook/plugin-teams'
 * # per site through PATCH /api/v1/settings/teams?siteId=… : tenantId, clientId, clientSecret, users, syncCron, …
 * ```
 */
import { definePlugin, type ScheduledJob } from '@dialbook/core';
import { registerActions } from './actions.js';
import { healthCheck } from './health.js';
import { Schedules } from './jobs.js';
import { NotificationQueue } from './notification-queue.js';
import { createNotificationRoutes } from './notifications.js';
import { TeamsOptionsSchema } from './options.js';
import { createRoutes } from './routes.js';
import { TeamsRuntime, type RuntimeHooks } from './runtime.js';
import { TeamsSettingsSchema } from './settings.js';
import { callSource } from './source.js';
import { entities, migrations } from './store.js';
import { Subscriptions } from './subscriptions.js';
import { registerViews } from './views.js';

export { TeamsSettingsSchema, isConfigured, type TeamsSettings } from './settings.js';
export { TeamsOptionsSchema, type TeamsOptions } from './options.js';
export { TeamsError, isTeamsError, NOT_CONFIGURED, type TeamsErrorCode } from './errors.js';
export { CLOUDS, graphScope, type Cloud } from './clouds.js';
export { mapCallRecord, type MappedCall } from './mapping.js';
export { mapDirectRoutingRow, mapPstnRow } from './log-mapping.js';
export { partyOf, type Party, type PartyKind } from './parties.js';
export { GraphClient, retryAfterMs, graphTime } from './graph-client.js';
export { msalTokenSource, authError, type Credentials, type TokenSource } from './auth.js';
export type * from './graph-types.js';
export type { TeamsSyncReport } from './sync.js';
export type { RuntimeHooks } from './runtime.js';
export { LIFETIME_MINUTES, NEEDS_PUBLIC_URL, type NotificationsState, type SiteNotifications } from './subscriptions.js';
export { MAX_ITEMS, MAX_NOTIFICATION_BYTES } from './notifications.js';

/**
 * The plugin as a value. The default export is `createTeamsPlugin()`; tests make one with a
 * faster wait for Retry-After and pacing, and their own clock.
 */
export function createTeamsPlugin(hooks: RuntimeHooks = {}) {
  return definePlugin({
    name: 'teams',
    version: '0.1.0',
    description: 'Microsoft Teams: call records from Microsoft Graph',
    options: TeamsOptionsSchema,
    settings: TeamsSettingsSchema,
    settingsScope: 'site',
    entities,
    migrations,

    setup(ctx) {
      const rt = new TeamsRuntime(ctx, hooks);
      const subs = new Subscriptions(rt);
      const state = { rt, subs, schedules: null as Schedules | null, renewal: null as ScheduledJob | null };
      ctx.calls.registerSource(callSource(rt));
      ctx.http.route('/notifications', createNotificationRoutes(rt, subs, new NotificationQueue(rt)), { access: 'public' });
      ctx.http.route('/', createRoutes(rt, subs), { access: 'staff' });
      registerActions(rt, subs);
      registerViews(ctx);
      ctx.health.register(healthCheck(rt, () => state.schedules, subs));
      ctx.hooks.on('settings.changed', ({ category }) => {
        if (category !== ctx.id) return;
        void state.schedules?.refresh().catch((err: unknown) => ctx.logger.warn({ err }, 'Teams: could not update the sync schedules'));
        if (state.renewal) void subs.reconcile().catch((err: unknown) => ctx.logger.warn({ err }, 'Teams: could not update the change-notification subscriptions'));
      });
      return state;
    },

    async start(ctx, state) {
      state.schedules = new Schedules(state.rt);
      await state.schedules.refresh();
      state.renewal = ctx.jobs.schedule({ id: 'subscriptions', label: 'Teams change-notification subscriptions', cron: ctx.options.subscriptionCron, run: () => state.subs.reconcile() });
      // Not awaited: Graph (which calls back for the handshake) may be slow or down; the schedule tries again.
      void state.subs.reconcile().catch((err: unknown) => ctx.logger.warn({ err }, 'Teams: could not check the change-notification subscriptions'));
    },

    stop(_ctx, state) {
      state.schedules?.stop();
      state.renewal?.stop();
      state.rt.stopping.abort();
    },
  });
}

export default createTeamsPlugin();
