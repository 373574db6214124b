/**
 * One CUCM instance at run time: its settings per site, the clients of each cluster (rebuilt when
 * the settings change, closed on stop), and the connection test. Made in `setup` and handed to
 * `start`/`stop` — the plugin keeps no module-level state (one package may run as `cucm-berlin`
 * and `cucm-munich`).
 */
import { DialbookError, isDialbookError, type PluginContext, type SiteDto } from '@dialbook/core';
import { ClusterClients, clusterKey, connectionOf, wsdlSource, type Cluster } from './clients.js';
import { isCucmError } from './errors.js';
import { probe, type ProbeReport, type ProbeStepName } from './probe.js';
import type { Clock } from './retry.js';
import type { CucmSettings } from './settings.js';

export type Ctx = PluginContext<unknown, CucmSettings>;

/** The connection test's report: the probe's steps, or the settings step when they are incomplete. */
export interface ConnectionReport extends Omit<ProbeReport, 'failed' | 'steps'> {
  failed: ProbeStepName | 'settings' | null;
  steps: { step: ProbeStepName | 'settings'; ok: boolean; message: string; code?: string }[];
}

const settingsProblem = (message: string): ConnectionReport => ({ ok: false, failed: 'settings', message, steps: [{ step: 'settings', ok: false, message }], version: null });

export class CucmRuntime {
  readonly clients: ClusterClients;
  private stopped = false;

  constructor(
    readonly ctx: Ctx,
    clock?: Clock,
  ) {
    this.clients = new ClusterClients({
      em: () => ctx.db.em(),
      plugin: ctx.id,
      ...(clock ? { clock } : {}),
      // Retries and fallbacks are worth a line; no event carries a request, an answer or a PIN.
      onAxlEvent: (e) => ctx.logger.debug({ axl: e }, `AXL ${e.type}`),
      onRisEvent: (e) => (e.type === 'rate-limited' ? ctx.logger.info({ waitMs: e.waitMs, attempt: e.attempt }, 'RisPort rate limit reached; waiting') : undefined),
    });
  }

  private async site(siteId: string): Promise<SiteDto> {
    return this.ctx.sites.get(siteId);
  }

  /** The settings of a site (the shared set without one); 409 naming the missing keys while it is not set up. */
  async settingsFor(siteId: string | null): Promise<CucmSettings> {
    try {
      return await this.ctx.settings.get(siteId);
    } catch (err) {
      if (isDialbookError(err) && (err.code === 'DIALBOOK_SETTINGS_INVALID' || err.code.startsWith('DIALBOOK_SECRET_KEY'))) {
        const where = siteId ? `site "${(await this.site(siteId)).slug}"` : 'the shared settings';
        throw new DialbookError('DIALBOOK_CUCM_NOT_CONFIGURED', `CUCM "${this.ctx.id}" is not set up for ${where}: ${err.message}`, { status: 409, plugin: this.ctx.id, cause: err });
      }
      throw err;
    }
  }

  /** Settings and clients of a site's cluster. */
  async cluster(siteId: string | null): Promise<Cluster> {
    if (this.stopped) throw new DialbookError('DIALBOOK_CUCM_STOPPING', 'Dialbook is shutting down', { status: 503, plugin: this.ctx.id });
    return this.clients.for(await this.settingsFor(siteId));
  }

  /** Sites whose settings are complete. */
  async configuredSites(): Promise<{ site: SiteDto; settings: CucmSettings }[]> {
    const out: { site: SiteDto; settings: CucmSettings }[] = [];
    for (const site of await this.ctx.sites.list()) {
      const settings = await this.settingsFor(site.id).catch(() => null);
      if (settings) out.push({ site, settings });
    }
    return out;
  }

  /** After a settings change: close the clients whose settings no site has any more. */
  async refresh(): Promise<void> {
    const inUse = new Set((await this.configuredSites()).map((s) => clusterKey(s.settings)));
    this.clients.retire(inUse);
  }

  /** Test connection with a site's settings (the shared ones without a site), step by step. */
  async test(siteId: string | null, options: { risport?: boolean } = {}): Promise<ConnectionReport> {
    let settings: CucmSettings;
    try {
      settings = await this.settingsFor(siteId);
    } catch (err) {
      if (isDialbookError(err) && err.status < 500) return settingsProblem(`settings: ${err.message}`);
      throw err;
    }
    let wsdl;
    try {
      wsdl = wsdlSource(settings, this.ctx.id);
    } catch (err) {
      if (isCucmError(err)) return settingsProblem(`settings: ${err.message}`);
      throw err;
    }
    const risport = settings.risport.enabled && options.risport !== false;
    return probe({
      ...connectionOf(settings),
      plugin: this.ctx.id,
      version: settings.version,
      wsdl,
      readOnlySql: settings.readOnlySql,
      risport,
      ...(risport ? { risBudget: this.clients.budgetFor(settings), ...(settings.risport.host ? { risportHost: settings.risport.host } : {}) } : {}),
    });
  }

  stop(): void {
    this.stopped = true;
    this.clients.close();
  }
}
