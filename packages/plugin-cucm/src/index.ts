/**
 * @dialbook/plugin-cucm — Cisco CUCM over AXL (SOAP) and RisPort70: people's PINs (forced
 * authorization codes), the phones they own, phone lookup by MAC and search with live
 * registration state, enrichment of synced contacts, the PIN mail, and a CSV of MACs and PINs.
 *
 * ```yaml
 * plugins:
 *   cucm:
 *     package: '@dialbook/plugin-cucm'
 * settings:            # or per site through PATCH /api/v1/settings/cucm?siteId=…
 *   cucm: { host: cucm-pub.example.net, username: dialbook-axl }   # the password through the API or DIALBOOK_SETTING_CUCM__PASSWORD
 * ```
 *
 * The protocol layer (AxlClient, RisClient, probe, normaliseMac, …) stays available as named exports.
 */
import { definePlugin, isDialbookError } from '@dialbook/core';
import { registerActions } from './actions.js';
import { entities, migrations } from './budget-store.js';
import { cucmEnricher } from './enricher.js';
import { healthCheck } from './health.js';
import { phonesPinsImport } from './import.js';
import { PIN_MAIL } from './mail.js';
import { Phones } from './phones.js';
import { PIN_KEY, PIN_LABEL } from './pin.js';
import type { Clock } from './retry.js';
import { createRoutes } from './routes.js';
import { CucmRuntime } from './runtime.js';
import { CucmSettingsSchema } from './settings.js';
import { registerViews } from './views.js';

// ---- the protocol layer ----
export { AxlClient, type AxlClientOptions } from './axl/client.js';
export type { AxlConnectionOptions, AxlEvent, VersionInfo } from './axl/connection.js';
export type { CucmUser, FacCriteria, FacInfo, ListRange, OwnedPhone, OwnedPhones, Phone, PhoneCriteria, PhoneLine, PhoneLink, PhoneSummary } from './axl/types.js';
export { classifyAxlError } from './axl/classify.js';
export { CucmError, isCucmError, type CucmErrorCode, type CucmErrorInfo, type CucmService } from './errors.js';
export { macOfDeviceName, normaliseMac, parseMac } from './mac.js';
export { probe, type ProbeOptions, type ProbeReport, type ProbeStep, type ProbeStepName } from './probe.js';
export { systemClock, type Clock, type RetryOptions } from './retry.js';
export { RisClient, RIS_MAX_DEVICES, type RisClientOptions, type SelectOptions } from './risport/client.js';
export { InProcessRateBudget, DEFAULT_RIS_PER_MINUTE, type RateBudget } from './risport/budget.js';
export type { Registration, RegistrationStatus } from './risport/mapping.js';
export type { TlsOptions } from './transport.js';
export { axlWsdl, axlNamespace, axlSoapAction } from './wsdl/axl.js';
export { risportWsdl } from './wsdl/risport.js';
export { toolkitCatalog, type WsdlSource } from './wsdl/source.js';
export { KNOWN_VERSIONS, bestVersion, parseSupportedVersions } from './wsdl/versions.js';
// ---- the plugin layer ----
export { CucmSettingsSchema, type CucmSettings } from './settings.js';
export { DbRateBudget, type DbRateBudgetOptions } from './budget-store.js';
export type { ConnectionReport } from './runtime.js';
export type { PhoneRow, Badge } from './rows.js';
export type { StoredPhone } from './enrich-mapping.js';
export { PIN_KEY } from './pin.js';

/** `phones-pins` for the instance `cucm`; `<instance id>.phones-pins` for others (import ids are not prefixed by core). */
const scoped = (id: string, name: string) => (id === 'cucm' ? name : `${id}.${name}`);

/** What a plugin value made by {@link createCucmPlugin} runs with, besides its settings. */
export interface CucmPluginOptions {
  /** Tests only: replaces the plugin's timers (backoffs, RisPort's one-minute window). */
  clock?: Clock;
}

/**
 * The plugin as a value. The default export is `createCucmPlugin()`; tests make one with a
 * faster clock, so CUCM's minute passes in seconds.
 */
export function createCucmPlugin(options: CucmPluginOptions = {}) {
  return definePlugin({
    name: 'cucm',
    version: '0.1.0',
    description: 'Cisco CUCM: PINs (forced authorization codes), phones and their registration state',
    settings: CucmSettingsSchema,
    settingsScope: 'site',
    entities,
    migrations,

    setup(ctx) {
      const rt = new CucmRuntime(ctx, options.clock);
      const phones = new Phones(rt);

      // The PIN is one secret attribute for every CUCM instance (one per cluster): the first registers it.
      try {
        ctx.contacts.registerSecretAttribute({ key: PIN_KEY, label: PIN_LABEL });
      } catch (err) {
        if (!isDialbookError(err) || err.code !== 'DIALBOOK_PLUGIN_REGISTRY_DUPLICATE') throw err;
      }

      const enricherId = ctx.id;
      ctx.contacts.registerEnricher(cucmEnricher(rt, enricherId));
      ctx.contacts.registerAttributeImport(phonesPinsImport(scoped(ctx.id, 'phones-pins'), async (siteId) => (await rt.settingsFor(siteId)).userIdAttribute));
      ctx.mail.registerTemplate(PIN_MAIL);
      registerActions(rt, enricherId);
      ctx.health.register(healthCheck(rt));
      ctx.http.route('/', createRoutes(rt, phones), { access: 'staff' });
      registerViews(rt.ctx);

      // Clients follow the settings: a changed cluster gets new ones, unused ones are closed.
      const refresh = () => rt.refresh().catch((err: unknown) => ctx.logger.warn({ err }, 'could not refresh the CUCM clients'));
      ctx.hooks.on('settings.changed', async ({ category }) => {
        if (category === ctx.id) await refresh();
      });
      ctx.hooks.on('cluster.resync', refresh);
      return rt;
    },

    stop(_ctx, rt) {
      rt.stop();
    },
  });
}

export default createCucmPlugin();
