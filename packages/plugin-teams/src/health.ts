/** The plugin's status line: per set-up site, its cloud, schedule and cursor; a bad schedule is a warning. */
import type { HealthCheck } from '@dialbook/core';
import type { Schedules } from './jobs.js';
import type { TeamsRuntime } from './runtime.js';

export function healthCheck(rt: TeamsRuntime, schedules: () => Schedules | null): HealthCheck {
  return {
    id: 'sync',
    label: 'Teams call records',
    async check() {
      const sites = await rt.configuredSites();
      if (!sites.length) return { ok: true, message: 'not set up for any site' };
      const lines = await Promise.all(
        sites.map(async ({ site, settings }) => {
          const problem = schedules()?.problems.get(site.id);
          const cursor = await rt.cursors.get(site.id);
          const via = settings.certificate ? 'certificate' : 'client secret';
          const when = problem ? `schedule invalid: ${problem}` : settings.syncCron ? `synced on "${settings.syncCron}"` : 'synced on request only';
          return { ok: !problem, line: `site "${site.slug}": ${settings.cloud} cloud, ${via}, ${when}, ${cursor ? `read up to ${cursor.toISOString()}` : 'not synced yet'}` };
        }),
      );
      return { ok: lines.every((l) => l.ok), message: lines.map((l) => l.line).join('\n') };
    },
  };
}
