import type { AccessInfo, ConfigField } from './protocol.js';

/**
 * What instances of one cluster (several cores on one PostgreSQL database) tell each other
 * about the vendor services connected to them, on private channels of the event relay
 * (`src/hooks/channels.ts`; no hook events, so no plugin sends or hears them). Plain JSON; a
 * payload over one NOTIFY is sent in fragments by the relay.
 */

/** One registered vendor-service session, as other instances see it. */
export interface PeerSession {
  /** The session id on the instance holding the socket. */
  id: string;
  service: string;
  vendor: string;
  version: string;
  /** The service's own instance id. */
  instanceId: string;
  phonebookId: string | null;
  remoteAddress: string | null;
  connectedAt: string;
  lastSeenAt: string;
  config: ConfigField[];
}

/** The live state of one (phonebook, vendor) pair on one instance. */
export interface PeerPair {
  vendor: string;
  phonebookId: string;
  /** An admin started setup through (or for) this instance. */
  setup: boolean;
  /** What each of this instance's sessions said about the pair. */
  states: { session: string; state: 'enabled' | 'disabled'; message: string | null; access: AccessInfo | null }[];
}

/**
 * `vendor.state`: the complete live vendor-service state of one instance — sent on every change,
 * every heartbeat while it holds anything, when asked (`hello`) and after a `cluster.resync`.
 */
export interface VendorStateEvent {
  /** The sending core instance (its relay id). */
  instance: string;
  /** Grows with every state the instance sends; older ones are ignored. */
  seq: number;
  /** The sender's heartbeat: the others forget it after three missed ones. */
  heartbeatMs: number;
  /** The sender just joined: the others answer with their state at once. */
  hello?: boolean;
  /** The sender is shutting down: forget it now. */
  bye?: boolean;
  sessions: PeerSession[];
  pairs: PeerPair[];
}

/** What an admin command does on the instance holding the service's socket (after the database work is done). */
export type VendorCommandOp = 'setup' | 'configure' | 'enable' | 'disable';

/** `vendor.command`: run `op` for the pair on instance `to`; only ids cross (configurations are re-read from the database). */
export interface VendorCommandEvent {
  /** Correlation id, named by the `vendor.result`. */
  id: string;
  from: string;
  to: string;
  op: VendorCommandOp;
  vendor: string;
  phonebookId: string;
}

/** `vendor.result`: the answer to a `vendor.command`. */
export interface VendorResultEvent {
  id: string;
  from: string;
  to: string;
  /** The `seq` of the sender's `vendor.state` sent right before: the state after the command. */
  seq: number;
  /** The error the command ended with, as the API reports it. */
  error: { code: string; message: string; status: number; field?: string; details?: Record<string, unknown> } | null;
}
