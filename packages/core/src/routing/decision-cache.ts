import type { Campaign, Link, RoutingClient } from './model.js';

/** What a decision reads about a DID that changes rarely: its campaign (null: unknown DID or none assigned), links and their clients. */
export interface DidSetup {
  campaign: Campaign | null;
  links: Link[];
  clients: Map<string, RoutingClient>;
}

/** At most this many DIDs are kept; one more empties the cache (DIDs dialled that do not exist are kept too). */
const MAX_ENTRIES = 10_000;

/**
 * A per-instance cache of {@link DidSetup} by DID for the engine's `decide` (issue 15's speed
 * target): the campaign, links and clients are edited rarely, decisions read them on every call.
 * Live counters, slots, the round-robin cursor and call records are never in it — they stay read
 * from the database in each decision, and under the client's row lock in `attempt`.
 *
 * Any `routing.changed` (emitted by the client, campaign, DID and link services after the commit
 * and relayed to every instance) or `cluster.resync` empties it ({@link clear}). A load that
 * started before a clear is not stored (the generation moved on), so a read racing an edit cannot
 * put the old rows back.
 */
export class DecisionCache {
  private readonly entries = new Map<string, DidSetup>();
  private generation = 0;

  /** The cached setup of `did`, or `load`'s (stored unless the cache was cleared meanwhile). */
  async get(did: string, load: () => Promise<DidSetup>): Promise<DidSetup> {
    const hit = this.entries.get(did);
    if (hit) return hit;
    const started = this.generation;
    const loaded = await load();
    if (started === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(did, loaded);
    }
    return loaded;
  }

  /** Forget everything (a routing edit here or on another instance, or a resync). */
  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  /** How many DIDs are cached (for tests). */
  get size(): number {
    return this.entries.size;
  }
}
