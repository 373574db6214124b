/**
 * The routing clients' trunks as the FastAGI handler needs them for dial strings, read from
 * `ctx.routing.trunks()` once and again after a `routing.client.changed` (or a miss: a client
 * changed on another instance). Made in setup; no module-level state.
 */
import type { RoutingTrunk } from '@dialbook/core';

export interface TrunkCache {
  /** The enabled client's trunk, or null (disabled, deleted, unknown). Reloads once on a miss. */
  get(clientId: string): Promise<RoutingTrunk | null>;
  /** Forget what was read (after a client changed). */
  invalidate(): void;
}

/** A cache over `load` (`ctx.routing.trunks`). Concurrent callers share one load. */
export function trunkCache(load: () => Promise<RoutingTrunk[]>): TrunkCache {
  let current: Promise<Map<string, RoutingTrunk>> | null = null;
  let loadedAt = 0;
  const reload = () => {
    const p = load().then((list) => new Map(list.map((t) => [t.clientId, t])));
    current = p;
    loadedAt = Date.now();
    p.catch(() => {
      if (current === p) current = null; // a failed read is not cached
    });
    return p;
  };
  return {
    async get(clientId) {
      const hit = (await (current ?? reload())).get(clientId);
      if (hit) return hit;
      // A client made or re-enabled on another instance (events are local): read again, at most once a second.
      if (Date.now() - loadedAt < 1_000) return null;
      return (await reload()).get(clientId) ?? null;
    },
    invalidate() {
      current = null;
    },
  };
}
