import type { MikroORM } from '@mikro-orm/core';
import { systemActor } from '../base/actor.js';
import type { AuditService } from '../audit/service.js';
import type { HookBus } from '../hooks/bus.js';
import type { JobService, ScheduledJob } from '../jobs/service.js';
import type { Logger } from '../base/logger.js';
import type { SettingsService } from '../settings/service.js';
import { SiteEntity } from '../sites/entities.js';
import { CallRecordEntity } from './entities.js';
import { CALLS_SETTINGS, type CallsSettings } from './settings.js';

/** Rows deleted per statement: a purge of a year of calls never holds one long lock. */
const BATCH = 5000;
const DAY_MS = 24 * 3600 * 1000;

export interface PurgeReport {
  sites: { siteId: string; retentionDays: number; before: string; deleted: number }[];
  deleted: number;
}

/**
 * Retention of the call log: each site keeps its calls `calls.retentionDays` days (0: forever). A
 * daily job deletes older ones (by when they started), in batches, and writes one audit row per
 * site it deleted calls of (`calls.purged`, with the count and the cut-off), so a shrinking log is
 * never a silent one.
 */
export class CallRetention {
  private job: ScheduledJob | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly jobs: JobService,
    private readonly logger: Logger,
    private readonly hooks: HookBus,
  ) {}

  start(): void {
    this.job = this.jobs.schedule({ id: 'calls.retention', label: 'Purge of calls older than each site keeps them', owner: 'core', cron: '17 3 * * *', run: () => this.purge() });
  }

  stop(): void {
    this.job?.stop();
  }

  /** Delete every site's calls older than it keeps them (as of `now`); what went. */
  async purge(now = new Date()): Promise<PurgeReport> {
    const report: PurgeReport = { sites: [], deleted: 0 };
    const sites = await this.orm.em.fork().find(SiteEntity, {}, { fields: ['id'] });
    for (const { id: siteId } of sites) {
      let days: number;
      try {
        days = (await this.settings.get<CallsSettings>(CALLS_SETTINGS, siteId, { secrets: false })).retentionDays;
      } catch (err) {
        this.logger.error({ err, siteId }, 'call retention: the settings of the site could not be read; its calls are kept');
        continue;
      }
      if (!days) continue;
      const before = new Date(now.getTime() - days * DAY_MS);
      let deleted = 0;
      for (;;) {
        const em = this.orm.em.fork();
        const rows = await em.find(CallRecordEntity, { site: siteId, startedAt: { $lt: before } }, { fields: ['id', 'conversationId'], limit: BATCH });
        if (!rows.length) break;
        const ids = rows.map((r) => r.id);
        deleted += await em.nativeDelete(CallRecordEntity, { id: { $in: ids } });
        const conversationIds = [...new Set(rows.map((r) => r.conversationId).filter((c): c is string => !!c))];
        await this.hooks.emit('call.deleted', { siteId, ids, conversationIds });
        if (rows.length < BATCH) break;
      }
      if (!deleted) continue;
      await this.audit.record('calls.purged', systemActor, { siteId, detail: { deleted, before: before.toISOString(), retentionDays: days } });
      this.logger.info({ siteId, deleted, before: before.toISOString() }, 'calls past retention purged');
      report.sites.push({ siteId, retentionDays: days, before: before.toISOString(), deleted });
      report.deleted += deleted;
    }
    return report;
  }
}
