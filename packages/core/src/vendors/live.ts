import type { PeerPair, PeerSession } from './peers.js';
import type { AccessInfo } from './protocol.js';
import type { ServiceSession } from './session.js';

/**
 * Where a (phonebook, vendor) pair stands, in memory and rebuilt when a service connects:
 * `unavailable` (no service of the vendor connected anywhere that may serve the phonebook) →
 * `disabled` (connected) → `setup` (an admin started the setup) → `enabled` (a service said it serves it).
 */
export type PairState = 'unavailable' | 'disabled' | 'setup' | 'enabled';

export const pairState = (connected: boolean, enabled: boolean, setup: boolean): PairState => (!connected ? 'unavailable' : enabled ? 'enabled' : setup ? 'setup' : 'disabled');

/** What one session said about one pair (its answer to `configure`/`enablement`, or on its own). */
export interface SessionState {
  state: 'enabled' | 'disabled';
  message: string | null;
  access: AccessInfo | null;
}

/** One pair as this instance holds it. */
export interface LivePair {
  siteId: string;
  /** An admin started setup through (or for) this instance. */
  setup: boolean;
  bySession: Map<string, SessionState>;
  /** A coalesced `phonebook.update` push is due. */
  pushTimer: NodeJS.Timeout | null;
}

export const pairId = (vendor: string, phonebookId: string) => `${vendor}\u0000${phonebookId}`;
export const splitPairId = (id: string) => id.split('\u0000') as [vendor: string, phonebookId: string];

/** A session as the API and the other instances see it. */
export function describeSession(s: ServiceSession): PeerSession {
  const i = s.info!;
  return { id: s.id, service: i.service, vendor: i.vendor, version: i.version, instanceId: i.instanceId, phonebookId: i.phonebookId, remoteAddress: s.remoteAddress, connectedAt: s.connectedAt.toISOString(), lastSeenAt: new Date(s.lastSeen).toISOString(), config: i.config };
}

/**
 * The vendor-service sessions connected to this instance (the hub adds and removes them) and the
 * live state of every pair they were given. Tells one listener of every change (the cluster link,
 * which sends this instance's state to the others).
 */
export class LiveState {
  private readonly sessions = new Map<string, ServiceSession>();
  /** By {@link pairId}. */
  readonly pairs = new Map<string, LivePair>();
  private listener: () => void = () => undefined;

  /** Call `listener` on every change of what this instance holds. */
  onChange(listener: () => void): void {
    this.listener = listener;
  }

  /** Something this instance holds changed. */
  touch(): void {
    this.listener();
  }

  add(session: ServiceSession): void {
    this.sessions.set(session.id, session);
  }

  byId(id: string): ServiceSession | undefined {
    return this.sessions.get(id);
  }

  byWs(ws: unknown): ServiceSession | undefined {
    for (const s of this.sessions.values()) if (s.ws === ws) return s;
    return undefined;
  }

  remove(session: ServiceSession): void {
    this.sessions.delete(session.id);
    for (const live of this.pairs.values()) live.bySession.delete(session.id);
    session.dispose();
    this.touch();
  }

  /** Sessions that registered (`open`: whose socket is still open too). */
  registered(open = false): ServiceSession[] {
    return [...this.sessions.values()].filter((s) => s.info && (!open || s.open));
  }

  /** Registered sessions of a vendor (any, when null) that may serve the phonebook. */
  sessionsFor(vendor: string | null, phonebookId: string): ServiceSession[] {
    return [...this.sessions.values()].filter((s) => s.info && s.open && (!vendor || s.info.vendor === vendor) && (!s.info.phonebookId || s.info.phonebookId === phonebookId));
  }

  /** A key bound to one phonebook limits its session to that phonebook. */
  inScope(session: ServiceSession, phonebookId: string): boolean {
    return !session.info!.phonebookId || session.info!.phonebookId === phonebookId;
  }

  pair(vendor: string, phonebookId: string): LivePair | undefined {
    return this.pairs.get(pairId(vendor, phonebookId));
  }

  /** The pair's live state, created (not set up, no session state) when there is none yet. */
  ensure(vendor: string, phonebookId: string, siteId: string): LivePair {
    const id = pairId(vendor, phonebookId);
    let live = this.pairs.get(id);
    if (!live) this.pairs.set(id, (live = { siteId, setup: false, bySession: new Map(), pushTimer: null }));
    return live;
  }

  /** The service's state for one pair; false (ignored) outside its scope or for a pair never configured here. */
  status(session: ServiceSession, phonebookId: string, state: SessionState): boolean {
    if (!this.inScope(session, phonebookId)) return false;
    const live = this.pair(session.info!.vendor, phonebookId);
    if (!live) return false;
    live.bySession.set(session.id, state);
    if (state.state === 'enabled') live.setup = false;
    this.touch();
    return true;
  }

  /** This instance holds a registered session or a setup flag: worth telling the others. */
  holdsAnything(): boolean {
    for (const s of this.sessions.values()) if (s.info) return true;
    for (const l of this.pairs.values()) if (l.setup) return true;
    return false;
  }

  /** The pairs set up here or with a state from a session still here, as the other instances are told. */
  peerPairs(): PeerPair[] {
    const pairs: PeerPair[] = [];
    for (const [id, live] of this.pairs) {
      const states = [...live.bySession].filter(([sid]) => this.sessions.has(sid)).map(([session, st]) => ({ session, state: st.state, message: st.message, access: st.access }));
      if (!live.setup && !states.length) continue;
      const [vendor, phonebookId] = splitPairId(id);
      pairs.push({ vendor, phonebookId, setup: live.setup, states });
    }
    return pairs;
  }
}
