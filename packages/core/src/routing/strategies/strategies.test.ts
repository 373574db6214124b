import { describe, expect, test } from 'vitest';
import { priorityOrder } from './priority.js';
import { roundRobinOrder } from './round-robin.js';
import { seededRandom, weightedOrder } from './weighted.js';

const links = (weights: number[]) => weights.map((weight, i) => ({ id: `l${i}`, priority: 1, weight }));
const none = { cursor: 0, random: () => 0.5 };

describe('strategies', () => {
  test('priority: heavier first, then by id, the same every call', () => {
    const group = links([1, 5, 5, 2]);
    expect(priorityOrder(group, none).map((l) => l.id)).toEqual(['l1', 'l2', 'l3', 'l0']);
    expect(priorityOrder(group, { cursor: 7, random: Math.random }).map((l) => l.id)).toEqual(['l1', 'l2', 'l3', 'l0']);
  });

  test('round robin: each link first equally often over 10,000 calls, the others after it', () => {
    const group = links([1, 1, 1]);
    const firsts = new Map<string, number>();
    for (let cursor = 0; cursor < 10_000; cursor++) {
      const order = roundRobinOrder(group, { cursor, random: Math.random });
      expect(order).toHaveLength(3);
      firsts.set(order[0]!.id, (firsts.get(order[0]!.id) ?? 0) + 1);
    }
    expect([...firsts.values()].sort()).toEqual([3333, 3333, 3334]);
    expect(roundRobinOrder(group, { cursor: 4, random: Math.random }).map((l) => l.id)).toEqual(['l1', 'l2', 'l0']);
  });

  test('weighted: first picks within 1% of the weights over 100,000 calls (seeded)', () => {
    const group = links([70, 30]);
    const random = seededRandom(42);
    let first0 = 0;
    for (let i = 0; i < 100_000; i++) if (weightedOrder(group, { cursor: i, random })[0]!.id === 'l0') first0++;
    expect(Math.abs(first0 / 100_000 - 0.7)).toBeLessThan(0.01);
  });

  test('weighted: three links 50/30/20 and weight 0 only as the last resort', () => {
    const group = links([50, 30, 20, 0]);
    const random = seededRandom(7);
    const firsts = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) {
      const order = weightedOrder(group, { cursor: i, random });
      expect(order.map((l) => l.id).sort()).toEqual(['l0', 'l1', 'l2', 'l3']);
      expect(order[3]!.id).toBe('l3');
      firsts[Number(order[0]!.id.slice(1))]!++;
    }
    expect(Math.abs(firsts[0]! / 100_000 - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(firsts[1]! / 100_000 - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(firsts[2]! / 100_000 - 0.2)).toBeLessThan(0.01);
    expect(firsts[3]).toBe(0);
  });
});
