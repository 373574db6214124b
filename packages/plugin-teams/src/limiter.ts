/**
 * A small limiter for Graph requests: at most `concurrency` in flight, and starts spaced so that
 * no more than `per20s` begin in any 20 s (Graph's limits are per 20 s: calls.md §1.6, §6).
 */
export interface LimiterOptions {
  concurrency: number;
  per20s: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
}

export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private nextStart = 0;

  constructor(private readonly o: LimiterOptions) {}

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.active >= this.o.concurrency) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      const gap = 20_000 / this.o.per20s;
      const now = this.o.now();
      const at = Math.max(now, this.nextStart);
      this.nextStart = at + gap;
      if (at > now) await this.o.sleep(at - now, signal);
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}
