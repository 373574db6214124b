import { describe, expect, test } from 'vitest';
import { InProcessRateBudget } from './budget.js';

function clock() {
  const c = { t: 0, sleeps: [] as number[], now: () => c.t, sleep: async (ms: number) => void (c.sleeps.push(ms), (c.t += ms)) };
  return c;
}

describe('InProcessRateBudget', () => {
  test('15 takes a minute by default, then waits for the oldest to leave the window (plus margin)', async () => {
    const c = clock();
    const b = new InProcessRateBudget({ clock: c });
    const at: number[] = [];
    for (let i = 0; i < 31; i++) {
      await b.take();
      at.push(c.t);
      c.t += 100; // each request takes a moment
    }
    expect(at.slice(0, 15).every((t, i) => t === i * 100)).toBe(true);
    expect(at[15]).toBe(60_500);
    expect(at[30]).toBe(121_000);
    // No 60.5 s window holds more than 15 takes.
    for (const t of at) expect(at.filter((x) => x >= t && x < t + 60_500).length).toBeLessThanOrEqual(15);
  });

  test('concurrent takers are served in order', async () => {
    const c = clock();
    const b = new InProcessRateBudget({ perMinute: 2, windowMs: 1000, marginMs: 0, clock: c });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => b.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(c.t).toBe(2000);
    expect(b.used()).toBe(1);
  });
});
