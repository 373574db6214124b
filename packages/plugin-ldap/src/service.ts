/**
 * One LDAP instance at run time: its settings per site, running syncs, schedules, and
 * what the source, the actions and the routes call. Per instance (one package may run as
 * `ldap-berlin` and `ldap-munich`).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DialbookError, isDialbookError, type Actor, type ContactDto, type ScheduledJob, type SiteDto } from '@dialbook/core';
import { resolveConflict, toConflictDto, type ConflictDto } from './conflicts.js';
import { importEntry, searchDirectory, type SearchHit } from './lookup.js';
import { probe, type ProbeReport } from './probe.js';
import type { Ctx } from './processor.js';
import { LdapSettingsSchema, resolveSettings, type ResolvedSettings } from './settings.js';
import { Store, type ConflictStatus, type Resolution } from './store.js';
import { chooseMode, runSync, type LdapSyncOutcome, type SyncOptions } from './sync.js';

export interface SiteStatus {
  siteId: string;
  configured: boolean;
  /** Why not, when it is not. */
  problem: string | null;
  enabled: boolean;
  schedule: string | null;
  nextRunAt: string | null;
  running: boolean;
  lastRunAt: string | null;
  lastFullAt: string | null;
  lastMode: string | null;
  lastStatus: string | null;
  lastMessage: string | null;
  lastResult: unknown;
  marker: string | null;
  markerAttribute: string | null;
  /** What a scheduled run would do now. */
  nextMode: { mode: string; reason: string } | null;
  openConflicts: number;
}

/** Settings that decide where the bind password goes. */
const CONNECTION_KEYS = ['url', 'startTls', 'tls', 'bindDN'] as const;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** `patch` over `base`, objects merged key by key; `null` removes a key (as in PATCH /settings). */
function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

export class LdapService {
  readonly store: Store;
  private readonly running = new Map<string, Promise<LdapSyncOutcome>>();
  private readonly stopping = new AbortController();
  private readonly schedules = new Map<string, { job: ScheduledJob; cron: string; timezone: string | undefined }>();
  private started = false;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: Ctx) {
    this.store = new Store(() => ctx.db.em(), ctx.id, `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`);
  }

  private site(siteId: string): Promise<SiteDto> {
    return this.ctx.sites.get(siteId);
  }

  /** The site's settings with the preset applied; 409 naming the missing keys while it is not set up. */
  async settingsFor(site: SiteDto): Promise<ResolvedSettings> {
    try {
      return resolveSettings(await this.ctx.settings.get(site.id));
    } catch (err) {
      if (isDialbookError(err) && (err.code === 'DIALBOOK_SETTINGS_INVALID' || err.code.startsWith('DIALBOOK_SECRET_KEY'))) {
        throw new DialbookError('DIALBOOK_LDAP_NOT_CONFIGURED', `LDAP "${this.ctx.id}" is not set up for site "${site.slug}": ${err.message}`, { status: 409, plugin: this.ctx.id, cause: err, ...(err.details ? { details: err.details } : {}) });
      }
      throw err;
    }
  }

  /** Sites whose settings are complete and enabled. */
  async configuredSites(): Promise<{ site: SiteDto; settings: ResolvedSettings }[]> {
    const out: { site: SiteDto; settings: ResolvedSettings }[] = [];
    for (const site of await this.ctx.sites.list()) {
      const settings = await this.settingsFor(site).catch(() => null);
      if (settings?.enabled) out.push({ site, settings });
    }
    return out;
  }

  // ---- sync ----

  /** Sync a site; a second request for a site already syncing here joins the running one. */
  async sync(siteId: string, options: SyncOptions): Promise<LdapSyncOutcome> {
    const current = this.running.get(siteId);
    if (current) return current;
    const site = await this.site(siteId);
    const settings = await this.settingsFor(site);
    if (!settings.enabled) {
      throw new DialbookError('DIALBOOK_LDAP_DISABLED', `LDAP "${this.ctx.id}": sync is turned off for site "${site.slug}" (setting enabled: false)`, { status: 409, plugin: this.ctx.id });
    }
    if (this.stopping.signal.aborted) throw new DialbookError('DIALBOOK_LDAP_STOPPING', 'Dialbook is shutting down', { status: 503, plugin: this.ctx.id });
    const signal = options.signal ? AbortSignal.any([options.signal, this.stopping.signal]) : this.stopping.signal;
    const run = runSync(this.ctx, this.store, site, settings, { ...options, signal }).finally(() => this.running.delete(siteId));
    this.running.set(siteId, run);
    return run;
  }

  /** Sync as a visible job (progress at `GET /api/v1/jobs`). */
  async syncTracked(siteId: string, options: SyncOptions): Promise<LdapSyncOutcome> {
    const current = this.running.get(siteId);
    if (current) return current;
    const site = await this.site(siteId);
    return this.ctx.jobs.track(`sync:${siteId}`, `LDAP sync of site "${site.slug}"`, (progress) => this.sync(siteId, { ...options, progress }));
  }

  // ---- test, search, import ----

  /**
   * Test the connection with a site's settings (or the shared ones without a site), with
   * `override` — unsaved values from a form — laid over them.
   */
  async test(siteId: string | null, override?: Record<string, unknown>): Promise<ProbeReport> {
    let saved: Record<string, unknown> = {};
    let savedProblem: string | null = null;
    try {
      saved = (await this.ctx.settings.get(siteId)) as unknown as Record<string, unknown>;
    } catch (err) {
      if (!isDialbookError(err) || err.status >= 500) throw err;
      savedProblem = err.message;
    }
    // The saved password only goes to the saved server as the saved user: unsaved connection
    // settings must come with the password, or a changed URL could collect it.
    if (override && saved.bindPassword !== undefined && override.bindPassword === undefined && CONNECTION_KEYS.some((k) => k in override && JSON.stringify(override[k]) !== JSON.stringify(saved[k]))) {
      const message = `settings: enter bindPassword again to test with a changed ${CONNECTION_KEYS.filter((k) => k in override).join(', ')} (the saved password is only sent to the saved server)`;
      return { ok: false, stage: 'settings', message, steps: [{ step: 'settings', ok: false, message }], sample: null };
    }
    const parsed = LdapSettingsSchema.safeParse(override ? deepMerge(saved, override) : saved);
    if (!parsed.success) {
      const message = `settings: ${override ? parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (savedProblem ?? 'incomplete')}`;
      return { ok: false, stage: 'settings', message, steps: [{ step: 'settings', ok: false, message }], sample: null };
    }
    return probe(resolveSettings(parsed.data), this.ctx.id);
  }

  async search(siteId: string, term: string, limit?: number): Promise<SearchHit[]> {
    const site = await this.site(siteId);
    return searchDirectory(await this.settingsFor(site), this.ctx.id, term, limit);
  }

  async importOne(siteId: string, ref: string): Promise<{ contact: ContactDto; created: boolean }> {
    const site = await this.site(siteId);
    return importEntry(this.ctx, this.store, site, await this.settingsFor(site), ref);
  }

  // ---- conflicts and status ----

  async conflicts(siteId: string, status?: ConflictStatus): Promise<ConflictDto[]> {
    await this.site(siteId);
    return (await this.store.conflicts(siteId, status)).map(toConflictDto);
  }

  async resolve(conflictId: string, action: Resolution, actor: Actor) {
    return resolveConflict(this.ctx, this.store, conflictId, action, actor);
  }

  async status(siteId: string): Promise<SiteStatus> {
    const site = await this.site(siteId);
    const state = await this.store.state(site.id);
    let settings: ResolvedSettings | null = null;
    let problem: string | null = null;
    try {
      settings = await this.settingsFor(site);
    } catch (err) {
      if (!isDialbookError(err) || err.status >= 500) throw err;
      problem = err.message;
    }
    const job = this.schedules.get(site.id)?.job;
    return {
      siteId: site.id,
      configured: !!settings,
      problem,
      enabled: settings?.enabled ?? false,
      schedule: settings?.schedule ?? null,
      nextRunAt: job?.next()?.toISOString() ?? null,
      running: this.running.has(site.id) || !!(await this.store.holder(site.id)),
      lastRunAt: state?.lastRunAt?.toISOString() ?? null,
      lastFullAt: state?.lastFullAt?.toISOString() ?? null,
      lastMode: state?.lastMode ?? null,
      lastStatus: state?.lastStatus ?? null,
      lastMessage: state?.lastMessage ?? null,
      lastResult: state?.lastResult ?? null,
      marker: state?.marker ?? null,
      markerAttribute: state?.markerAttribute ?? null,
      nextMode: settings ? chooseMode('auto', settings, state) : null,
      openConflicts: (await this.store.conflicts(site.id, 'open')).length,
    };
  }

  // ---- schedules ----

  /** Start firing scheduled syncs (called from the plugin's `start`). */
  async start(): Promise<void> {
    this.started = true;
    await this.refreshSchedules();
  }

  /**
   * Bring the schedules in line with every site's settings: one cron job per site with a
   * `schedule`, each firing run on one instance of a cluster only (the core's job service).
   */
  refreshSchedules(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.applySchedules()).catch((err: unknown) => this.ctx.logger.error({ err }, 'could not update the LDAP sync schedules'));
    return this.refreshing;
  }

  private async applySchedules(): Promise<void> {
    if (!this.started || this.stopping.signal.aborted) return;
    const wanted = new Map<string, { site: SiteDto; cron: string; timezone: string | undefined }>();
    for (const { site, settings } of await this.configuredSites()) {
      if (settings.schedule) wanted.set(site.id, { site, cron: settings.schedule, timezone: settings.timezone });
    }
    for (const [siteId, current] of this.schedules) {
      const want = wanted.get(siteId);
      if (!want || want.cron !== current.cron || want.timezone !== current.timezone) {
        current.job.stop();
        this.schedules.delete(siteId);
      }
    }
    for (const [siteId, want] of wanted) {
      if (this.schedules.has(siteId)) continue;
      try {
        const job = this.ctx.jobs.schedule({
          id: `sync:${siteId}`,
          label: `LDAP sync of site "${want.site.slug}"`,
          cron: want.cron,
          ...(want.timezone ? { timezone: want.timezone } : {}),
          run: (progress) => this.scheduledRun(siteId, want.cron, progress),
        });
        this.schedules.set(siteId, { job, cron: want.cron, timezone: want.timezone });
        this.ctx.logger.info({ site: want.site.slug, cron: want.cron, next: job.next() }, `LDAP sync of site "${want.site.slug}" scheduled (${want.cron})`);
      } catch (err) {
        this.ctx.logger.error({ err, site: want.site.slug }, `cannot schedule the LDAP sync of site "${want.site.slug}"`);
        await this.ctx.notifications.notify({ siteId, level: 'error', title: `LDAP "${this.ctx.id}": the schedule of site "${want.site.slug}" is invalid`, body: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  /**
   * A firing. Settings changed on another instance do not reach this one's schedules (events do
   * not cross instances yet), so each firing checks that the site still wants this schedule.
   */
  private async scheduledRun(siteId: string, cron: string, progress: (done: number, total?: number, message?: string) => void): Promise<LdapSyncOutcome | { skipped: string }> {
    const site = await this.site(siteId);
    const settings = await this.settingsFor(site).catch(() => null);
    if (!settings?.enabled || settings.schedule !== cron) {
      void this.refreshSchedules();
      return { skipped: `the schedule of site "${site.slug}" changed; this firing does nothing` };
    }
    return this.sync(siteId, { mode: 'auto', trigger: 'schedule', progress });
  }

  /** On shutdown: no new firings, running syncs stop between entries (nothing deleted). */
  async stop(): Promise<void> {
    this.started = false;
    for (const { job } of this.schedules.values()) job.stop();
    this.schedules.clear();
    this.stopping.abort();
    await Promise.allSettled(this.running.values());
  }
}
