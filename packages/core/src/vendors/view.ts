import type { PhonebookService } from '../phonebooks/service.js';
import type { SiteService } from '../sites/service.js';
import type { ClusterLink, KnownSession } from './cluster.js';
import { filledValue, mergeConfiguration, type FieldView } from './config.js';
import { describeSession, pairState, type LiveState, type PairState } from './live.js';
import type { PairStore } from './pairs.js';
import type { AccessInfo, ConfigField } from './protocol.js';

/** One (phonebook, vendor) pair as the API shows it. */
export interface PairView {
  vendor: string;
  phonebookId: string;
  state: PairState;
  /** What the service said last (why it is disabled, …). */
  message: string | null;
  /** What the admin needs to point phones at the service: fetch URL, user name, provisioning. */
  access: AccessInfo | null;
  /** A configuration is stored. */
  configured: boolean;
  /** The admin's decision (stored; survives restarts). */
  enabled: boolean;
  /** The fields the connected service asks for, with their values; empty while it is unavailable. */
  fields: FieldView[];
  /** Required fields still without a value. */
  missing: string[];
  /** Connected instances of the service that may serve this phonebook. */
  instances: { instanceId: string; version: string; connectedAt: string; state: 'enabled' | 'disabled' | null }[];
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface PairViewsDeps {
  store: PairStore;
  live: LiveState;
  link: ClusterLink;
  phonebooks: PhonebookService;
  sites: SiteService;
}

/**
 * How the pairs look from this instance: the sessions known for a pair (this instance's and the
 * other instances'), and the {@link PairView} the API answers with — its state from the live
 * states of those sessions, its fields from the stored configuration and what the service declared.
 */
export class PairViews {
  constructor(private readonly deps: PairViewsDeps) {}

  /** Registered sessions of a vendor (any, when null) that may serve the phonebook: this instance's first, then the other instances'. */
  known(vendor: string | null, phonebookId: string): KnownSession[] {
    const local = this.deps.live.sessionsFor(vendor, phonebookId).map((s) => ({ core: null, s: describeSession(s) }));
    return [...local, ...this.deps.link.remote(vendor, phonebookId)];
  }

  async view(phonebookId: string, vendor: string): Promise<PairView> {
    const row = await this.deps.store.find(vendor, phonebookId);
    const sessions = this.known(vendor, phonebookId);
    const live = this.deps.live.pair(vendor, phonebookId);
    const stateOf = (k: KnownSession) => (k.core === null ? live?.bySession.get(k.s.id) : this.deps.link.peerPair(k.core, vendor, phonebookId)?.states.get(k.s.id));
    const states = sessions.map(stateOf).filter((x) => x !== undefined);
    const enabled = states.find((s) => s.state === 'enabled');
    const state = pairState(sessions.length > 0, !!enabled, !!live?.setup || this.deps.link.setupElsewhere(vendor, phonebookId));
    let fields: FieldView[] = [];
    let missing: string[] = [];
    if (sessions.length) {
      const pb = await this.deps.phonebooks.get(phonebookId);
      const site = await this.deps.sites.get(pb.siteId);
      const stored = this.deps.store.read(row);
      const known = (f: ConfigField) => filledValue(f, pb, site);
      const config = sessions[0]!.s.config;
      missing = mergeConfiguration(config, stored, {}, known).missing;
      fields = config.map((f) => {
        const own = f.type === 'secret' ? stored.secrets[f.key] : stored.values[f.key];
        const filled = own === undefined ? known(f) : undefined;
        const value = f.type === 'secret' ? { set: own !== undefined } : ((own ?? filled ?? f.default ?? null) as FieldView['value']);
        return { ...f, value, filled: filled !== undefined };
      });
    }
    const message = state === 'enabled' ? (enabled?.message ?? null) : (states.find((s) => s.message)?.message ?? null);
    return {
      vendor,
      phonebookId,
      state,
      message,
      access: enabled?.access ?? null,
      configured: !!row,
      enabled: row?.enabled ?? false,
      fields,
      missing,
      instances: sessions.map((k) => ({ instanceId: k.s.instanceId, version: k.s.version, connectedAt: k.s.connectedAt, state: stateOf(k)?.state ?? null })),
      updatedAt: row ? row.updatedAt.toISOString() : null,
      updatedBy: row?.updatedBy ?? null,
    };
  }
}
