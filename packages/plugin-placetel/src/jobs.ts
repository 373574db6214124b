/**
 * Back-fills as tracked jobs (`<instance>.backfill:<site id>`, progress at `GET /api/v1/jobs`;
 * one per site at a time), on request and on the daily schedule; and the hourly purge of the
 * replay guard's old hashes.
 */
import type { Actor, ScheduledJob } from '@dialbook/core';
import { backfill, type BackfillReport } from './backfill.js';
import type { PlacetelRuntime } from './runtime.js';

export function runBackfill(rt: PlacetelRuntime, siteId: string, slug: string, window: { start?: Date; end?: Date }, actor: Actor): Promise<BackfillReport> {
  return rt.ctx.jobs.track(`backfill:${siteId}`, `Placetel back-fill of site "${slug}"`, (progress) => {
    let done = 0;
    return backfill(rt, {
      siteId,
      actor,
      signal: rt.stopping.signal,
      ...window,
      progress: (d, total) => progress((done = d), total),
      message: (m) => progress(done, undefined, m),
    });
  });
}

/** The scheduled back-fill of every site with an API key and `backfillDays` > 0, one after another. */
async function scheduledBackfill(rt: PlacetelRuntime): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const { site, settings } of await rt.configuredSites()) {
    if (!settings.apiKey || settings.backfillDays <= 0) continue;
    try {
      out[site.slug] = await runBackfill(rt, site.id, site.slug, {}, rt.ctx.actor);
    } catch (err) {
      out[site.slug] = { error: err instanceof Error ? err.message : String(err) };
      rt.ctx.logger.warn({ err, site: site.slug }, `Placetel back-fill of site "${site.slug}" failed`);
    }
  }
  return out;
}

export function startSchedules(rt: PlacetelRuntime): ScheduledJob[] {
  const jobs: ScheduledJob[] = [];
  if (rt.options.syncCron) jobs.push(rt.ctx.jobs.schedule({ id: 'backfill', label: 'Placetel back-fill of every site', cron: rt.options.syncCron, run: () => scheduledBackfill(rt) }));
  jobs.push(rt.ctx.jobs.schedule({ id: 'replay-purge', label: 'Placetel: forget old webhook hashes', cron: '7 * * * *', run: async () => ({ purged: await rt.replay.purge() }) }));
  return jobs;
}
