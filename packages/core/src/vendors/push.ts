import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { DirectoryService } from '../directory/service.js';
import type { PhonebookService } from '../phonebooks/service.js';
import type { SiteService } from '../sites/service.js';
import { filledValue } from './config.js';
import type { VendorServicePair } from './entities.js';
import { splitPairId, type LivePair, type LiveState } from './live.js';
import { PAIR_KEY, type PairStore } from './pairs.js';
import type { VendorCommandOp } from './peers.js';
import type { ConfigValues } from './protocol.js';
import type { ServiceSession } from './session.js';

export interface PushesDeps {
  live: LiveState;
  store: PairStore;
  phonebooks: PhonebookService;
  sites: SiteService;
  directory: DirectoryService;
  logger: Logger;
  /** How long to wait for a service's answer to `configure`/`enablement`. */
  answerTimeoutMs: number;
  /** Coalesce bursts of `phonebook.changed` into one push per pair. */
  pushDelayMs: number;
}

/** The phonebook data a service serves, and its revision (the same data gives the same revision). */
export interface PhonebookSnapshot {
  revision: string;
  directory: Record<string, unknown>;
}

/**
 * What core sends the vendor services connected to this instance: the configuration of a pair
 * (`configure`, with the pair key), the admin's decision (`enablement`), and the phonebook's data
 * again whenever it changes (`phonebook.update`, coalesced, to every session serving the pair).
 */
export class Pushes {
  constructor(private readonly deps: PushesDeps) {}

  /** The phonebook's directory input for the vendor, as a service gets it. */
  async snapshot(vendor: string, phonebookId: string): Promise<PhonebookSnapshot> {
    const input = await this.deps.directory.input(phonebookId, vendor);
    const { generatedAt: _ignored, ...content } = input;
    const revision = createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 27);
    return { revision, directory: input as unknown as Record<string, unknown> };
  }

  /** `phonebook.changed` (all pairs when both are null): push the new data to the sessions serving an affected pair (coalesced). */
  changed(phonebookId: string | null, siteId: string | null): void {
    for (const [id, live] of this.deps.live.pairs) {
      const [vendor, pb] = splitPairId(id);
      if (phonebookId ? pb !== phonebookId : siteId !== null && live.siteId !== siteId) continue;
      if (![...live.bySession.values()].some((s) => s.state === 'enabled')) continue;
      live.pushTimer ??= setTimeout(() => {
        live.pushTimer = null;
        void this.push(vendor, pb, live);
      }, this.deps.pushDelayMs);
    }
  }

  /**
   * One command's socket part on this instance (the same whether called here or forwarded from
   * another instance): set or clear the setup flag, send the configuration or the enablement.
   */
  async apply(op: VendorCommandOp, vendor: string, phonebookId: string, siteId: string): Promise<void> {
    const { live: state, answerTimeoutMs } = this.deps;
    const live = state.ensure(vendor, phonebookId, siteId);
    try {
      switch (op) {
        case 'setup':
          live.setup = true;
          return;
        case 'configure':
          live.setup = false;
          return await this.sendConfiguration(vendor, phonebookId, true);
        case 'enable':
          return await this.sendConfiguration(vendor, phonebookId, true);
        case 'disable':
          live.setup = false;
          await Promise.all(
            state.sessionsFor(vendor, phonebookId).map(async (s) => {
              const answer = await s.request({ type: 'enablement', id: s.nextId(), phonebookId, enabled: false }, answerTimeoutMs);
              if (!answer) live.bySession.set(s.id, { state: 'disabled', message: 'disabled by an administrator (the service did not confirm)', access: null });
            }),
          );
          return;
      }
    } finally {
      state.touch();
    }
  }

  /** Send `configure` to one session; with `wait`, until its answer (or the time limit). */
  async sendConfigure(session: ServiceSession, row: VendorServicePair, wait = false): Promise<void> {
    const { values, secrets } = this.deps.store.read(row);
    const key = secrets[PAIR_KEY];
    if (typeof key !== 'string') return;
    const pb = await this.deps.phonebooks.get(row.phonebookId);
    const site = await this.deps.sites.get(row.siteId);
    const configuration: ConfigValues = {};
    for (const f of session.info!.config) {
      const v = (f.type === 'secret' ? secrets[f.key] : values[f.key]) ?? filledValue(f, pb, site) ?? f.default;
      if (v !== undefined && v !== null) configuration[f.key] = v as string | number | boolean;
    }
    const frame = { type: 'configure' as const, id: session.nextId(), phonebookId: row.phonebookId, siteId: row.siteId, configuration, key, enabled: row.enabled };
    if (!wait) return void session.send(frame);
    const answer = await session.request(frame, this.deps.answerTimeoutMs);
    const live = this.deps.live;
    if (!answer) live.ensure(row.vendor, row.phonebookId, row.siteId).bySession.set(session.id, { state: 'disabled', message: 'the service did not answer the configuration in time', access: null });
    else if (answer.type === 'error') live.ensure(row.vendor, row.phonebookId, row.siteId).bySession.set(session.id, { state: 'disabled', message: `${answer.code}: ${answer.message}`, access: null });
  }

  /** Cancel the pushes still due. */
  close(): void {
    for (const live of this.deps.live.pairs.values()) if (live.pushTimer) clearTimeout(live.pushTimer);
  }

  private async push(vendor: string, phonebookId: string, live: LivePair): Promise<void> {
    try {
      const snap = await this.snapshot(vendor, phonebookId);
      for (const [sessionId, s] of live.bySession) {
        if (s.state === 'enabled') this.deps.live.byId(sessionId)?.send({ type: 'phonebook.update', phonebookId, revision: snap.revision, reason: 'phonebook.changed', directory: snap.directory });
      }
    } catch (err) {
      this.deps.logger.error({ err, vendor, phonebookId }, 'could not push a phonebook update to its vendor service');
    }
  }

  private async sendConfiguration(vendor: string, phonebookId: string, wait: boolean): Promise<void> {
    const row = await this.deps.store.find(vendor, phonebookId);
    if (!row) return;
    await Promise.all(this.deps.live.sessionsFor(vendor, phonebookId).map((s) => this.sendConfigure(s, row, wait)));
  }
}
