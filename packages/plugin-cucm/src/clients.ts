/**
 * The AXL and RisPort clients of each cluster, built from a site's settings and kept while the
 * settings stay the same: sites whose settings name the same cluster with the same account share
 * one set (and so one negotiated schema version, one session, one concurrency limit). Settings
 * that change make a new set at the next use; `retire` closes sets no site uses any more, `close`
 * all of them (on stop). The RisPort budget is one per RisPort endpoint, kept in the database
 * (`DbRateBudget`), so every instance of a Dialbook cluster draws from the same 15 a minute.
 */
import { createHash } from 'node:crypto';
import type { EntityManager } from '@dialbook/core';
import { AxlClient } from './axl/client.js';
import type { AxlEvent } from './axl/connection.js';
import { DbRateBudget } from './budget-store.js';
import { CucmError } from './errors.js';
import { concurrencyLimit, systemClock, type Clock } from './retry.js';
import { RisClient } from './risport/client.js';
import type { CucmSettings } from './settings.js';
import type { WsdlSource } from './wsdl/source.js';

/** How long a lookup waits for a RisPort slot before it shows the phone without its state. */
export const LIVE_WAIT_MS = 3_000;

/** The clients of one cluster, as one site's settings describe it. */
export interface Cluster {
  /** Fingerprint of the settings the clients were built from. */
  key: string;
  settings: CucmSettings;
  axl: AxlClient;
  /** null when RisPort is turned off. Waits for the shared budget and through RateControl faults (background work). */
  ris: RisClient | null;
  /** For a person waiting: gives up at once (THROTTLED) when the budget has no slot within a few seconds. */
  risLive: RisClient | null;
  /** At most `concurrency` AXL calls of the plugin's own fan-out (FAC per user) at once. */
  limit: <T>(fn: () => Promise<T>) => Promise<T>;
}

export interface ClusterDeps {
  em: () => EntityManager;
  plugin: string;
  clock?: Clock;
  onAxlEvent?: (e: AxlEvent) => void;
  onRisEvent?: (e: { type: 'rate-limited'; waitMs: number; attempt: number } | { type: 'request'; devices: number }) => void;
}

/** What makes two sites' clusters the same: every setting the clients are built from. */
export function clusterKey(s: CucmSettings): string {
  const relevant = [s.host, s.port, s.username, s.password, s.tls.verify, s.tls.ca ?? '', s.version, s.wsdl, s.toolkitPath ?? '', s.risport.enabled, s.risport.host ?? '', s.readOnlySql, s.concurrency, s.timeoutSeconds];
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex');
}

/** The service description the settings ask for; a clear error for a toolkit without a path. */
export function wsdlSource(s: CucmSettings, plugin: string): WsdlSource {
  if (s.wsdl === 'builtin') return { kind: 'builtin' };
  if (!s.toolkitPath) {
    throw new CucmError('DIALBOOK_CUCM_WSDL', `The setting wsdl is "toolkit" but toolkitPath is empty: give the path of the Cisco AXL Toolkit's schema folder on this server, or set wsdl to builtin.`, { service: 'axl' }, { plugin });
  }
  return { kind: 'toolkit', path: s.toolkitPath };
}

/** The connection options of the settings (for the clients and the connection test). */
export function connectionOf(s: CucmSettings) {
  return {
    host: s.host,
    port: s.port,
    username: s.username,
    password: s.password,
    tls: { verify: s.tls.verify, ...(s.tls.ca ? { ca: s.tls.ca } : {}) },
    timeoutMs: s.timeoutSeconds * 1000,
  };
}

export class ClusterClients {
  private readonly clusters = new Map<string, Cluster>();
  private readonly budgets = new Map<string, { budget: DbRateBudget; perMinute: number }>();
  private readonly clock: Clock;

  constructor(private readonly deps: ClusterDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  /** The clients for these settings: the ones already built for the same settings, or new ones. */
  for(settings: CucmSettings): Cluster {
    const key = clusterKey(settings);
    const known = this.clusters.get(key);
    if (known) {
      // Settings outside the key (enrich, facMatch, the budget…) apply without new clients.
      this.budgetFor(settings);
      return { ...known, settings };
    }
    const connection = connectionOf(settings);
    const common = { clock: this.clock, plugin: this.deps.plugin };
    const axl = new AxlClient({
      ...connection,
      ...common,
      version: settings.version,
      wsdl: wsdlSource(settings, this.deps.plugin),
      readOnlySql: settings.readOnlySql,
      concurrency: settings.concurrency,
      ...(this.deps.onAxlEvent ? { onEvent: this.deps.onAxlEvent } : {}),
    });
    const budget = this.budgetFor(settings);
    const risOptions = { ...connection, ...common, host: settings.risport.host ?? settings.host, ...(this.deps.onRisEvent ? { onEvent: this.deps.onRisEvent } : {}) };
    const ris = settings.risport.enabled ? new RisClient({ ...risOptions, budget }) : null;
    const risLive = settings.risport.enabled ? new RisClient({ ...risOptions, attempts: 1, budget: { take: () => budget.takeWithin(LIVE_WAIT_MS) } }) : null;
    const cluster: Cluster = { key, settings, axl, ris, risLive, limit: concurrencyLimit(settings.concurrency) };
    this.clusters.set(key, cluster);
    return cluster;
  }

  /** The shared budget of the settings' RisPort endpoint. */
  budgetFor(settings: CucmSettings): DbRateBudget {
    const endpoint = `${(settings.risport.host ?? settings.host).toLowerCase()}:${settings.port}`;
    let entry = this.budgets.get(endpoint);
    if (!entry) {
      const holder = { perMinute: settings.risport.perMinute } as { budget: DbRateBudget; perMinute: number };
      holder.budget = new DbRateBudget(this.deps.em, endpoint, { perMinute: () => holder.perMinute, clock: this.clock });
      this.budgets.set(endpoint, (entry = holder));
    }
    entry.perMinute = settings.risport.perMinute;
    return entry.budget;
  }

  /** Close the clients whose settings no site has any more. */
  retire(inUse: ReadonlySet<string>): void {
    for (const [key, c] of this.clusters) {
      if (inUse.has(key)) continue;
      this.clusters.delete(key);
      c.axl.close();
      c.ris?.close();
      c.risLive?.close();
    }
  }

  close(): void {
    this.retire(new Set());
  }
}
