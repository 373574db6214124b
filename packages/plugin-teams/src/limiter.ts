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

/**
 * A pace of `per` request starts in any `windowMs`, with no bound on concurrency: `all` waits for a
 * start allowed by several paces at once (the PSTN and Direct Routing functions have a limit for
 * both together and one for each). Called right before the request, so the spacing is between
 * requests as sent.
 */
export class Pace {
  private nextStart = 0;

  constructor(
    private readonly per: number,
    private readonly windowMs: number,
  ) {}

  /** Wait until every pace allows a start, then take it from each. */
  static async all(paces: Pace[], o: { sleep: (ms: number, signal?: AbortSignal) => Promise<void>; now: () => number }, signal?: AbortSignal): Promise<void> {
    const now = o.now();
    const at = Math.max(now, ...paces.map((p) => p.nextStart));
    for (const p of paces) p.nextStart = at + p.windowMs / p.per;
    if (at > now) await o.sleep(at - now, signal);
  }
}
