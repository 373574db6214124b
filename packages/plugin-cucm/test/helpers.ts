/** Shared bits of the CUCM protocol tests. */
import type { Clock } from '../src/retry.js';

/** A clock whose sleeps return at once and move time forward; `sleeps` records every wait. */
export function fakeClock(start = Date.UTC(2025, 0, 6, 9, 0, 0)): Clock & { sleeps: number[]; advance(ms: number): void; t: number } {
  const c = {
    t: start,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += Math.max(0, ms);
    },
    advance: (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

/** Rejection of `p`, for assertions on its code and message. */
export async function failure(p: Promise<unknown>): Promise<Error & { code: string; info: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { code: string; info: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}
