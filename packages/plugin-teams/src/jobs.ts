/**
 * Syncs as tracked jobs (`<instance>.sync:<site id>`, progress at `GET /api/v1/jobs`; one per site
 * at a time): a window on request, and the scheduled sync of each site on its own `syncCron`,
 * which reads from its cursor less `overlapMinutes` (records are published late and updated)
 * up to now and moves the cursor after each slice.
 */
import type { ScheduledJob } from '@dialbook/core';
import type { TeamsRuntime } from './runtime.js';
import { syncWindow, type TeamsSyncReport } from './sync.js';

export function runSync(rt: TeamsRuntime, siteId: string, slug: string, window: { start: Date; end: Date }): Promise<TeamsSyncReport> {
  return rt.ctx.jobs.track(`sync:${siteId}`, `Teams sync of site "${slug}"`, (progress) => {
    let done = 0;
    return syncWindow(rt, { siteId, ...window, signal: rt.stopping.signal, progress: (d, total) => progress((done = d), total), message: (m) => progress(done, undefined, m) });
  });
}

/** The scheduled sync of a site: from its cursor (less the overlap; the first time, `firstSyncDays` back) to now. */
export async function runScheduledSync(rt: TeamsRuntime, siteId: string, slug: string): Promise<TeamsSyncReport> {
  const settings = await rt.configured(siteId);
  const now = rt.now();
  const cursor = await rt.cursors.get(siteId);
  const from = cursor ? cursor.getTime() - settings.overlapMinutes * 60_000 : now - settings.firstSyncDays * 86_400_000;
  const start = new Date(Math.max(from, now - 30 * 86_400_000));
  const end = new Date(now);
  return rt.ctx.jobs.track(`sync:${siteId}`, `Teams scheduled sync of site "${slug}"`, (progress) => {
    let done = 0;
    return syncWindow(rt, {
      siteId,
      start,
      end,
      signal: rt.stopping.signal,
      progress: (d, total) => progress((done = d), total),
      message: (m) => progress(done, undefined, m),
      onSlice: (until) => rt.cursors.advance(siteId, until),
    });
  });
}

/** One schedule per configured site with a `syncCron`; made again whenever the settings change. */
export class Schedules {
  private readonly jobs = new Map<string, { cron: string; job: ScheduledJob }>();
  readonly problems = new Map<string, string>();
  private stopped = false;

  constructor(private readonly rt: TeamsRuntime) {}

  async refresh(): Promise<void> {
    if (this.stopped) return;
    const wanted = new Map<string, { slug: string; cron: string }>();
    for (const { site, settings } of await this.rt.configuredSites()) if (settings.syncCron) wanted.set(site.id, { slug: site.slug, cron: settings.syncCron });
    for (const [siteId, { job }] of this.jobs)
      if (!wanted.has(siteId)) {
        job.stop();
        this.jobs.delete(siteId);
      }
    this.problems.clear();
    for (const [siteId, { slug, cron }] of wanted) {
      const known = this.jobs.get(siteId);
      if (known?.cron === cron) continue;
      known?.job.stop();
      this.jobs.delete(siteId);
      try {
        const tz = this.rt.options.scheduleTimezone;
        const job = this.rt.ctx.jobs.schedule({ id: `schedule:${siteId}`, label: `Teams scheduled sync of site "${slug}"`, cron, ...(tz ? { timezone: tz } : {}), run: () => runScheduledSync(this.rt, siteId, slug) });
        this.jobs.set(siteId, { cron, job });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.problems.set(siteId, message);
        this.rt.ctx.logger.warn({ site: slug }, `Teams: the sync schedule of site "${slug}" is not valid: ${message}`);
      }
    }
  }

  next(siteId: string): Date | null {
    return this.jobs.get(siteId)?.job.next() ?? null;
  }

  stop(): void {
    this.stopped = true;
    for (const { job } of this.jobs.values()) job.stop();
    this.jobs.clear();
  }
}
