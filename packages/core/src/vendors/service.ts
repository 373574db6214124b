import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { Actor } from '../base/actor.js';
import { DialbookError, notFound } from '../base/errors.js';
import type { CredentialService } from '../credentials/service.js';
import type { DirectoryService } from '../directory/service.js';
import { deviceOf } from '../directory/user-agent.js';
import type { HookBus } from '../hooks/bus.js';
import type { ClusterChannels } from '../hooks/channels.js';
import type { PhonebookService } from '../phonebooks/service.js';
import type { SiteService } from '../sites/service.js';
import { ClusterLink, type KnownSession, type VendorCluster } from './cluster.js';
import { filledValue, mergeConfiguration } from './config.js';
import { describeSession, LiveState } from './live.js';
import { PairStore } from './pairs.js';
import type { VendorCommandOp } from './peers.js';
import type { AccessInfo, ServedEvent } from './protocol.js';
import { Pushes, type PhonebookSnapshot } from './push.js';
import type { ServiceSession } from './session.js';
import { PairViews, type PairView } from './view.js';

export interface VendorServicesDeps {
  orm: MikroORM;
  hooks: HookBus;
  /** Core's private channels between instances (`vendor.state`, `vendor.command`, `vendor.result`). */
  channels: ClusterChannels;
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

/**
 * Remote vendor services on core's side: which services are connected, the live state of
 * every (phonebook, vendor) pair ({@link LiveState}: `unavailable → disabled → setup → enabled`,
 * in memory), the stored configuration of each pair ({@link PairStore}), what is sent to the
 * services ({@link Pushes}) and how a pair looks ({@link PairViews}). The websocket itself is
 * {@link VendorHub}'s; this class never sees a socket, only sessions.
 *
 * With several instances on one PostgreSQL database ({@link joinCluster}, {@link ClusterLink}),
 * every instance shows the pairs of services connected anywhere. An admin command does its
 * database work where it was called and forwards the rest — setup flag, `configure`/`enablement`
 * frames, waiting for the service — to each instance holding a socket of the vendor, so the call
 * answers as if the service were connected here.
 */
export class VendorServices {
  private readonly live = new LiveState();
  private readonly store: PairStore;
  private readonly pushes: Pushes;
  private readonly link: ClusterLink;
  private readonly views: PairViews;

  constructor(private readonly deps: VendorServicesDeps) {
    const answerTimeoutMs = deps.answerTimeoutMs ?? 10_000;
    this.store = new PairStore(deps.orm, deps.credentials, deps.secretKey);
    this.pushes = new Pushes({ live: this.live, store: this.store, phonebooks: deps.phonebooks, sites: deps.sites, directory: deps.directory, logger: deps.logger, answerTimeoutMs, pushDelayMs: deps.pushDelayMs ?? 100 });
    this.link = new ClusterLink({ live: this.live, hooks: deps.hooks, channels: deps.channels, phonebooks: deps.phonebooks, logger: deps.logger, answerTimeoutMs, apply: (...command) => this.pushes.apply(...command) });
    this.views = new PairViews({ store: this.store, live: this.live, link: this.link, phonebooks: deps.phonebooks, sites: deps.sites });
    deps.hooks.on('phonebook.changed', ({ phonebookId, siteId }) => this.pushes.changed(phonebookId, siteId), { owner: 'core' });
    // Changes made on other instances may have been missed: push every enabled pair again.
    deps.hooks.on('cluster.resync', () => this.pushes.changed(null, null), { owner: 'core' });
    // A vendor whose only renderer is its remote service (no plugin in core) still gets its phonebooks.
    deps.directory.serveRemoteVendors((vendor, phonebookId) => this.serves(vendor, phonebookId));
  }

  /** Take part in the cluster (PostgreSQL, after the relay started): see {@link ClusterLink.join}. */
  joinCluster(cluster: VendorCluster, heartbeatMs: number): void {
    this.link.join(cluster, heartbeatMs);
  }

  /** A service of the vendor is connected (to any instance) that may serve the phonebook, or a configuration for the pair is stored. */
  async serves(vendor: string, phonebookId: string): Promise<boolean> {
    if (this.views.known(vendor, phonebookId).length) return true;
    return this.store.exists(vendor, phonebookId);
  }

  // ---- API ---------------------------------------------------------------------------------

  /** Connected service instances (on other instances of a cluster too). */
  connected() {
    const local = this.live.registered().map(describeSession);
    return [...local, ...this.link.remoteSessions()].map((s) => ({
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
    const rows = await this.store.forPhonebook(phonebookId);
    const vendors = new Set([...rows.map((r) => r.vendor), ...this.views.known(null, phonebookId).map((k) => k.s.vendor)]);
    return Promise.all([...vendors].sort().map((v) => this.views.view(phonebookId, v)));
  }

  async get(phonebookId: string, vendor: string): Promise<PairView> {
    await this.deps.phonebooks.get(phonebookId);
    const view = await this.views.view(phonebookId, vendor);
    if (view.state === 'unavailable' && !view.configured) throw notFound('vendor service', vendor);
    return view;
  }

  /** Setup mode: the admin is about to fill the fields the service asked for. */
  async startSetup(phonebookId: string, vendor: string): Promise<PairView> {
    const pb = await this.deps.phonebooks.get(phonebookId);
    this.requireConnected(vendor, phonebookId);
    await this.deliver('setup', vendor, phonebookId, pb.siteId, false);
    return this.views.view(phonebookId, vendor);
  }

  /**
   * Store the configuration (merged over what is stored; secrets encrypted), issue a new key
   * for the pair, send both to the service, and wait for its answer (enabled, with what phones need).
   */
  async configure(phonebookId: string, vendor: string, input: Record<string, unknown>, actor: Actor): Promise<PairView> {
    const pb = await this.deps.phonebooks.get(phonebookId);
    const session = this.requireConnected(vendor, phonebookId)[0]!.s;
    const em = this.store.em();
    const row = await this.store.find(vendor, phonebookId, em);
    const stored = this.store.read(row);
    const site = await this.deps.sites.get(pb.siteId);
    const merged = mergeConfiguration(session.config, stored, input, (f) => filledValue(f, pb, site));
    if (merged.missing.length) {
      throw new DialbookError('DIALBOOK_VENDOR_CONFIG_MISSING', `still needed: ${merged.missing.join(', ')}`, { status: 422, field: `values.${merged.missing[0]}` });
    }
    await this.store.save(em, row, { vendor, phonebookId, siteId: pb.siteId, values: merged.values, secrets: merged.secrets, enabled: true }, actor, true);
    await this.deliver('configure', vendor, phonebookId, pb.siteId, true);
    return this.views.view(phonebookId, vendor);
  }

  /** Serve the phonebook again with the stored configuration (a fresh pair key). */
  async enable(phonebookId: string, vendor: string, actor: Actor): Promise<PairView> {
    const pb = await this.deps.phonebooks.get(phonebookId);
    this.requireConnected(vendor, phonebookId);
    const em = this.store.em();
    const row = await this.store.find(vendor, phonebookId, em);
    if (!row) throw new DialbookError('DIALBOOK_VENDOR_NOT_CONFIGURED', `${vendor} has no configuration for this phonebook yet: start the setup and submit the configuration`, { status: 409 });
    await this.store.enable(em, row, { vendor, phonebookId, siteId: pb.siteId }, actor);
    await this.deliver('enable', vendor, phonebookId, pb.siteId, true);
    return this.views.view(phonebookId, vendor);
  }

  /** Stop serving the phonebook: stored, told to every connected instance; the pair key is revoked. */
  async disable(phonebookId: string, vendor: string, actor: Actor): Promise<PairView> {
    const pb = await this.deps.phonebooks.get(phonebookId);
    const em = this.store.em();
    const row = await this.store.find(vendor, phonebookId, em);
    if (!row && !this.views.known(vendor, phonebookId).length) throw notFound('vendor service', vendor);
    if (row) await this.store.disable(em, row, { vendor, phonebookId, siteId: pb.siteId }, actor);
    await this.deliver('disable', vendor, phonebookId, pb.siteId, true);
    return this.views.view(phonebookId, vendor);
  }

  /** Run a command's socket part on another instance of the cluster: see {@link ClusterLink.forward}. */
  forward(instance: string, op: VendorCommandOp, vendor: string, phonebookId: string): Promise<void> {
    return this.link.forward(instance, op, vendor, phonebookId);
  }

  // ---- sessions (called by the hub) ---------------------------------------------------------

  addSession(session: ServiceSession): void {
    this.live.add(session);
  }

  sessionById(id: string): ServiceSession | undefined {
    return this.live.byId(id);
  }

  sessionByWs(ws: unknown): ServiceSession | undefined {
    return this.live.byWs(ws);
  }

  /** A registered session: send the stored configuration of every pair it may serve. */
  async registered(session: ServiceSession): Promise<void> {
    this.live.touch();
    const { vendor, phonebookId } = session.info!;
    for (const row of await this.store.enabledOf(vendor, phonebookId)) {
      this.live.ensure(vendor, row.phonebookId, row.siteId);
      await this.pushes.sendConfigure(session, row).catch((err: unknown) => this.deps.logger.error({ err, vendor, phonebookId: row.phonebookId }, 'could not send a stored vendor configuration'));
    }
  }

  removeSession(session: ServiceSession): void {
    this.live.remove(session);
  }

  /** The service's state for one pair (answer to `configure`/`enablement`, or on its own); false when ignored. */
  status(session: ServiceSession, phonebookId: string, state: 'enabled' | 'disabled', message: string | null, access: AccessInfo | null): boolean {
    return this.live.status(session, phonebookId, { state, message, access });
  }

  /** `phonebook.request`: the pair key must be the current one for this phonebook and service. */
  async phonebookFor(session: ServiceSession, phonebookId: string, key: string): Promise<PhonebookSnapshot> {
    const cred = await this.deps.credentials.verifyServiceKey(key);
    if (!cred || cred.phonebookId !== phonebookId || cred.service !== session.info!.service) {
      throw new DialbookError('DIALBOOK_VENDOR_KEY_INVALID', `the key is not (or no longer) valid for phonebook ${phonebookId}; wait for a new configuration`, { status: 403 });
    }
    return this.pushes.snapshot(session.info!.vendor, phonebookId);
  }

  /** Device fetches the service served: into the audit log as `directory.served` (and the hook). */
  audit(session: ServiceSession, events: ServedEvent[]): number {
    let recorded = 0;
    for (const e of events) {
      const live = this.live.pair(session.info!.vendor, e.phonebookId);
      if (!live || !this.live.inScope(session, e.phonebookId)) continue; // not a phonebook this service was given
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
    this.pushes.close();
    await this.link.close();
  }

  // ---- internals -----------------------------------------------------------------------------

  /**
   * The part of a command that needs the service's sockets, after the database work: on this
   * instance (with `always`, even without a socket here: it clears this instance's setup flag)
   * and, forwarded, on every other instance holding a socket of the vendor or a setup flag for the pair.
   */
  private async deliver(op: VendorCommandOp, vendor: string, phonebookId: string, siteId: string, always: boolean): Promise<void> {
    const here = this.live.sessionsFor(vendor, phonebookId).length > 0;
    const elsewhere = this.link.holders(vendor, phonebookId);
    await Promise.all([here || always ? this.pushes.apply(op, vendor, phonebookId, siteId) : undefined, ...[...elsewhere].map((instance) => this.link.forward(instance, op, vendor, phonebookId))]);
  }

  private requireConnected(vendor: string, phonebookId: string): KnownSession[] {
    const list = this.views.known(vendor, phonebookId);
    if (!list.length) throw new DialbookError('DIALBOOK_VENDOR_UNAVAILABLE', `no ${vendor} service is connected (start it with its service key, e.g. \`dialbook-${vendor} --core ws://…${'/api/v1/vendor-services/ws'} --key …\`)`, { status: 409 });
    return list;
  }
}
