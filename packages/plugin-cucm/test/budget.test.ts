/**
 * The RisPort budget kept in the plugin's table (`cucm_ris_slot`): at most `perMinute` takes in
 * any sliding window, also when two instances take from it at once (two budgets on one database;
 * on PostgreSQL their queries run on separate connections), and `takeWithin` gives up without
 * taking a slot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbRateBudget } from '../src/index.js';
import { fakeClock, failure } from './helpers.js';
import { fastClock, startCore, type Core } from './plugin-helpers.js';

let core: Core;
const em = () => core.dialbook.orm.em.fork();

beforeAll(async () => {
  core = await startCore();
});
afterAll(() => core?.close());

/** Every `n + 1` consecutive takes span more than a window. */
function withinBudget(times: number[], n: number, windowMs: number): boolean {
  const t = [...times].sort((a, b) => a - b);
  return t.every((at, i) => i + n >= t.length || t[i + n]! - at >= windowMs);
}

describe('DbRateBudget', () => {
  it('lets perMinute takes through at once, then one more each time the oldest leaves the window', async () => {
    const clock = fakeClock();
    const budget = new DbRateBudget(em, 'cucm-a:8443', { perMinute: 3, clock });
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      await budget.take();
      times.push(clock.now());
    }
    const start = times[0]!;
    expect(times.slice(0, 3)).toEqual([start, start, start]);
    expect(times[3]! - start).toBeGreaterThanOrEqual(60_500);
    expect(withinBudget(times, 3, 60_500)).toBe(true);
    expect(await budget.used()).toBe(3);
  });

  it('two instances on one table never take more than the budget together', async () => {
    const clock = fastClock(120); // a minute in half a second
    const options = { perMinute: 5, clock, marginMs: 5_000 };
    const a = new DbRateBudget(em, 'cucm-b:8443', options);
    const b = new DbRateBudget(em, 'cucm-b:8443', options);
    const times: number[] = [];
    const run = async (budget: DbRateBudget) => {
      for (let i = 0; i < 12; i++) {
        await budget.take();
        times.push(clock.now());
      }
    };
    await Promise.all([run(a), run(b)]);
    expect(times).toHaveLength(24);
    expect(withinBudget(times, 5, 60_000)).toBe(true);
  });

  it('takeWithin gives up at once when no slot frees in time, and takes nothing', async () => {
    const clock = fakeClock();
    const budget = new DbRateBudget(em, 'cucm-c:8443', { perMinute: 1, clock });
    await budget.takeWithin(1000);
    const err = await failure(budget.takeWithin(1000));
    expect(err.code).toBe('DIALBOOK_CUCM_THROTTLED');
    expect(err.message).toMatch(/^RisPort's rate limit \(1 requests a minute, shared by every Dialbook instance\) is used up right now/);
    expect(clock.sleeps).toEqual([]);
    expect(await budget.used()).toBe(1);
    // A change of the setting applies at the next take.
    let per = 1;
    const growing = new DbRateBudget(em, 'cucm-c:8443', { perMinute: () => per, clock });
    per = 2;
    await growing.takeWithin(0);
    expect(await growing.used()).toBe(2);
  });
});
