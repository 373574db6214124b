import type { VendorCommandEvent, VendorResultEvent, VendorStateEvent } from './peers.js';

declare module '../hooks/types.js' {
  interface HookEvents {
    // ---- remote vendor services across instances (relayed on PostgreSQL; never emitted on SQLite) ----
    /** The live vendor-service sessions and pair states of one instance: sent on change and every heartbeat. */
    'vendor.state': VendorStateEvent;
    /** An admin command for a pair whose service is connected to another instance, forwarded to it. */
    'vendor.command': VendorCommandEvent;
    /** The answer of the instance that ran a `vendor.command`. */
    'vendor.result': VendorResultEvent;
  }
}
