import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DialbookError, isDialbookError } from '../base/errors.js';
import type { HookBus } from '../hooks/bus.js';
import type { ClusterChannel, ClusterChannels } from '../hooks/channels.js';
import type { PhonebookService } from '../phonebooks/service.js';
import { describeSession, pairId, type LiveState, type SessionState } from './live.js';
import type { PeerSession, VendorCommandEvent, VendorCommandOp, VendorResultEvent, VendorStateEvent } from './peers.js';

/** The event relay between instances, as far as vendor services use it. */
export interface VendorCluster {
  /** This instance's id on the relay. */
  readonly instance: string;
  status(): { connected: boolean };
}

/** A registered session on this instance (`core` null) or on another one. */
export interface KnownSession {
  core: string | null;
  s: PeerSession;
}

/** What another instance told about one pair. */
export interface PeerPairState {
  setup: boolean;
  states: Map<string, SessionState>;
}

/** What another instance told about its vendor-service sessions (see {@link VendorStateEvent}). */
interface Peer {
  seq: number;
  heartbeatMs: number;
  /** When its last state arrived (this instance's clock). */
  at: number;
  sessions: PeerSession[];
  pairs: Map<string, PeerPairState>;
}

export interface ClusterLinkDeps {
  live: LiveState;
  hooks: HookBus;
  channels: ClusterChannels;
  phonebooks: PhonebookService;
  logger: Logger;
  /** How long this instance waits for its own service's answer (a forwarded command waits a little longer). */
  answerTimeoutMs: number;
  /** Run a command's socket part on this instance (for a command another instance forwards). */
  apply(op: VendorCommandOp, vendor: string, phonebookId: string, siteId: string): Promise<void>;
}

/** A peer is forgotten after this many of its heartbeats without a `vendor.state`. */
const PEER_MISSED_BEATS = 3;
/** A forwarded command waits `answerTimeoutMs` (the other instance's wait for its service) plus this much. */
const FORWARD_MARGIN_MS = 2_000;
/** Coalesce bursts of local changes into one `vendor.state`. */
const STATE_DELAY_MS = 10;

/**
 * This instance's part in a cluster (several instances on one PostgreSQL database), on private
 * channels of the relay: it sends the live state of its own sessions to the others (`vendor.state`,
 * on change and every heartbeat) and keeps theirs (forgotten after three missed heartbeats), and it
 * forwards the socket part of an admin command to the instance holding the service's socket
 * (`vendor.command` → `vendor.result`), and runs those the others forward to it.
 */
export class ClusterLink {
  private cluster: VendorCluster | null = null;
  private heartbeatMs = 15_000;
  private readonly peers = new Map<string, Peer>();
  private readonly waiting = new Map<string, { to: string; resolve: (r: VendorResultEvent | 'gone' | null) => void; timer: NodeJS.Timeout }>();
  private seq = 0;
  private stateTimer: NodeJS.Timeout | null = null;
  private beatTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly states: ClusterChannel<VendorStateEvent>;
  private readonly commands: ClusterChannel<VendorCommandEvent>;
  private readonly results: ClusterChannel<VendorResultEvent>;

  constructor(private readonly deps: ClusterLinkDeps) {
    this.states = deps.channels.channel<VendorStateEvent>('vendor.state');
    this.commands = deps.channels.channel<VendorCommandEvent>('vendor.command');
    this.results = deps.channels.channel<VendorResultEvent>('vendor.result');
    deps.live.onChange(() => this.touch());
  }

  /**
   * Take part in the cluster (after the relay started): send this instance's state on every change
   * and heartbeat, keep the other instances' states, run the commands they forward. Asks the others
   * for their state at once.
   */
  join(cluster: VendorCluster, heartbeatMs: number): void {
    if (this.cluster) return;
    this.cluster = cluster;
    this.heartbeatMs = heartbeatMs;
    const { live } = this.deps;
    this.states.on((e) => this.peerState(e));
    this.commands.on((e) => void (e.to === cluster.instance && e.from !== cluster.instance ? this.run(e) : undefined));
    this.results.on((e) => this.result(e));
    // Events may have been missed (here or elsewhere): everyone sends its state again.
    this.deps.hooks.on('cluster.resync', () => void (live.holdsAnything() ? this.publishState() : undefined), { owner: 'core' });
    this.beatTimer = setInterval(() => {
      this.expirePeers();
      if (live.holdsAnything()) void this.publishState();
    }, heartbeatMs);
    this.beatTimer.unref();
    void this.publishState({ hello: true });
  }

  /** Every registered session on the other instances. */
  remoteSessions(): PeerSession[] {
    return [...this.livePeers().values()].flatMap((p) => p.sessions);
  }

  /** Registered sessions on the other instances of a vendor (any, when null) that may serve the phonebook. */
  remote(vendor: string | null, phonebookId: string): KnownSession[] {
    const fits = (s: PeerSession) => (!vendor || s.vendor === vendor) && (!s.phonebookId || s.phonebookId === phonebookId);
    return [...this.livePeers()].flatMap(([core, p]) => p.sessions.filter(fits).map((s) => ({ core, s })));
  }

  /** What instance `core` last told about the pair. */
  peerPair(core: string, vendor: string, phonebookId: string): PeerPairState | undefined {
    return this.peers.get(core)?.pairs.get(pairId(vendor, phonebookId));
  }

  /** Another instance holds a setup flag for the pair. */
  setupElsewhere(vendor: string, phonebookId: string): boolean {
    const id = pairId(vendor, phonebookId);
    return [...this.peers.values()].some((p) => p.pairs.get(id)?.setup);
  }

  /** The other instances a command for the pair goes to: those holding a socket of the vendor that may serve it, or a setup flag for it. */
  holders(vendor: string, phonebookId: string): Set<string> {
    const elsewhere = new Set(this.remote(vendor, phonebookId).map((k) => k.core!));
    for (const [instance, peer] of this.livePeers()) if (peer.pairs.get(pairId(vendor, phonebookId))?.setup) elsewhere.add(instance);
    return elsewhere;
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
    const timeoutMs = this.deps.answerTimeoutMs + FORWARD_MARGIN_MS;
    const result = await new Promise<VendorResultEvent | 'gone' | null>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(null);
      }, timeoutMs);
      timer.unref();
      this.waiting.set(id, { to: instance, resolve, timer });
      void this.commands.send({ id, from: cluster.instance, to: instance, op, vendor, phonebookId });
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

  /** Stop: pending forwards answer null, and the others forget this instance's sessions now rather than after three missed heartbeats. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.beatTimer) clearInterval(this.beatTimer);
    this.beatTimer = null;
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer);
      this.waiting.delete(id);
      w.resolve(null);
    }
    if (this.cluster) await this.publishState({ bye: true }).catch((err: unknown) => this.deps.logger.warn({ err }, 'could not tell the other instances that this one stops'));
  }

  /** A command forwarded to this instance: run it, send the state it left, then the answer. */
  private async run(e: VendorCommandEvent): Promise<void> {
    let error: VendorResultEvent['error'] = null;
    try {
      const pb = await this.deps.phonebooks.get(e.phonebookId);
      await this.deps.apply(e.op, e.vendor, e.phonebookId, pb.siteId);
    } catch (err) {
      if (!isDialbookError(err) || err.status >= 500) this.deps.logger.error({ err, op: e.op, vendor: e.vendor, phonebookId: e.phonebookId, from: e.from }, `a vendor command forwarded by instance ${e.from} failed`);
      error = isDialbookError(err)
        ? { code: err.code, message: err.message, status: err.status, ...(err.field ? { field: err.field } : {}), ...(err.details ? { details: err.details } : {}) }
        : { code: 'DIALBOOK_VENDOR_INTERNAL', message: `instance ${this.cluster!.instance} could not run the command (see its log)`, status: 500 };
    }
    const seq = await this.publishState();
    await this.results.send({ id: e.id, from: this.cluster!.instance, to: e.from, seq, error });
  }

  private result(e: VendorResultEvent): void {
    if (!this.cluster || e.to !== this.cluster.instance) return;
    const waiting = this.waiting.get(e.id);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.waiting.delete(e.id);
    waiting.resolve(e);
  }

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
    if (e.hello && this.deps.live.holdsAnything()) void this.publishState();
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
    const { live } = this.deps;
    const sessions = flags.bye ? [] : live.registered(true).map(describeSession);
    const pairs = flags.bye ? [] : live.peerPairs();
    await this.states.send({ instance: this.cluster.instance, seq, heartbeatMs: this.heartbeatMs, ...flags, sessions, pairs });
    return seq;
  }
}
