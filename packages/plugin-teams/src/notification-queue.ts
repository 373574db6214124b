/**
 * The callRecords named by accepted change notifications, fetched in the background: per site one
 * tracked job at a time (`<instance>.notifications:<site id>`, at `GET /api/v1/jobs`) that reads,
 * maps and upserts them as the sync does (`syncRecords`), and goes on while more arrive. Ids that
 * arrive while the site has more than `MAX_PENDING` waiting are dropped (logged): the scheduled
 * sync's overlap reads them anyway.
 */
import type { TeamsRuntime } from './runtime.js';
import { syncRecords, type TeamsSyncReport } from './sync.js';

export const MAX_PENDING = 10_000;
/** Records read per round of the job. */
const BATCH = 50;

export class NotificationQueue {
  private readonly pending = new Map<string, Set<string>>();
  private readonly running = new Set<string>();

  constructor(private readonly rt: TeamsRuntime) {}

  /** Queue the records of a site; starts its job unless one runs. */
  add(siteId: string, ids: string[]): void {
    const set = this.pending.get(siteId) ?? new Set<string>();
    this.pending.set(siteId, set);
    let dropped = 0;
    for (const id of ids) {
      if (set.size >= MAX_PENDING && !set.has(id)) dropped++;
      else set.add(id);
    }
    if (dropped) this.rt.ctx.logger.warn({ site: siteId, dropped }, `Teams: ${dropped} notified call record(s) not queued (over ${MAX_PENDING} waiting); the scheduled sync reads them`);
    if (!this.running.has(siteId)) this.drain(siteId);
  }

  private drain(siteId: string): void {
    if (this.rt.stopping.signal.aborted) return;
    this.running.add(siteId);
    const total = { records: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
    this.rt.ctx.jobs
      .track(`notifications:${siteId}`, 'Teams: call records from change notifications', async (progress) => {
        const set = this.pending.get(siteId)!;
        while (set.size && !this.rt.stopping.signal.aborted) {
          const ids = [...set].slice(0, BATCH);
          for (const id of ids) set.delete(id);
          const r: TeamsSyncReport = await syncRecords(this.rt, siteId, ids, this.rt.stopping.signal);
          for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r[k];
          progress(total.records, total.records + set.size, `${total.records} notified call record(s) read`);
        }
        return total;
      })
      .catch((err: unknown) => {
        // Graph down or the site no longer set up: the scheduled sync reads what was waiting.
        this.pending.get(siteId)?.clear();
        this.rt.ctx.logger.warn({ site: siteId, code: (err as { code?: string }).code }, `Teams: reading notified call records failed (the scheduled sync reads them): ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => {
        this.running.delete(siteId);
        if (this.pending.get(siteId)?.size) this.drain(siteId);
        else this.pending.delete(siteId);
      });
  }
}
