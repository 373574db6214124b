/**
 * @dialbook/plugin-placetel — Placetel cloud PBX as a call source: signed webhooks (the Notify
 * API's form posts and the subscription API's JSON) merged by `call_id` into the call log, the
 * REST API's call journal as a back-fill (scheduled and on request, as tracked jobs), recordings
 * streamed through Dialbook, and optional Call Control (the XML answer to `IncomingCall`).
 *
 * ```yaml
 * plugins:
 *   placetel:
 *     package: '@dialbook/plugin-placetel'
 * # per site through PATCH /api/v1/settings/placetel?siteId=… : secret, apiKey, numbers, peers, …
 * ```
 */
import { definePlugin } from '@dialbook/core';
import { registerActions } from './actions.js';
import { healthCheck } from './health.js';
import { startSchedules } from './jobs.js';
import { PlacetelOptionsSchema } from './options.js';
import { createRoutes } from './routes.js';
import { PlacetelRuntime, type RuntimeHooks } from './runtime.js';
import { PlacetelSettingsSchema } from './settings.js';
import { callSource } from './source.js';
import { entities, migrations } from './store.js';
import { registerViews } from './views.js';
import { createWebhook } from './webhook.js';

export { PlacetelSettingsSchema, type PlacetelSettings } from './settings.js';
export { PlacetelOptionsSchema, type PlacetelOptions } from './options.js';
export { PlacetelError, isPlacetelError, type PlacetelErrorCode } from './errors.js';
export { sign, verify, SIGNATURE_HEADER } from './signature.js';
export { toEvent, readFields, bodyKind, EVENTS, HANGUP_TYPES, type PlacetelEvent, type PlacetelEventName, type HangupType } from './event.js';
export { webhookRecord, HANGUP_STATUS } from './mapping.js';
export { restRecord, type RestCall } from './rest-mapping.js';
export { decisionXml, ruleDecision, type RouteDecision } from './call-control.js';
export { MAX_WEBHOOK_BYTES } from './webhook.js';
export type { BackfillReport } from './backfill.js';
export type { RuntimeHooks } from './runtime.js';

/**
 * The plugin as a value. The default export is `createPlacetelPlugin()`; tests make one with a
 * faster wait for Retry-After.
 */
export function createPlacetelPlugin(hooks: RuntimeHooks = {}) {
  return definePlugin({
    name: 'placetel',
    version: '0.1.0',
    description: 'Placetel: signed call webhooks, REST back-fill, call control',
    options: PlacetelOptionsSchema,
    settings: PlacetelSettingsSchema,
    settingsScope: 'site',
    entities,
    migrations,

    setup(ctx) {
      const rt = new PlacetelRuntime(ctx, hooks);
      ctx.calls.registerSource(callSource(rt));
      ctx.http.route('/webhook', createWebhook(rt), { access: 'public' });
      ctx.http.route('/', createRoutes(rt), { access: 'staff' });
      registerActions(rt);
      registerViews(ctx);
      ctx.health.register(healthCheck(rt));
      return { rt, schedules: [] as ReturnType<typeof startSchedules> };
    },

    start(_ctx, state) {
      state.schedules = startSchedules(state.rt);
    },

    stop(_ctx, state) {
      for (const s of state.schedules) s.stop();
      state.rt.stopping.abort();
    },
  });
}

export default createPlacetelPlugin();
