/**
 * @dialbook/plugin-ldap — contacts from an LDAP directory or Active Directory, built on
 * ldapts: scheduled and on-request sync (paged, incremental where the server allows it,
 * with a guard against mass deletion), test connection, live search, import of one entry,
 * and UID conflicts an admin resolves.
 *
 * ```yaml
 * plugins:
 *   ldap:
 *     package: '@dialbook/plugin-ldap'
 * settings:            # or per site through PATCH /api/v1/settings/ldap?siteId=…
 *   ldap: { url: 'ldaps://dc1.example.net', preset: ad, baseDN: 'OU=Staff,DC=example,DC=net', bindDN: 'svc-dialbook@example.net' }
 * ```
 */
import { definePlugin, isDialbookError } from '@dialbook/core';
import { createRoutes } from './routes.js';
import { LdapService } from './service.js';
import { LdapSettingsSchema } from './settings.js';
import { entities, migrations } from './store.js';
import { summary, type LdapSyncOutcome } from './sync.js';

export { LdapSettingsSchema, resolveSettings, type LdapSettings, type ResolvedSettings } from './settings.js';
export { PRESETS, effectiveMapping, type AttributeMapping, type PresetName } from './presets.js';
export { mapEntry, formatGuid, guidBytes, type LdapEntry, type MappedEntry } from './mapping.js';
export { escapeFilterValue, searchFilter } from './filter.js';
export { classifyLdapError, type LdapProblem, type LdapStage } from './errors.js';
export type { LdapSyncOutcome } from './sync.js';
export type { ConflictDto } from './conflicts.js';
export type { ProbeReport } from './probe.js';
export type { SearchHit } from './lookup.js';
export type { SiteStatus } from './service.js';

/** Errors an admin can fix (not set up, directory unreachable, refused bind): reported by actions, not thrown. */
const isOperational = (err: unknown) => isDialbookError(err) && (err.status < 500 || err.status === 502);

const actionResult = (o: LdapSyncOutcome, site: string) => ({
  ok: !o.deletionBlocked && o.failed === 0,
  message: `site "${site}": ${summary(o)}${o.deletionBlocked ? ' (see notifications)' : ''}`,
  data: o,
});

export default definePlugin({
  name: 'ldap',
  version: '0.1.0',
  description: 'Contacts from an LDAP directory or Active Directory',
  settings: LdapSettingsSchema,
  settingsScope: 'site',
  entities,
  migrations,

  setup(ctx) {
    // One per instance (one package may run as several); setup hands it to start and stop.
    const service = new LdapService(ctx);

    ctx.contacts.registerSource({
      id: ctx.id,
      label: `LDAP directory (${ctx.id})`,
      // The whole outcome: a SyncResult with more (mode, entries, conflicts, deletionBlocked, …).
      sync: ({ siteId, actor, signal, progress }) => service.sync(siteId, { mode: 'full', trigger: 'manual', requestedBy: actor, signal, progress }),
      search: async (term, { siteId, limit }) => (await service.search(siteId, term, limit)).map((h) => ({ externalId: h.externalId, displayName: h.displayName, detail: `${h.detail}${h.detail === h.dn ? '' : ` — ${h.dn}`}` })),
      importOne: async (externalId, { siteId }) => (await service.importOne(siteId, externalId)).contact,
      async test() {
        // Without a site: the shared settings when they are complete, else every configured site.
        const shared = await service.test(null);
        if (shared.stage !== 'settings') return { ok: shared.ok, message: shared.message };
        const sites = await service.configuredSites();
        if (!sites.length) return { ok: false, message: `not set up: ${shared.message}` };
        const reports = await Promise.all(sites.map(async ({ site }) => ({ site, report: await service.test(site.id) })));
        return { ok: reports.every((r) => r.report.ok), message: reports.map((r) => `site "${r.site.slug}": ${r.report.message}`).join('\n') };
      },
    });

    /** The sites this instance is set up for (in the caller's scope): what its actions concern. */
    const configuredSiteIds = async () => (await service.configuredSites()).map((s) => s.site.id);

    ctx.actions.register({
      id: 'test',
      label: 'Test connection',
      description: 'Bind and search one entry with the site\'s settings; says which step failed (DNS, TCP, TLS, bind, base DN, filter)',
      sites: configuredSiteIds,
      async run({ siteId }) {
        const report = await service.test(siteId ?? null);
        return { ok: report.ok, message: report.message, data: report };
      },
    });

    ctx.actions.register({
      id: 'sync',
      label: 'Sync now',
      description: 'Read the whole directory into the site (every configured site without a siteId)',
      sites: configuredSiteIds,
      // The core runs it as this source's sync job of each site (progress at GET /api/v1/jobs).
      syncs: ctx.id,
      async run({ siteId, actor, progress }) {
        if (!siteId) return { ok: false, message: `LDAP "${ctx.id}" is not set up for any site (PATCH /api/v1/settings/${ctx.id}?siteId=…)` };
        try {
          const site = await ctx.sites.get(siteId);
          return actionResult(await service.sync(siteId, { mode: 'full', trigger: 'manual', requestedBy: actor, ...(progress ? { progress } : {}) }), site.slug);
        } catch (err) {
          if (!isOperational(err)) throw err;
          return { ok: false, message: (err as Error).message, data: null };
        }
      },
    });

    ctx.health.register({
      id: 'sync',
      label: 'LDAP sync',
      async check() {
        const sites = await service.configuredSites();
        if (!sites.length) return { ok: true, message: 'not set up for any site' };
        const lines: string[] = [];
        let ok = true;
        for (const { site } of sites) {
          const state = await service.store.state(site.id);
          if (state?.lastStatus === 'failed') ok = false;
          lines.push(`site "${site.slug}": ${state?.lastMessage ?? 'not synced yet'}`);
        }
        return { ok, message: lines.join('\n') };
      },
    });

    ctx.http.route('/', createRoutes(service), { access: 'staff' });

    // Schedules follow the settings: changed through the API, or a new site.
    ctx.hooks.on('settings.changed', async ({ category }) => {
      if (category === ctx.id) await service.refreshSchedules();
    });
    ctx.hooks.on('site.created', async () => {
      await service.refreshSchedules();
    });
    // Settings saved on another instance may have been missed (see the core's event relay).
    ctx.hooks.on('cluster.resync', async () => {
      await service.refreshSchedules();
    });
    return service;
  },

  async start(_ctx, service) {
    await service.start();
  },

  async stop(_ctx, service) {
    await service.stop();
  },
});
