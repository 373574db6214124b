import type { Strategy } from './types.js';

/**
 * Weighted: a weighted random pick without replacement — the first target is a link with
 * probability weight / total weight of the group, the next one likewise among the rest, and so
 * on. Links of weight 0 come last, in id order (overflow only).
 */
export const weightedOrder: Strategy = (group, { random }) => {
  const pool = group.filter((c) => c.weight > 0);
  const out: typeof pool = [];
  while (pool.length) {
    const total = pool.reduce((s, c) => s + c.weight, 0);
    let r = random() * total;
    let i = 0;
    for (; i < pool.length - 1; i++) {
      r -= pool[i]!.weight;
      if (r < 0) break;
    }
    out.push(pool.splice(i, 1)[0]!);
  }
  return [...out, ...group.filter((c) => c.weight <= 0)];
};

/** A seeded pseudo-random source in [0, 1) (mulberry32): repeatable orders for tests and previews. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
