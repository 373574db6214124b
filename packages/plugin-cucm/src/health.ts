/**
 * The plugin's status line: the connection test of every configured site's cluster, without the
 * RisPort step (which would spend the cluster's shared budget on every view of the plugins page).
 * Core cuts a health check off after 2 s, so results are kept for a while and a test still
 * running is answered from the last result; each cluster is tested once however many sites share it.
 */
import type { HealthCheck } from '@dialbook/core';
import { clusterKey } from './clients.js';
import type { ConnectionReport, CucmRuntime } from './runtime.js';

/** How long a test result stands. */
export const HEALTH_TTL_MS = 5 * 60_000;

export function healthCheck(rt: CucmRuntime, now: () => number = Date.now): HealthCheck {
  const cache = new Map<string, { at: number; report: ConnectionReport | null; running: Promise<ConnectionReport> | null }>();
  const report = (key: string, siteId: string): Promise<ConnectionReport> => {
    const entry = cache.get(key) ?? { at: 0, report: null, running: null };
    cache.set(key, entry);
    if (entry.report && now() - entry.at < HEALTH_TTL_MS) return Promise.resolve(entry.report);
    entry.running ??= rt
      .test(siteId, { risport: false })
      .then((r) => Object.assign(entry, { at: now(), report: r }).report!)
      .finally(() => (entry.running = null));
    // The last result while a new test runs (it lands in the cache for the next look).
    return entry.report ? Promise.resolve(entry.report) : entry.running;
  };

  return {
    id: 'connection',
    label: 'CUCM connection',
    async check() {
      const sites = await rt.configuredSites();
      if (!sites.length) return { ok: true, message: 'not set up for any site' };
      const clusters = new Map<string, { siteId: string; slugs: string[]; host: string }>();
      for (const { site, settings } of sites) {
        const key = clusterKey(settings);
        const c = clusters.get(key) ?? { siteId: site.id, slugs: [], host: `${settings.host}:${settings.port}` };
        c.slugs.push(site.slug);
        clusters.set(key, c);
      }
      const lines = await Promise.all(
        [...clusters].map(async ([key, c]) => {
          const r = await report(key, c.siteId);
          return { ok: r.ok, line: `${c.host} (site${c.slugs.length > 1 ? 's' : ''} ${c.slugs.map((s) => `"${s}"`).join(', ')}): ${r.message}` };
        }),
      );
      return { ok: lines.every((l) => l.ok), message: lines.map((l) => l.line).join('\n') };
    },
  };
}
