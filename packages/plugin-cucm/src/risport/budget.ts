/**
 * The RisPort request budget. CUCM allows 15 selectCmDevice requests a minute by default
 * (enterprise parameter "Rate Control → Allowed Device Queries Per Minute", at most 18), counted
 * across every client of the cluster. `RateBudget` is what the RisPort client asks before each
 * request; a cluster-wide implementation (shared by Dialbook instances through the database)
 * can replace the in-process one without touching the client.
 */
import { systemClock, type Clock } from '../retry.js';

export interface RateBudget {
  /** Resolves when one more request may be sent now (and counts it). */
  take(): Promise<void>;
}

export const DEFAULT_RIS_PER_MINUTE = 15;

/**
 * A sliding one-minute window in this process: at most `perMinute` takes in any `windowMs`.
 * Takers queue in order; a taker waits until the oldest take has left the window by `marginMs`
 * (CUCM counts requests when they arrive, which is a little later, and not equally so).
 *
 * @example
 * const budget = new InProcessRateBudget({ perMinute: 12 });
 * await budget.take(); // then send the request
 */
export class InProcessRateBudget implements RateBudget {
  readonly perMinute: number;
  readonly windowMs: number;
  readonly marginMs: number;
  private readonly clock: Clock;
  private stamps: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(options: { perMinute?: number; windowMs?: number; marginMs?: number; clock?: Clock } = {}) {
    this.perMinute = Math.max(1, Math.floor(options.perMinute ?? DEFAULT_RIS_PER_MINUTE));
    this.windowMs = options.windowMs ?? 60_000;
    this.marginMs = options.marginMs ?? 500;
    this.clock = options.clock ?? systemClock;
  }

  take(): Promise<void> {
    const turn = this.queue.then(() => this.acquire());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Takes in the current window (for status pages and tests). */
  used(): number {
    this.prune(this.clock.now());
    return this.stamps.length;
  }

  private prune(now: number): void {
    while (this.stamps.length && this.stamps[0]! <= now - this.windowMs - this.marginMs) this.stamps.shift();
  }

  private async acquire(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.prune(now);
      if (this.stamps.length < this.perMinute) {
        this.stamps.push(now);
        return;
      }
      await this.clock.sleep(this.stamps[0]! + this.windowMs + this.marginMs - now);
    }
  }
}
