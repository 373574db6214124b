/**
 * The plugin's status line: per set-up site, its cloud, schedule and cursor, and its change
 * notifications; a bad schedule or a failing subscription is a warning (polling goes on).
 */
import type { HealthCheck } from '@dialbook/core';
import type { Schedules } from './jobs.js';
import type { TeamsRuntime } from './runtime.js';
import type { SiteNotifications, Subscriptions } from './subscriptions.js';

const notificationsLine = (n: SiteNotifications | undefined): string => {
  if (!n || n.state === 'off') return 'change notifications off';
  if (n.state === 'active') return `change notifications active (subscription ${n.subscriptionId}, expires ${n.expiresAt}${n.lastNotificationAt ? `, last notification ${n.lastNotificationAt}` : ''})`;
  if (n.state === 'failing') return `change notifications failing: ${n.lastError ?? n.note ?? 'unknown error'}`;
  return `change notifications ${n.state}${n.note ? `: ${n.note}` : ''}`;
};

export function healthCheck(rt: TeamsRuntime, schedules: () => Schedules | null, subs: Subscriptions): HealthCheck {
  return {
    id: 'sync',
    label: 'Teams call records',
    async check() {
      const sites = await rt.configuredSites();
      if (!sites.length) return { ok: true, message: 'not set up for any site' };
      const notifications = new Map((await subs.status()).map((n) => [n.siteId, n]));
      const lines = await Promise.all(
        sites.map(async ({ site, settings }) => {
          const problem = schedules()?.problems.get(site.id);
          const cursor = await rt.cursors.get(site.id);
          const via = settings.certificate ? 'certificate' : 'client secret';
          const when = problem ? `schedule invalid: ${problem}` : settings.syncCron ? `synced on "${settings.syncCron}"` : 'synced on request only';
          const n = notifications.get(site.id);
          const ok = !problem && n?.state !== 'failing' && n?.state !== 'needs server.publicUrl';
          return { ok, line: `site "${site.slug}": ${settings.cloud} cloud, ${via}, ${when}, ${cursor ? `read up to ${cursor.toISOString()}` : 'not synced yet'}; ${notificationsLine(n)}` };
        }),
      );
      return { ok: lines.every((l) => l.ok), message: lines.map((l) => l.line).join('\n') };
    },
  };
}
