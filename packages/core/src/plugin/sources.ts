import type { Actor } from '../base/actor.js';

/** Counts a sync reports; also the payload of `sync.finished`. */
export interface SyncResult {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
}

export interface SyncRequest {
  siteId: string;
  actor: Actor;
  signal?: AbortSignal;
  /** Progress as it runs (`done` of `total` when the total is known). */
  progress?(done: number, total?: number): void;
}
