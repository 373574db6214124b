import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { CredentialService } from '../auth/credentials.js';
import { actorKey, type Actor } from '../domain/actor.js';
import type { PhonebookService } from '../domain/phonebooks.js';
import type { SiteService } from '../domain/sites.js';
import type { DirectoryService } from '../directory/service.js';
import { deviceOf } from '../directory/user-agent.js';
import { DialbookError, notFound } from '../errors.js';
import type { HookBus } from '../hooks/bus.js';
import { SecretBox } from '../settings/crypto.js';
import { filledValue, mergeConfiguration, type FieldView } from './config.js';
import { VendorServicePairEntity, type VendorServicePair } from './entity.js';
import type { AccessInfo, ConfigField, ConfigValues, ServedEvent } from './protocol.js';
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

/**
 * Remote vendor services on core's side: which services are connected, the live state of
 * every (phonebook, vendor) pair (`unavailable → disabled → setup → enabled`, in memory),
 * the stored configuration of each pair, and the pushes of phonebook data on change.
 * The websocket itself is {@link VendorHub}'s; this class never sees a socket, only sessions.
 */
export class VendorServices {
  private readonly sessions = new Map<string, ServiceSession>();
  private readonly live = new Map<string, Live>();
  private readonly box: SecretBox;

  constructor(private readonly deps: VendorServicesDeps) {
    this.box = new SecretBox(deps.secretKey);
    deps.hooks.on('phonebook.changed', ({ phonebookId, siteId }) => this.changed(phonebookId, siteId), { owner: 'core' });
    // Changes made on other instances may have been missed: push every enabled pair again.
    deps.hooks.on('cluster.resync', () => this.changed(null, null), { owner: 'core' });
    // A vendor whose only renderer is its remote service (no plugin in core) still gets its phonebooks.
    deps.directory.serveRemoteVendors((vendor, phonebookId) => this.serves(vendor, phonebookId));
  }

  /** A service of the vendor is connected that may serve the phonebook, or a configuration for the pair is stored. */
  async serves(vendor: string, phonebookId: string): Promise<boolean> {
    if (this.sessionsFor(vendor, phonebookId).length) return true;
    return (await this.deps.orm.em.fork().count(VendorServicePairEntity, { vendor, phonebookId })) > 0;
  }

  // ---- API ---------------------------------------------------------------------------------

  /** Connected service instances. */
  connected() {
    return [...this.sessions.values()].filter((s) => s.info).map((s) => ({
      sessionId: s.id,
      service: s.info!.service,
      vendor: s.info!.vendor,
      version: s.info!.version,
      instanceId: s.info!.instanceId,
      phonebookId: s.info!.phonebookId,
      remoteAddress: s.remoteAddress,
      connectedAt: s.connectedAt.toISOString(),
      lastSeenAt: new Date(s.lastSeen).toISOString(),
      config: s.info!.config,
    }));
  }

  /** Every vendor known for a phonebook: connected services that may serve it and stored configurations. */
  async list(phonebookId: string): Promise<PairView[]> {
    await this.deps.phonebooks.get(phonebookId); // site scope: another site's phonebook is 404
    const rows = await this.deps.orm.em.fork().find(VendorServicePairEntity, { phonebookId });
    const vendors = new Set([...rows.map((r) => r.vendor), ...this.sessionsFor(null, phonebookId).map((s) => s.info!.vendor)]);
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
    this.liveFor(vendor, phonebookId, pb.siteId).setup = true;
    return this.view(phonebookId, vendor);
  }

  /**
   * Store the configuration (merged over what is stored; secrets encrypted), issue a new key
   * for the pair, send both to the service, and wait for its answer (enabled, with what phones need).
   */
  async configure(phonebookId: string, vendor: string, input: Record<string, unknown>, actor: Actor): Promise<PairView> {
    const pb = await this.deps.phonebooks.get(phonebookId);
    const session = this.requireConnected(vendor, phonebookId)[0]!;
    const em = this.deps.orm.em.fork();
    const row = await em.findOne(VendorServicePairEntity, { vendor, phonebookId });
    const stored = this.read(row);
    const site = await this.deps.sites.get(pb.siteId);
    const merged = mergeConfiguration(session.info!.config, stored, input, (f) => filledValue(f, pb, site));
    if (merged.missing.length) {
      throw new DialbookError('DIALBOOK_VENDOR_CONFIG_MISSING', `still needed: ${merged.missing.join(', ')}`, { status: 422, field: `values.${merged.missing[0]}` });
    }
    await this.save(em, row, { vendor, phonebookId, siteId: pb.siteId, values: merged.values, secrets: merged.secrets, enabled: true }, actor, true);
    this.liveFor(vendor, phonebookId, pb.siteId).setup = false;
    await this.sendConfiguration(vendor, phonebookId, true);
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
    this.liveFor(vendor, phonebookId, pb.siteId);
    await this.sendConfiguration(vendor, phonebookId, true);
    return this.view(phonebookId, vendor);
  }

  /** Stop serving the phonebook: stored, told to every connected instance; the pair key is revoked. */
  async disable(phonebookId: string, vendor: string, actor: Actor): Promise<PairView> {
    const pb = await this.deps.phonebooks.get(phonebookId);
    const em = this.deps.orm.em.fork();
    const row = await em.findOne(VendorServicePairEntity, { vendor, phonebookId });
    if (!row && !this.sessionsFor(vendor, phonebookId).length) throw notFound('vendor service', vendor);
    if (row) {
      if (row.credentialId) await this.deps.credentials.revoke(row.credentialId).catch(() => undefined);
      const stored = this.read(row);
      delete stored.secrets[PAIR_KEY];
      await this.save(em, row, { vendor, phonebookId, siteId: pb.siteId, values: stored.values as ConfigValues, secrets: stored.secrets as ConfigValues, enabled: false }, actor, false);
      row.credentialId = null;
      await em.flush();
    }
    const live = this.liveFor(vendor, phonebookId, pb.siteId);
    live.setup = false;
    await Promise.all(
      this.sessionsFor(vendor, phonebookId).map(async (s) => {
        const answer = await s.request({ type: 'enablement', id: s.nextId(), phonebookId, enabled: false }, this.deps.answerTimeoutMs ?? 10_000);
        if (!answer) live.bySession.set(s.id, { state: 'disabled', message: 'disabled by an administrator (the service did not confirm)', access: null });
      }),
    );
    return this.view(phonebookId, vendor);
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
  }

  /** The service's state for one pair (answer to `configure`/`enablement`, or on its own). */
  status(session: ServiceSession, phonebookId: string, state: 'enabled' | 'disabled', message: string | null, access: AccessInfo | null): boolean {
    if (!this.inScope(session, phonebookId)) return false;
    const live = this.live.get(pairId(session.info!.vendor, phonebookId));
    if (!live) return false; // never configured here: ignore
    live.bySession.set(session.id, { state, message, access });
    if (state === 'enabled') live.setup = false;
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

  private requireConnected(vendor: string, phonebookId: string): ServiceSession[] {
    const list = this.sessionsFor(vendor, phonebookId);
    if (!list.length) throw new DialbookError('DIALBOOK_VENDOR_UNAVAILABLE', `no ${vendor} service is connected (start it with its service key, e.g. \`dialbook-${vendor} --core ws://…${'/api/v1/vendor-services/ws'} --key …\`)`, { status: 409 });
    return list;
  }

  private async view(phonebookId: string, vendor: string): Promise<PairView> {
    const row = await this.deps.orm.em.fork().findOne(VendorServicePairEntity, { vendor, phonebookId });
    const sessions = this.sessionsFor(vendor, phonebookId);
    const live = this.live.get(pairId(vendor, phonebookId));
    const states = sessions.map((s) => live?.bySession.get(s.id)).filter((x) => x !== undefined);
    const enabled = states.find((s) => s.state === 'enabled');
    const state: PairState = !sessions.length ? 'unavailable' : enabled ? 'enabled' : live?.setup ? 'setup' : 'disabled';
    let fields: FieldView[] = [];
    let missing: string[] = [];
    if (sessions.length) {
      const pb = await this.deps.phonebooks.get(phonebookId);
      const site = await this.deps.sites.get(pb.siteId);
      const stored = this.read(row);
      const known = (f: ConfigField) => filledValue(f, pb, site);
      const config = sessions[0]!.info!.config;
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
      instances: sessions.map((s) => ({ instanceId: s.info!.instanceId, version: s.info!.version, connectedAt: s.connectedAt.toISOString(), state: live?.bySession.get(s.id)?.state ?? null })),
      updatedAt: row ? row.updatedAt.toISOString() : null,
      updatedBy: row?.updatedBy ?? null,
    };
  }
}

