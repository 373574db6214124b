/**
 * Waiting: a clock that can be replaced in tests (so backoffs and rate windows need no real
 * sleeps), exponential backoff with jitter for the faults that say "retry", and a small
 * concurrency limit.
 */
import { isCucmError } from './errors.js';

export interface Clock {
  /** Milliseconds, like Date.now(). */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

export interface RetryOptions {
  /** Tries in all, the first included (default 5). 1 turns retrying off. */
  attempts?: number;
  /** First wait when the fault gives no hint (default 1 s); doubled per retry. */
  baseMs?: number;
  /** Longest single wait (default 60 s). */
  maxMs?: number;
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: unknown;
}

/**
 * The wait before retry number `attempt` (1 = the first retry): the fault's hint (or `baseMs`)
 * doubled per earlier retry, capped at `maxMs`, with ±25 % jitter so parallel workers spread out.
 */
export function backoffDelay(attempt: number, hintMs: number | undefined, o: Required<RetryOptions>, random: () => number = Math.random): number {
  const base = hintMs && hintMs > 0 ? hintMs : o.baseMs;
  const raw = Math.min(o.maxMs, base * 2 ** (attempt - 1));
  return Math.round(raw * (0.75 + random() * 0.5));
}

export const retryDefaults = (o: RetryOptions = {}): Required<RetryOptions> => ({ attempts: o.attempts ?? 5, baseMs: o.baseMs ?? 1000, maxMs: o.maxMs ?? 60_000 });

/**
 * Run `fn`; when it fails with a retryable CucmError (throttling), wait and try again, up to
 * `attempts` tries. Other errors and the last failure are thrown as they are.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: { retry?: RetryOptions; clock?: Clock; random?: () => number; onRetry?: (e: RetryEvent) => void } = {},
): Promise<T> {
  const o = retryDefaults(options.retry);
  const clock = options.clock ?? systemClock;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isCucmError(err) || !err.retryable || attempt >= o.attempts) throw err;
      const delayMs = backoffDelay(attempt, err.info.retryAfterMs, o, options.random);
      options.onRetry?.({ attempt, delayMs, error: err });
      await clock.sleep(delayMs);
    }
  }
}

/** `limit(fn)` runs at most `concurrency` of the given functions at once. */
export function concurrencyLimit(concurrency: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    active--;
    queue.shift()?.();
  };
  return <T>(fn: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const run = () => {
        active++;
        fn().then(resolve, reject).finally(next);
      };
      if (active < Math.max(1, concurrency)) run();
      else queue.push(run);
    });
}
