import { AuditToken } from '../audit/module.js';
import { Registry } from '../base/registry.js';
import { ContactsToken } from '../contacts/module.js';
import { JobsToken } from '../jobs/module.js';
import { CoreTokens, defineModule, pick, provide, token } from '../module.js';
import { SettingsToken } from '../settings/module.js';
import type { CallSource } from './contracts.js';
import { CallLinkExclusionEntity, CallRecordEntity } from './entities.js';
import './events.js';
import { migrations } from './migrations.js';
import { CallResolution } from './resolution.js';
import { callLinkRoutes } from './link-routes.js';
import { CallLinking } from './linking.js';
import { callMediaRoutes } from './media-routes.js';
import { CallRecordings } from './recordings.js';
import { CallRetention } from './retention.js';
import { callRoutes } from './routes.js';
import { callImportRoutes } from './import-routes.js';
import { PHONE_IMPORT_SOURCE, PhoneImport } from './phone-import.js';
import { callReportRoutes } from './stats-routes.js';
import { CallService } from './service.js';
import { callsCategory } from './settings.js';

/** The registered call sources (Teams, Placetel, Asterisk CDR). */
export const CallSourcesToken = token<Registry<CallSource>>('calls.sources');
/** The call log. */
export const CallsToken = token<CallService>('calls');
/** Recordings and voicemail of calls, streamed from their sources. */
export const CallRecordingsToken = token<CallRecordings>('calls.recordings');
/** The daily purge of calls past each site's retention. */
export const CallRetentionToken = token<CallRetention>('calls.retention');
/** Imports of a phone's call history (PBAP vCards, CSV) as calls of source `phone_import`. */
export const PhoneImportToken = token<PhoneImport>('calls.phoneImport');
/** Linking one call's records of several sources into one conversation, in the background. */
export const CallLinkingToken = token<CallLinking>('calls.linking');

const PLUGIN_METHODS = ['upsert', 'upsertMany', 'list', 'get'] as const;

/**
 * The façade plugins get as `ctx.calls`: `registerSource` for a system that carries calls, and the
 * call log — `upsert(siteId, source, record)` merges one event or snapshot of a call (idempotent by
 * its `externalId`, in any order), `upsertMany` a batch in one transaction, `list` and `get`.
 */
export type CallsApi = Pick<CallService, (typeof PLUGIN_METHODS)[number]> & {
  registerSource(source: CallSource): void;
};

declare module '../plugin/context.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged into PluginContext<O, S>, whose type parameters it must repeat
  interface PluginContext<O, S> {
    readonly calls: CallsApi;
  }
}

/** Calls: the unified call log (every source's calls, and manual ones), matched to contacts; where call sources register. */
export const callsModule = defineModule({
  name: 'calls',
  entities: [CallRecordEntity, CallLinkExclusionEntity],
  migrations,
  register: (c) => {
    provide(c, CallSourcesToken, () => {
      const sources = new Registry<CallSource>('call source');
      sources.register(PHONE_IMPORT_SOURCE, 'core'); // built in, like `manual`
      return sources;
    });
    provide(c, CallsToken, (r) => {
      const config = r.resolve(CoreTokens.Config);
      const hooks = r.resolve(CoreTokens.Hooks);
      const orm = r.resolve(CoreTokens.Orm);
      const contacts = r.resolve(ContactsToken);
      const resolution = new CallResolution(orm, contacts, r.resolve(JobsToken), r.resolve(CoreTokens.Logger).child({ area: 'calls' }));
      const calls = new CallService(orm, hooks, contacts, r.resolve(CallSourcesToken), resolution, config.defaultCountry ?? null);
      // Contacts changed: the site's unresolved calls are tried again (debounced, in the background).
      const changed = ({ contact }: { contact: { siteId: string } }) => resolution.siteChanged(contact.siteId);
      hooks.on('contact.created', changed, { owner: 'core' });
      hooks.on('contact.updated', changed, { owner: 'core' });
      hooks.on('contact.restored', changed, { owner: 'core' });
      hooks.on('phonebook.changed', ({ siteId }) => resolution.siteChanged(siteId), { owner: 'core' });
      hooks.on('contact.deleted', ({ contact, permanent }) => (permanent ? calls.contactPurged(contact.siteId, contact.id) : undefined), { owner: 'core' });
      // A site with calls is not deleted.
      hooks.filter('site.beforeDelete', async (v) => {
        const n = await calls.countInSite(v.site.id);
        return n ? { ...v, holds: [...v.holds, `${n} call(s)`] } : v;
      }, { owner: 'core' });
      return calls;
    });
    provide(c, CallRecordingsToken, (r) => new CallRecordings(r.resolve(CoreTokens.Orm), r.resolve(CallSourcesToken), r.resolve(CoreTokens.Logger).child({ area: 'calls' })));
    provide(c, PhoneImportToken, (r) => new PhoneImport(r.resolve(CoreTokens.Orm), r.resolve(CallsToken), r.resolve(AuditToken)));
    provide(c, CallLinkingToken, (r) => {
      r.resolve(CallRetentionToken); // registers the settings category calls
      const hooks = r.resolve(CoreTokens.Hooks);
      const linking = new CallLinking(r.resolve(CoreTokens.Orm), hooks, r.resolve(SettingsToken), r.resolve(AuditToken), r.resolve(JobsToken), r.resolve(CoreTokens.Logger).child({ area: 'calls' }));
      // A recorded call, or one whose times or number moved: linked with other sources' records in the background.
      const LINKED_BY = new Set(['startedAt', 'answeredAt', 'endedAt', 'durationSeconds', 'status', 'remoteNumber']);
      hooks.on('call.recorded', ({ call }) => linking.queue(call.siteId, [call.id]), { owner: 'core' });
      hooks.on('call.updated', ({ call, changes }) => (changes.some((f) => LINKED_BY.has(f)) ? linking.queue(call.siteId, [call.id]) : undefined), { owner: 'core' });
      // A deleted record's conversation: its other records are linked again (a new primary, or none left to link).
      hooks.on('call.deleted', ({ siteId, conversationIds }) => (conversationIds.length ? linking.conversationsChanged(siteId, conversationIds) : undefined), { owner: 'core' });
      return linking;
    });
    provide(c, CallRetentionToken, (r) => {
      const settings = r.resolve(SettingsToken);
      settings.register(callsCategory());
      return new CallRetention(r.resolve(CoreTokens.Orm), settings, r.resolve(AuditToken), r.resolve(JobsToken), r.resolve(CoreTokens.Logger).child({ area: 'calls' }), r.resolve(CoreTokens.Hooks));
    });
  },
  policies: [
    ['GET', '/calls', 'user'],
    ['GET', '/calls/stats', 'user'],
    ['GET', '/calls/export', 'user'],
    ['GET', '/calls/sources', 'user'],
    ['POST', '/calls', 'user'],
    ['POST', '/calls/imports', 'user'],
    ['GET', '/calls/:id', 'user'],
    ['PATCH', '/calls/:id', 'user'],
    ['DELETE', '/calls/:id', 'user'],
    ['GET', '/contacts/:id/calls', 'user'],
    ['GET', '/calls/:id/recording', 'user'],
    ['GET', '/calls/:id/links', 'user'],
    ['DELETE', '/calls/:id/links', 'user'],
  ],
  routes: (c) => [
    // Before the call routes: `/calls/{id}` would take `/calls/stats`, `/calls/imports`.
    callReportRoutes({ orm: c.resolve(CoreTokens.Orm), sources: c.resolve(CallSourcesToken), audit: c.resolve(AuditToken), defaultCountry: c.resolve(CoreTokens.Config).defaultCountry ?? null }),
    callImportRoutes(c.resolve(PhoneImportToken)),
    callRoutes(c.resolve(CallsToken)),
    callMediaRoutes(c.resolve(CallRecordingsToken)),
    callLinkRoutes(c.resolve(CallLinkingToken)),
  ],
  facade: (c, plugin): { calls: CallsApi } => {
    const sources = c.resolve(CallSourcesToken);
    return { calls: { ...pick(c.resolve(CallsToken), PLUGIN_METHODS), registerSource: (source) => void sources.register(source, plugin.id) } };
  },
  start: (c) => c.resolve(CallRetentionToken).start(),
  stop: (c) => {
    c.resolve(CallRetentionToken).stop();
    return Promise.all([c.resolve(CallsToken).resolution.stop(), c.resolve(CallLinkingToken).stop()]).then(() => undefined);
  },
});
