/** The plugin's buttons: "Test connection" and "Back-fill now" (the site's last backfillDays days), per site. */
import type { ActionResult } from '@dialbook/core';
import { isPlacetelError } from './errors.js';
import { runBackfill } from './jobs.js';
import type { PlacetelRuntime } from './runtime.js';
import { testConnection } from './source.js';

const summary = (r: { days: number; rows: number; created: number; updated: number; unchanged: number; matched: number; failed: number }) =>
  `${r.rows} call(s) over ${r.days} day(s): ${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged, ${r.matched} matched to webhook calls${r.failed ? `, ${r.failed} failed` : ''}`;

export function registerActions(rt: PlacetelRuntime): void {
  const { ctx } = rt;
  const withKey = async () => (await rt.configuredSites()).filter((s) => s.settings.apiKey).map((s) => s.site.id);
  const sitesOf = async (siteId: string | undefined) => (siteId ? [await rt.site(siteId)] : (await rt.configuredSites()).filter((s) => s.settings.apiKey).map((s) => s.site));

  ctx.actions.register({
    id: 'test',
    label: 'Test connection',
    description: "Ask Placetel's REST API who the site's API key belongs to (GET /v2/me)",
    sites: withKey,
    async run({ siteId }): Promise<ActionResult> {
      const sites = await sitesOf(siteId);
      if (!sites.length) return { ok: false, message: 'no site has a Placetel API key (setting apiKey)' };
      const reports = await Promise.all(sites.map(async (s) => ({ site: s.slug, ...(await testConnection(rt, s.id)) })));
      return { ok: reports.every((r) => r.ok), message: reports.map((r) => `site "${r.site}": ${r.message}`).join('\n'), data: reports };
    },
  });

  ctx.actions.register({
    id: 'backfill',
    label: 'Back-fill now',
    description: "Read the site's recent calls (setting backfillDays) from Placetel's REST API; calls known from webhooks are merged",
    sites: withKey,
    async run({ siteId, actor }): Promise<ActionResult> {
      const sites = await sitesOf(siteId);
      if (!sites.length) return { ok: false, message: 'no site has a Placetel API key (setting apiKey)' };
      const lines: string[] = [];
      let ok = true;
      for (const s of sites) {
        try {
          lines.push(`site "${s.slug}": ${summary(await runBackfill(rt, s.id, s.slug, {}, actor))}`);
        } catch (err) {
          if (!isPlacetelError(err) && !(err instanceof Error && 'status' in err)) throw err;
          ok = false;
          lines.push(`site "${s.slug}": ${err.message}`);
        }
      }
      return { ok, message: lines.join('\n') };
    },
  });
}
