/**
 * The plugin's buttons, per site: "Test connection" (sign in, read one page), "Sync now" (the
 * scheduled sync, at once) and "Check subscriptions" (the subscription schedule's work, at once).
 */
import type { ActionResult } from '@dialbook/core';
import { isTeamsError } from './errors.js';
import { runScheduledSync } from './jobs.js';
import type { TeamsRuntime } from './runtime.js';
import { testConnection } from './source.js';
import type { Subscriptions } from './subscriptions.js';

export function registerActions(rt: TeamsRuntime, subs: Subscriptions): void {
  const { ctx } = rt;
  const configured = async () => (await rt.configuredSites()).map((s) => s.site.id);
  const sitesOf = async (siteId: string | undefined) => (siteId ? [await rt.site(siteId)] : (await rt.configuredSites()).map((s) => s.site));

  ctx.actions.register({
    id: 'test',
    label: 'Test connection',
    description: 'Sign in to Entra ID with the app registration, then read one page of call records from Microsoft Graph',
    sites: configured,
    async run({ siteId }): Promise<ActionResult> {
      const sites = await sitesOf(siteId);
      if (!sites.length) return { ok: false, message: 'no site has Teams set up (tenant, client id and secret)' };
      const reports = await Promise.all(sites.map(async (s) => ({ site: s.slug, ...(await testConnection(rt, s.id)) })));
      return { ok: reports.every((r) => r.ok), message: reports.map((r) => `site "${r.site}": ${r.message}`).join('\n'), data: reports };
    },
  });

  ctx.actions.register({
    id: 'sync',
    label: 'Sync now',
    description: 'Read the call records Graph published since the last sync (with the overlap) into the call log',
    sites: configured,
    async run({ siteId }): Promise<ActionResult> {
      const sites = await sitesOf(siteId);
      if (!sites.length) return { ok: false, message: 'no site has Teams set up (tenant, client id and secret)' };
      const lines: string[] = [];
      let ok = true;
      for (const s of sites) {
        try {
          const r = await runScheduledSync(rt, s.id, s.slug);
          lines.push(`site "${s.slug}": ${r.records} record(s): ${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged${r.failed ? `, ${r.failed} failed` : ''}`);
        } catch (err) {
          if (!isTeamsError(err) && !(err instanceof Error && 'status' in err)) throw err;
          ok = false;
          lines.push(`site "${s.slug}": ${err.message}`);
        }
      }
      return { ok, message: lines.join('\n') };
    },
  });

  ctx.actions.register({
    id: 'subscriptions',
    label: 'Check subscriptions',
    description: 'Bring the Graph change-notification subscriptions in line now: create where notifications are on, renew those that run out within a third of their lifetime, delete where off',
    async run(): Promise<ActionResult> {
      await subs.reconcile();
      const rows = await subs.status();
      const slugs = new Map((await ctx.sites.list()).map((s) => [s.id, s.slug]));
      return { ok: rows.every((r) => r.state !== 'failing'), message: rows.map((r) => `site "${slugs.get(r.siteId) ?? r.siteId}": ${r.state}${r.expiresAt && r.state === 'active' ? ` until ${r.expiresAt}` : ''}${r.state === 'failing' && r.lastError ? `: ${r.lastError}` : r.note ? ` (${r.note})` : ''}`).join('\n') };
    },
  });
}
