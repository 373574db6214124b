/**
 * @dialbook/plugin-teams — Microsoft Teams call records through Microsoft Graph as a call source:
 * the app registration signs in with the client-credentials flow (`@azure/msal-node`, a secret or
 * a certificate, any national cloud); callRecords are synced per site over a window on request
 * and on each site's schedule from a cursor with an overlap, as tracked jobs, one call record per
 * Teams call (`externalId` = the callRecord id).
 *
 * ```yaml
 * plugins:
 *   teams:
 *     package: '@dialbook/plugin-teams'
 * # per site through PATCH /api/v1/settings/teams?siteId=… : tenantId, clientId, clientSecret, users, syncCron, …
 * ```
 */
import { definePlugin } from '@dialbook/core';
import { registerActions } from './actions.js';
import { healthCheck } from './health.js';
import { Schedules } from './jobs.js';
import { TeamsOptionsSchema } from './options.js';
import { createRoutes } from './routes.js';
import { TeamsRuntime, type RuntimeHooks } from './runtime.js';
import { TeamsSettingsSchema } from './settings.js';
import { callSource } from './source.js';
import { entities, migrations } from './store.js';

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
      const state = { rt, schedules: null as Schedules | null };
      ctx.calls.registerSource(callSource(rt));
      ctx.http.route('/', createRoutes(rt), { access: 'staff' });
      registerActions(rt);
      ctx.health.register(healthCheck(rt, () => state.schedules));
      ctx.hooks.on('settings.changed', ({ category }) => {
        if (category === ctx.id) void state.schedules?.refresh().catch((err: unknown) => ctx.logger.warn({ err }, 'Teams: could not update the sync schedules'));
      });
      return state;
    },

    async start(_ctx, state) {
      state.schedules = new Schedules(state.rt);
      await state.schedules.refresh();
    },

    stop(_ctx, state) {
      state.schedules?.stop();
      state.rt.stopping.abort();
    },
  });
}

export default createTeamsPlugin();
