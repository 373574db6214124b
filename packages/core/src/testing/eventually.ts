import { inspect } from 'node:util';

export interface EventuallyOptions {
  /** How long to keep trying, in ms (default 10,000). */
  timeout?: number;
  /** Pause between attempts, in ms (default 50). */
  interval?: number;
  /** More text for the timeout message, read when it is thrown (a server's log, say). */
  details?: () => string;
}

type Falsy = false | 0 | 0n | '' | null | undefined;

/**
 * Poll `fn` until it returns a truthy value, and return that value. An attempt that throws (a
 * failed `expect`, a refused connection) counts as "not yet": polling goes on. When `timeout`
 * passes, it throws an error naming `what` and the last value or error (that error is the
 * `cause`), so a test says what it waited for, not only that it timed out.
 *
 * ```ts
 * import { eventually } from '@dialbook/core/testing';
 * await eventually('the service to register', () => service.connected);
 * const pair = await eventually('the pushed update', async () => (await getPair()).version > 1 && getPair(), { timeout: 15_000 });
 * ```
 */
export async function eventually<T>(what: string, fn: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<Exclude<T, Falsy>> {
  const { timeout = 10_000, interval = 50, details } = options;
  const started = Date.now();
  let last: { value: unknown } | { error: unknown } | undefined;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as Exclude<T, Falsy>;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() - started >= timeout) {
      const seen = !last ? 'no attempt' : 'error' in last ? `it last threw ${describe(last.error)}` : `it last returned ${inspect(last.value, { depth: 3, breakLength: Infinity })}`;
      const more = details?.();
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; ${seen}${more ? `\n${more}` : ''}`, last && 'error' in last ? { cause: last.error } : undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

const describe = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : inspect(err, { depth: 3, breakLength: Infinity }));
