import { createHash, randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { CredentialService } from '../credentials/service.js';
import { actorKey, type Actor } from '../base/actor.js';
import type { PhonebookService } from '../phonebooks/service.js';
import type { SiteService } from '../sites/service.js';
import type { DirectoryService } from '../directory/service.js';
import { deviceOf } from '../directory/user-agent.js';
import { DialbookError, isDialbookError, notFound } from '../base/errors.js';
import type { HookBus } from '../hooks/bus.js';
import { SecretBox } from '../settings/crypto.js';
import { filledValue, mergeConfiguration, type FieldView } from './config.js';
import { VendorServicePairEntity, type VendorServicePair } from './entities.js';
import type { AccessInfo, ConfigField, ConfigValues, ServedEvent } from './protocol.js';
import type { PeerPair, PeerSession, VendorCommandEvent, VendorCommandOp, VendorResultEvent, VendorStateEvent } from './peers.js';
import type { ServiceSession } from './session.js';

export type PairState = 'unavailable' | 'disabled' | 'setup' | 'enabled';

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

interface Live {
  siteId: string;
  setup: boolean;
  bySession: Map<string, { state: 'enabled' | 'disabled'; message: string | null; access: AccessInfo | null }>;
  pushTimer: NodeJS.Timeout | null;
}

export interface VendorServicesDeps {
  orm: MikroORM;
  hooks: HookBus;
  credentials: CredentialService;
  phonebooks: PhonebookService;
  sites: SiteService;
  directory: DirectoryService;
  logger: Logger;
  secretKey: string | undefined;
  /** How long an API call waits for the service's answer (default 10 s). */
  answerTimeoutMs?: number;
  /** Coalesce bursts of `phonebook.changed` into one push per pair (default 100 ms). */
  pushDelayMs?: number;
}

const PAIR_KEY = '__pairKey';
const pairId = (vendor: string, phonebookId: string) => `${vendor}\u0000${phonebookId}`;

/** The event relay between instances, as far as vendor services use it. */
export interface VendorCluster {
  /** This instance's id on the relay. */
  readonly instance: string;
  status(): { connected: boolean };
}

/** A peer is forgotten after this many of its heartbeats without a `vendor.state`. */
const PEER_MISSED_BEATS = 3;
/** A forwarded command waits `answerTimeoutMs` (the other instance's wait for its service) plus this much. */
const FORWARD_MARGIN_MS = 2_000;
/** Coalesce bursts of local changes into one `vendor.state`. */
const STATE_DELAY_MS = 10;

/** What another instance told about its vendor-service sessions (see {@link VendorStateEvent}). */
interface Peer {
  seq: number;
  heartbeatMs: number;
  /** When its last state arrived (this instance's clock). */
  at: number;
  sessions: PeerSession[];
  pairs: Map<string, { setup: boolean; states: Map<string, { state: 'enabled' | 'disabled'; message: string | null; access: AccessInfo | null }> }>;
}

/** A registered session on this instance (`core` null) or on another one. */
interface KnownSession {
  core: string | null;
  s: PeerSession;
}

/**
 * Remote vendor services on core's side: which services are connected, the live state of
 * every (phonebook, vendor) pair (`unavailable → disabled → setup → enabled`, in memory),
 * the stored configuration of each pair, and the pushes of phonebook data on change.
 * The websocket itself is {@link VendorHub}'s; this class never sees a socket, only sessions.
 *
 * With several instances on one PostgreSQL database ({@link joinCluster}), each instance sends
 * the live state of its own sessions to the others (`vendor.state`, on change and every
 * heartbeat) and keeps theirs (forgotten after three missed heartbeats), so every instance shows
 * the pairs of services connected anywhere. An admin command does its database work where it
 * was called and forwards the rest — setup flag, `configure`/`enablement` frames, waiting for
 * the service — to each instance holding a socket of the vendor (`vendor.command` →
 * `vendor.result`), so the call answers as if the service were connected here.
 */
export class VendorServices {
  private readonly sessions = new Map<string, ServiceSession>();
  private readonly live = new Map<string, Live>();
  private readonly box: SecretBox;
  private cluster: VendorCluster | null = null;
  private heartbeatMs = 15_000;
  private readonly peers = new Map<string, Peer>();
  private readonly waiting = new Map<string, { to: string; resolve: (r: VendorResultEvent | 'gone' | null) => void; timer: NodeJS.Timeout }>();
  private seq = 0;
  private stateTimer: NodeJS.Timeout | null = null;
  private beatTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly deps: VendorServicesDeps) {
    this.box = new SecretBox(deps.secretKey);
    deps.hooks.on('phonebook.changed', ({ phonebookId, siteId }) => this.changed(phonebookId, siteId), { owner: 'core' });
    // Changes made on other instances may have been missed: push every enabled pair again.
    deps.hooks.on('cluster.resync', () => this.changed(null, null), { owner: 'core' });
    // A vendor whose only renderer is its remote service (no plugin in core) still gets its phonebooks.
    deps.directory.serveRemoteVendors((vendor, phonebookId) => this.serves(vendor, phonebookId));
  }

  /**
   * Take part in the cluster (PostgreSQL, after the relay started): send this instance's state
   * on every change and heartbeat, keep the other instances' states, run the commands they
   * forward. Asks the others for their state at once.
   */
  joinCluster(cluster: VendorCluster, heartbeatMs: number): void {
    if (this.cluster) return;
    this.cluster = cluster;
    this.heartbeatMs = heartbeatMs;
    const { hooks } = this.deps;
    hooks.on('vendor.state', (e) => this.peerState(e), { owner: 'core' });
    hooks.on('vendor.command', (e) => void (e.to === cluster.instance && e.from !== cluster.instance ? this.run(e) : undefined), { owner: 'core' });
    hooks.on('vendor.result', (e) => this.result(e), { owner: 'core' });
    // Events may have been missed (here or elsewhere): everyone sends its state again.
    hooks.on('cluster.resync', () => void (this.holdsAnything() ? this.publishState() : undefined), { owner: 'core' });
    this.beatTimer = setInterval(() => {
      this.expirePeers();
      if (this.holdsAnything()) void this.publishState();
    }, heartbeatMs);
    this.beatTimer.unref();
    void this.publishState({ hello: true });
  }

  /** A service of the vendor is connected (to any instance) that may serve the phonebook, or a configuration for the pair is stored. */
  async serves(vendor: string, phonebookId: string): Promise<boolean> {
    if (this.known(vendor, phonebookId).length) return true;
    return (await this.deps.orm.em.fork().count(VendorServicePairEntity, { vendor, phonebookId })) > 0;
  }

  // ---- API ---------------------------------------------------------------------------------

  /** Connected service instances (on other instances of a cluster too). */
  connected() {
    const local = [...this.sessions.values()].filter((s) => s.info).map((s) => this.describe(s));
    const remote = [...this.livePeers().values()].flatMap((p) => p.sessions);
    return [...local, ...remote].map((s) => ({
      sessionId: s.id,
      service: s.service,
      vendor: s.vendor,
      version: s.version,
      instanceId: s.instanceId,
      phonebookId: s.phonebookId,
      remoteAddress: s.remoteAddress,
      connectedAt: s.connectedAt,
      lastSeenAt: s.lastSeenAt,
      config: s.config,
    }));
  }

  /** Every vendor known for a phonebook: connected services that may serve it and stored configurations. */
  async list(phonebookId: string): Promise<PairView[]> {
    await this.deps.phonebooks.get(phonebookId); // site scope: another site's phonebook is 404
    const rows = await this.deps.orm.em.fork().find(VendorServicePairEntity, { phonebookId });
    const vendors = new Set([...rows.map((r) => r.vendor), ...this.known(null, phonebookId).map((k) => k.s.vendor)]);
    return Promise.all([...vendors].sort().map((v) => this.view(phonebookId, v)));
  }

  async get(phonebookId: string, vendor: string): Promise<PairView> {
    await this.deps.phonebooks.get(phonebookId);
    const view = await this.view(phonebookId, vendor);
    if (view.state === 'unavailable' && !view.configured) throw notFound('vendor service', vendor);
    return view;
  }

  /** Setup mode: the admin is about to fill the fields the service asked for. */
  async startSetup(phonebookId: string, vendor: string): Promise<PairView> {
    const pb = await this.deps.phonebooks.get(phonebookId);
    this.requireConnected(vendor, phonebookId);
    await this.deliver('setup', vendor, phonebookId, pb.siteId, false);
    return this.view(phonebookId, vendor);
  }

  /**
   * Store the configuration (merged over what is stored; secrets encrypted), issue a new key
   * for the pair, send both to the service, and wait for its answer (enabled, with what phones need).
   */
  async configure(phonebookId: string, vendor: string, input: Record<string, unknown>, actor: Actor): Promise<PairView> {
    const pb = await this.deps.phonebooks.get(phonebookId);
    const session = this.requireConnected(vendor, phonebookId)[0]!.s;
    const em = this.deps.orm.em.fork();
    const row = await em.findOne(VendorServicePairEntity, { vendor, phonebookId });
    const stored = this.read(row);
    const site = await this.deps.sites.get(pb.siteId);
    const merged = mergeConfiguration(session.config, stored, input, (f) => filledValue(f, pb, site));
    if (merged.missing.length) {
      throw new DialbookError('DIALBOOK_VENDOR_CONFIG_MISSING', `still needed: ${merged.missing.join(', ')}`, { status: 422, field: `values.${merged.missing[0]}` });
    }
    await this.save(em, row, { vendor, phonebookId, siteId: pb.siteId, values: merged.values, secrets: merged.secrets, enabled: true }, actor, true);
    await this.deliver('configure', vendor, phonebookId, pb.siteId, true);
    return this.view(phonebookId, vendor);
  }

  /** Serve the phonebook again with the stored configuration (a fresh pair key). */
  async enable(phonebookId: string, vendor: string, actor: Actor): Promise<PairView> {
    const pb = await this.deps.phonebooks.get(phonebookId);
    this.requireConnected(vendor, phonebookId);
    const em = this.deps.orm.em.fork();
    const row = await em.findOne(VendorServicePairEntity, { vendor, phonebookId });
    if (!row) throw new DialbookError('DIALBOOK_VENDOR_NOT_CONFIGURED', `${vendor} has no configuration for this phonebook yet: start the setup and submit the configuration`, { status: 409 });
    const stored = this.read(row);
    await this.save(em, row, { vendor, phonebookId, siteId: pb.siteId, values: stored.values as ConfigValues, secrets: stored.secrets as ConfigValues, enabled: true }, actor, true);
    await this.deliver('enable', vendor, phonebookId, pb.siteId, true);
    return this.view(phonebookId, vendor);
  }

  /** Stop serving the phonebook: stored, told to every connected instance; the pair key is revoked. */
  async disable(phonebookId: string, vendor: string, actor: Actor): Promise<PairView> {
    const pb = await this.deps.phonebooks.get(phonebookId);
    const em = this.deps.orm.em.fork();
    const row = await em.findOne(VendorServicePairEntity, { vendor, phonebookId });
    if (!row && !this.known(vendor, phonebookId).length) throw notFound('vendor service', vendor);
    if (row) {
      if (row.credentialId) await this.deps.credentials.revoke(row.credentialId).catch(() => undefined);
      const stored = this.read(row);
      delete stored.secrets[PAIR_KEY];
      await this.save(em, row, { vendor, phonebookId, siteId: pb.siteId, values: stored.values as ConfigValues, secrets: stored.secrets as ConfigValues, enabled: false }, actor, false);
      row.credentialId = null;
      await em.flush();
    }
    await this.deliver('disable', vendor, phonebookId, pb.siteId, true);
    return this.view(phonebookId, vendor);
  }

  /**
   * The part of a command that needs the service's sockets, after the database work: on this
   * instance (with `always`, even without a socket here: it clears this instance's setup flag)
   * and, forwarded, on every other instance holding a socket of the vendor or a setup flag for the pair.
   */
  private async deliver(op: VendorCommandOp, vendor: string, phonebookId: string, siteId: string, always: boolean): Promise<void> {
    const here = this.sessionsFor(vendor, phonebookId).length > 0;
    const elsewhere = new Set(this.known(vendor, phonebookId).flatMap((k) => (k.core ? [k.core] : [])));
    for (const [instance, peer] of this.livePeers()) if (peer.pairs.get(pairId(vendor, phonebookId))?.setup) elsewhere.add(instance);
    await Promise.all([here || always ? this.apply(op, vendor, phonebookId, siteId) : undefined, ...[...elsewhere].map((instance) => this.forward(instance, op, vendor, phonebookId))]);
  }

  /** One command's socket part on this instance (the same whether called here or forwarded). */
  private async apply(op: VendorCommandOp, vendor: string, phonebookId: string, siteId: string): Promise<void> {
    const live = this.liveFor(vendor, phonebookId, siteId);
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
            this.sessionsFor(vendor, phonebookId).map(async (s) => {
              const answer = await s.request({ type: 'enablement', id: s.nextId(), phonebookId, enabled: false }, this.deps.answerTimeoutMs ?? 10_000);
              if (!answer) live.bySession.set(s.id, { state: 'disabled', message: 'disabled by an administrator (the service did not confirm)', access: null });
            }),
          );
          return;
      }
    } finally {
      this.touch();
    }
  }

  /**
   * Run a command's socket part on another instance and wait for its answer (and for its state
   * after the command). Its error is thrown here with the same code, status and field.
   */
  async forward(instance: string, op: VendorCommandOp, vendor: string, phonebookId: string): Promise<void> {
    const cluster = this.cluster;
    if (!cluster) throw new DialbookError('DIALBOOK_VENDOR_UNAVAILABLE', `instance ${instance} is not known here (this instance is not part of a cluster)`, { status: 409 });
    if (!cluster.status().connected) {
      throw new DialbookError('DIALBOOK_VENDOR_RELAY_DOWN', `the ${vendor} service is connected to another Dialbook instance (${instance}), and this instance's connection to the event relay is down; try again in a moment`, { status: 503 });
    }
    const id = randomUUID();
    const timeoutMs = (this.deps.answerTimeoutMs ?? 10_000) + FORWARD_MARGIN_MS;
    const result = await new Promise<VendorResultEvent | 'gone' | null>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(null);
      }, timeoutMs);
      timer.unref();
      this.waiting.set(id, { to: instance, resolve, timer });
      void this.deps.hooks.emit('vendor.command', { id, from: cluster.instance, to: instance, op, vendor, phonebookId });
    });
    if (result === 'gone') {
      throw new DialbookError('DIALBOOK_VENDOR_UNAVAILABLE', `Dialbook instance ${instance}, which held the ${vendor} service's connection, stopped before answering; what was stored stays and is sent when the service reconnects`, { status: 409 });
    }
    if (!result) {
      throw new DialbookError('DIALBOOK_VENDOR_INSTANCE_TIMEOUT', `Dialbook instance ${instance}, which holds the ${vendor} service's connection, did not answer within ${timeoutMs} ms; what was stored stays, and the pair's state shows what the service reports`, { status: 504 });
    }
    if (result.error) {
      const e = result.error;
      throw new DialbookError(e.code, e.message, { status: e.status, ...(e.field ? { field: e.field } : {}), ...(e.details ? { details: e.details } : {}) });
    }
    // The answer comes after the state the command left; wait (briefly) until that state is here.
    const deadline = Date.now() + FORWARD_MARGIN_MS;
    while ((this.peers.get(instance)?.seq ?? Infinity) < result.seq && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  /** A command forwarded to this instance: run it, send the state it left, then the answer. */
  private async run(e: VendorCommandEvent): Promise<void> {
    let error: VendorResultEvent['error'] = null;
    try {
      const pb = await this.deps.phonebooks.get(e.phonebookId);
      await this.apply(e.op, e.vendor, e.phonebookId, pb.siteId);
    } catch (err) {
      if (!isDialbookError(err) || err.status >= 500) this.deps.logger.error({ err, op: e.op, vendor: e.vendor, phonebookId: e.phonebookId, from: e.from }, `a vendor command forwarded by instance ${e.from} failed`);
      error = isDialbookError(err)
        ? { code: err.code, message: err.message, status: err.status, ...(err.field ? { field: err.field } : {}), ...(err.details ? { details: err.details } : {}) }
        : { code: 'DIALBOOK_VENDOR_INTERNAL', message: `instance ${this.cluster!.instance} could not run the command (see its log)`, status: 500 };
    }
    const seq = await this.publishState();
    await this.deps.hooks.emit('vendor.result', { id: e.id, from: this.cluster!.instance, to: e.from, seq, error });
  }

  private result(e: VendorResultEvent): void {
    if (!this.cluster || e.to !== this.cluster.instance) return;
    const waiting = this.waiting.get(e.id);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.waiting.delete(e.id);
    waiting.resolve(e);
  }

  // ---- cluster state ---------------------------------------------------------------------------

  /** Another instance's state: kept (newest wins), forgotten on `bye`; a `hello` is answered with ours. */
  private peerState(e: VendorStateEvent): void {
    if (!this.cluster || e.instance === this.cluster.instance) return;
    if (e.bye) {
      this.peers.delete(e.instance);
      for (const [id, w] of this.waiting) {
        if (w.to !== e.instance) continue;
        clearTimeout(w.timer);
        this.waiting.delete(id);
        w.resolve('gone');
      }
      return;
    }
    const current = this.peers.get(e.instance);
    if (!current || e.seq > current.seq) {
      const pairs: Peer['pairs'] = new Map();
      for (const p of e.pairs ?? []) pairs.set(pairId(p.vendor, p.phonebookId), { setup: p.setup, states: new Map(p.states.map((s) => [s.session, { state: s.state, message: s.message, access: s.access }])) });
      this.peers.set(e.instance, { seq: e.seq, heartbeatMs: e.heartbeatMs, at: Date.now(), sessions: e.sessions ?? [], pairs });
    }
    if (e.hello && this.holdsAnything()) void this.publishState();
  }

  /** Peers heard from within their last {@link PEER_MISSED_BEATS} heartbeats. */
  private livePeers(): Map<string, Peer> {
    this.expirePeers();
    return this.peers;
  }

  private expirePeers(): void {
    const now = Date.now();
    for (const [instance, p] of this.peers) {
      if (now - p.at > p.heartbeatMs * PEER_MISSED_BEATS) {
        this.peers.delete(instance);
        this.deps.logger.warn({ instance }, `no vendor-service state from instance ${instance} for ${PEER_MISSED_BEATS} heartbeats: its services count as disconnected`);
      }
    }
  }

  /** This instance holds a registered session or a setup flag: worth telling the others. */
  private holdsAnything(): boolean {
    for (const s of this.sessions.values()) if (s.info) return true;
    for (const l of this.live.values()) if (l.setup) return true;
    return false;
  }

  /** A local change: send the state soon (coalesced). */
  private touch(): void {
    if (!this.cluster || this.closed || this.stateTimer) return;
    this.stateTimer = setTimeout(() => void this.publishState(), STATE_DELAY_MS);
    this.stateTimer.unref();
  }

  /** Send this instance's whole state now; returns its `seq`. */
  private async publishState(flags: { hello?: true; bye?: true } = {}): Promise<number> {
    if (this.stateTimer) clearTimeout(this.stateTimer);
    this.stateTimer = null;
    const seq = ++this.seq;
    if (!this.cluster) return seq;
    const sessions = flags.bye ? [] : [...this.sessions.values()].filter((s) => s.info && s.open).map((s) => this.describe(s));
    const pairs: PeerPair[] = [];
    if (!flags.bye) {
      for (const [id, live] of this.live) {
        const states = [...live.bySession].filter(([sid]) => this.sessions.has(sid)).map(([session, st]) => ({ session, state: st.state, message: st.message, access: st.access }));
        if (!live.setup && !states.length) continue;
        const [vendor, phonebookId] = id.split('\u0000') as [string, string];
        pairs.push({ vendor, phonebookId, setup: live.setup, states });
      }
    }
    await this.deps.hooks.emit('vendor.state', { instance: this.cluster.instance, seq, heartbeatMs: this.heartbeatMs, ...flags, sessions, pairs });
    return seq;
  }

  private describe(s: ServiceSession): PeerSession {
    const i = s.info!;
    return { id: s.id, service: i.service, vendor: i.vendor, version: i.version, instanceId: i.instanceId, phonebookId: i.phonebookId, remoteAddress: s.remoteAddress, connectedAt: s.connectedAt.toISOString(), lastSeenAt: new Date(s.lastSeen).toISOString(), config: i.config };
  }

  /** Registered sessions of a vendor (any, when null) that may serve the phonebook: this instance's first, then the other instances'. */
  private known(vendor: string | null, phonebookId: string): KnownSession[] {
    const fits = (s: PeerSession) => (!vendor || s.vendor === vendor) && (!s.phonebookId || s.phonebookId === phonebookId);
    const local = this.sessionsFor(vendor, phonebookId).map((s) => ({ core: null, s: this.describe(s) }));
    const remote = [...this.livePeers()].flatMap(([core, p]) => p.sessions.filter(fits).map((s) => ({ core, s })));
    return [...local, ...remote];
  }

  // ---- sessions (called by the hub) ---------------------------------------------------------

  addSession(session: ServiceSession): void {
    this.sessions.set(session.id, session);
  }

  sessionById(id: string): ServiceSession | undefined {
    return this.sessions.get(id);
  }

  sessionByWs(ws: unknown): ServiceSession | undefined {
    for (const s of this.sessions.values()) if (s.ws === ws) return s;
    return undefined;
  }

  /** A registered session: send the stored configuration of every pair it may serve. */
  async registered(session: ServiceSession): Promise<void> {
    this.touch();
    const { vendor, phonebookId } = session.info!;
    const rows = await this.deps.orm.em.fork().find(VendorServicePairEntity, { vendor, enabled: true, ...(phonebookId ? { phonebookId } : {}) });
    for (const row of rows) {
      this.liveFor(vendor, row.phonebookId, row.siteId);
      await this.sendConfigure(session, row).catch((err: unknown) => this.deps.logger.error({ err, vendor, phonebookId: row.phonebookId }, 'could not send a stored vendor configuration'));
    }
  }

  removeSession(session: ServiceSession): void {
    this.sessions.delete(session.id);
    for (const live of this.live.values()) live.bySession.delete(session.id);
    session.dispose();
    this.touch();
  }

  /** The service's state for one pair (answer to `configure`/`enablement`, or on its own). */
  status(session: ServiceSession, phonebookId: string, state: 'enabled' | 'disabled', message: string | null, access: AccessInfo | null): boolean {
    if (!this.inScope(session, phonebookId)) return false;
    const live = this.live.get(pairId(session.info!.vendor, phonebookId));
    if (!live) return false; // never configured here: ignore
    live.bySession.set(session.id, { state, message, access });
    if (state === 'enabled') live.setup = false;
    this.touch();
    return true;
  }

  /** `phonebook.request`: the pair key must be the current one for this phonebook and service. */
  async phonebookFor(session: ServiceSession, phonebookId: string, key: string): Promise<{ revision: string; directory: Record<string, unknown> }> {
    const cred = await this.deps.credentials.verifyServiceKey(key);
    if (!cred || cred.phonebookId !== phonebookId || cred.service !== session.info!.service) {
      throw new DialbookError('DIALBOOK_VENDOR_KEY_INVALID', `the key is not (or no longer) valid for phonebook ${phonebookId}; wait for a new configuration`, { status: 403 });
    }
    return this.snapshot(session.info!.vendor, phonebookId);
  }

  /** Device fetches the service served: into the audit log as `directory.served` (and the hook). */
  audit(session: ServiceSession, events: ServedEvent[]): number {
    let recorded = 0;
    for (const e of events) {
      const live = this.live.get(pairId(session.info!.vendor, e.phonebookId));
      if (!live || !this.inScope(session, e.phonebookId)) continue; // not a phonebook this service was given
      this.deps.directory.recordServed({
        at: e.at,
        phonebookId: e.phonebookId,
        siteId: live.siteId,
        vendor: session.info!.vendor,
        variant: e.variant,
        kind: e.kind,
        status: e.status,
        bytes: e.bytes ?? 0,
        ip: e.ip,
        userAgent: e.userAgent,
        device: deviceOf(e.userAgent),
        credentialId: null,
        via: `service:${session.info!.instanceId}`,
      });
      recorded++;
    }
    return recorded;
  }

  async close(): Promise<void> {
    for (const live of this.live.values()) if (live.pushTimer) clearTimeout(live.pushTimer);
    if (this.closed) return;
    this.closed = true;
    if (this.beatTimer) clearInterval(this.beatTimer);
    this.beatTimer = null;
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer);
      this.waiting.delete(id);
      w.resolve(null);
    }
    // The others forget this instance's sessions now rather than after three missed heartbeats.
    if (this.cluster) await this.publishState({ bye: true }).catch((err: unknown) => this.deps.logger.warn({ err }, 'could not tell the other instances that this one stops'));
  }

  // ---- internals -----------------------------------------------------------------------------

  private async snapshot(vendor: string, phonebookId: string): Promise<{ revision: string; directory: Record<string, unknown> }> {
    const input = await this.deps.directory.input(phonebookId, vendor);
    const { generatedAt: _ignored, ...content } = input;
    const revision = createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 27);
    return { revision, directory: input as unknown as Record<string, unknown> };
  }

  /** `phonebook.changed`: push the new data to every instance serving an affected pair (coalesced). */
  private changed(phonebookId: string | null, siteId: string | null): void {
    for (const [id, live] of this.live) {
      const [vendor, pb] = id.split('\u0000') as [string, string];
      if (phonebookId ? pb !== phonebookId : siteId !== null && live.siteId !== siteId) continue;
      if (![...live.bySession.values()].some((s) => s.state === 'enabled')) continue;
      live.pushTimer ??= setTimeout(() => {
        live.pushTimer = null;
        void this.push(vendor, pb, live);
      }, this.deps.pushDelayMs ?? 100);
    }
  }

  private async push(vendor: string, phonebookId: string, live: Live): Promise<void> {
    try {
      const snap = await this.snapshot(vendor, phonebookId);
      for (const [sessionId, s] of live.bySession) {
        if (s.state === 'enabled') this.sessions.get(sessionId)?.send({ type: 'phonebook.update', phonebookId, revision: snap.revision, reason: 'phonebook.changed', directory: snap.directory });
      }
    } catch (err) {
      this.deps.logger.error({ err, vendor, phonebookId }, 'could not push a phonebook update to its vendor service');
    }
  }

  private async sendConfiguration(vendor: string, phonebookId: string, wait: boolean): Promise<void> {
    const row = await this.deps.orm.em.fork().findOne(VendorServicePairEntity, { vendor, phonebookId });
    if (!row) return;
    const sends = this.sessionsFor(vendor, phonebookId).map((s) => this.sendConfigure(s, row, wait));
    await Promise.all(sends);
  }

  /** Send `configure` to one session; with `wait`, until its answer (or the time limit). */
  private async sendConfigure(session: ServiceSession, row: VendorServicePair, wait = false): Promise<void> {
    const { values, secrets } = this.read(row);
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
    const answer = await session.request(frame, this.deps.answerTimeoutMs ?? 10_000);
    if (!answer) this.liveFor(row.vendor, row.phonebookId, row.siteId).bySession.set(session.id, { state: 'disabled', message: 'the service did not answer the configuration in time', access: null });
    else if (answer.type === 'error') this.liveFor(row.vendor, row.phonebookId, row.siteId).bySession.set(session.id, { state: 'disabled', message: `${answer.code}: ${answer.message}`, access: null });
  }

  /** Write the row; with `rotateKey`, issue a new pair key (the old one is revoked). */
  private async save(
    em: ReturnType<MikroORM['em']['fork']>,
    existing: VendorServicePair | null,
    next: { vendor: string; phonebookId: string; siteId: string; values: ConfigValues; secrets: ConfigValues; enabled: boolean },
    actor: Actor,
    rotateKey: boolean,
  ): Promise<void> {
    const where = { category: `vendor:${next.vendor}`, scope: next.phonebookId };
    const secrets: Record<string, unknown> = { ...next.secrets };
    let credentialId = existing?.credentialId ?? null;
    if (rotateKey) {
      if (!this.box.configured) throw new DialbookError('DIALBOOK_SECRET_KEY_MISSING', 'remote vendor services need DIALBOOK_SECRET_KEY: core keeps their per-phonebook keys and secret settings encrypted', { status: 409 });
      const issued = await this.deps.credentials.createServiceKey(existing ? existing.vendor : next.vendor, next.phonebookId, `${next.vendor} service`, actor);
      if (credentialId) await this.deps.credentials.revoke(credentialId).catch(() => undefined);
      credentialId = issued.credential.id;
      secrets[PAIR_KEY] = issued.secret;
    }
    const data = {
      siteId: next.siteId,
      values: next.values,
      secrets: Object.keys(secrets).length ? this.box.encrypt(secrets, where) : null,
      enabled: next.enabled,
      credentialId,
      updatedAt: new Date(),
      updatedBy: actorKey(actor),
    };
    if (existing) Object.assign(existing, data);
    else em.create(VendorServicePairEntity, { vendor: next.vendor, phonebookId: next.phonebookId, ...data });
    await em.flush();
  }

  private read(row: VendorServicePair | null): { values: Record<string, unknown>; secrets: Record<string, unknown> } {
    if (!row) return { values: {}, secrets: {} };
    return { values: { ...row.values }, secrets: row.secrets ? this.box.decrypt(row.secrets, { category: `vendor:${row.vendor}`, scope: row.phonebookId }) : {} };
  }

  /** A key bound to one phonebook limits its session to that phonebook. */
  private inScope(session: ServiceSession, phonebookId: string): boolean {
    return !session.info!.phonebookId || session.info!.phonebookId === phonebookId;
  }

  private liveFor(vendor: string, phonebookId: string, siteId: string): Live {
    const id = pairId(vendor, phonebookId);
    let live = this.live.get(id);
    if (!live) this.live.set(id, (live = { siteId, setup: false, bySession: new Map(), pushTimer: null }));
    return live;
  }

  /** Registered sessions of a vendor (any, when null) that may serve the phonebook. */
  private sessionsFor(vendor: string | null, phonebookId: string): ServiceSession[] {
    return [...this.sessions.values()].filter((s) => s.info && s.open && (!vendor || s.info.vendor === vendor) && (!s.info.phonebookId || s.info.phonebookId === phonebookId));
  }

  private requireConnected(vendor: string, phonebookId: string): KnownSession[] {
    const list = this.known(vendor, phonebookId);
    if (!list.length) throw new DialbookError('DIALBOOK_VENDOR_UNAVAILABLE', `no ${vendor} service is connected (start it with its service key, e.g. \`dialbook-${vendor} --core ws://…${'/api/v1/vendor-services/ws'} --key …\`)`, { status: 409 });
    return list;
  }

  private async view(phonebookId: string, vendor: string): Promise<PairView> {
    const row = await this.deps.orm.em.fork().findOne(VendorServicePairEntity, { vendor, phonebookId });
    const sessions = this.known(vendor, phonebookId);
    const id = pairId(vendor, phonebookId);
    const live = this.live.get(id);
    const stateOf = (k: KnownSession) => (k.core === null ? live?.bySession.get(k.s.id) : this.peers.get(k.core)?.pairs.get(id)?.states.get(k.s.id));
    const states = sessions.map(stateOf).filter((x) => x !== undefined);
    const enabled = states.find((s) => s.state === 'enabled');
    const setup = !!live?.setup || [...this.peers.values()].some((p) => p.pairs.get(id)?.setup);
    const state: PairState = !sessions.length ? 'unavailable' : enabled ? 'enabled' : setup ? 'setup' : 'disabled';
    let fields: FieldView[] = [];
    let missing: string[] = [];
    if (sessions.length) {
      const pb = await this.deps.phonebooks.get(phonebookId);
      const site = await this.deps.sites.get(pb.siteId);
      const stored = this.read(row);
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

