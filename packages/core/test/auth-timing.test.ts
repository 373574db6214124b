/**
 * Sign-in and password-reset timing tell nothing about which addresses have accounts (issue 10,
 * defect 4). The back-off schedule is counted per address for every address tried, so an unknown
 * address is held back exactly as a known one; the password-reset answer takes the same time either way.
 *
 * The schedule is checked through the service's clock (no waiting); one test per route times real
 * requests with short delays and compares known and unknown addresses as ratios.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import type { PaceClock } from '../src/accounts/service.js';
import { SigninThrottle } from '../src/accounts/signin-throttle.js';

const PASSWORD = 'test-password-1234';
let core: TestCore;
beforeAll(async () => {
  core = await createTestCore();
});
afterAll(() => core?.close());

const signIn = (email: string, password: string) => core.request('/api/v1/auth/signin', { method: 'POST', anonymous: true, json: { email, password } });
const resetFor = (email: string) => core.request('/api/v1/auth/password-reset', { method: 'POST', anonymous: true, json: { email } });

/** A clock that stands still and records every hold instead of waiting it out. */
function recordingClock(): PaceClock & { holds: number[] } {
  const holds: number[] = [];
  return { holds, now: () => 0, sleep: async (ms) => void holds.push(ms) };
}

/** Run `fn` with the service's clock and schedule replaced, and restore them. */
async function withPacing<T>(pacing: { clock?: PaceClock; failureDelayMs?: (n: number) => number; resetAnswerMs?: number }, fn: () => Promise<T>): Promise<T> {
  const accounts = core.dialbook.accounts;
  const saved = { clock: accounts.clock, failureDelayMs: accounts.failureDelayMs, resetAnswerMs: accounts.resetAnswerMs };
  Object.assign(accounts, pacing);
  try {
    return await fn();
  } finally {
    Object.assign(accounts, saved);
  }
}

/** The holds of `n` failed sign-ins in a row for `email`. */
async function holdsOf(email: string, n: number, password = 'wrong-password'): Promise<number[]> {
  const clock = recordingClock();
  await withPacing({ clock }, async () => {
    for (let i = 0; i < n; i++) expect((await signIn(email, password)).status).toBe(401);
  });
  return clock.holds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

describe('sign-in back-off', () => {
  test('unknown addresses, invited and active accounts are held back by the same schedule, which grows per address', async () => {
    const active = await core.createUser({ role: 'user', email: 'active@test.invalid' });
    await core.dialbook.accounts.createUser({ email: 'invited@test.invalid' }, { type: 'system', id: 'test' });
    const schedule = [400, 800, 1600, 3000, 3000, 3000, 3000];
    expect(await holdsOf(active.user.email, 7)).toEqual(schedule); // locks after 5: the schedule goes on the same
    expect(await holdsOf('invited@test.invalid', 7)).toEqual(schedule);
    expect(await holdsOf('nobody@test.invalid', 7)).toEqual(schedule);
    // The right password of a locked account is held back like a wrong one.
    expect(await holdsOf(active.user.email, 1, PASSWORD)).toEqual([3000]);
  });

  test('the count is per address, however the address is written', async () => {
    expect(await holdsOf('Someone@Test.invalid', 2)).toEqual([400, 800]);
    expect(await holdsOf('  someone@test.INVALID ', 1)).toEqual([1600]);
    expect(await holdsOf('someone-else@test.invalid', 1)).toEqual([400]);
  });

  test('a successful sign-in does not reset the schedule an address has built up (that would tell an account apart)', async () => {
    const { user } = await core.createUser({ role: 'user', email: 'steady@test.invalid' });
    expect(await holdsOf(user.email, 2)).toEqual([400, 800]);
    expect((await signIn(user.email, PASSWORD)).status).toBe(200);
    expect(await holdsOf(user.email, 1)).toEqual([1600]);
  });

  test('the hold is counted from the start of the request: the work it took does not show', async () => {
    let t = 0;
    const holds: number[] = [];
    const clock: PaceClock = { now: () => (t += 70), sleep: async (ms) => void holds.push(ms) }; // 70 ms between start and end
    await withPacing({ clock }, async () => {
      expect((await signIn('timed@test.invalid', 'wrong-password')).status).toBe(401);
    });
    expect(holds).toEqual([400 - 70]);
  });

  test('real requests: known and unknown addresses take the same time, failure by failure', async () => {
    const known = await core.createUser({ role: 'user', email: 'timed-known@test.invalid' });
    // Holds longer than the work a request does (the scrypt check), so the holds decide the times even on a loaded machine.
    const failures = 3;
    const runOf = async (email: string) => {
      const times: number[] = [];
      for (let i = 0; i < failures; i++) times.push(await time(() => signIn(email, 'wrong-password')));
      return times;
    };
    const [k, u] = await withPacing({ failureDelayMs: (n) => 500 * 2 ** (n - 1) }, () => Promise.all([runOf(known.user.email), runOf('timed-unknown@test.invalid')]));
    for (let i = 0; i < failures; i++) {
      const ratio = k[i]! / u[i]!;
      expect(ratio, `failure ${i + 1}: known ${k[i]!.toFixed(0)} ms, unknown ${u[i]!.toFixed(0)} ms`).toBeGreaterThan(0.75);
      expect(ratio, `failure ${i + 1}: known ${k[i]!.toFixed(0)} ms, unknown ${u[i]!.toFixed(0)} ms`).toBeLessThan(1.33);
    }
    // Both grow with the schedule (500 → 2,000 ms).
    expect(k[failures - 1]! / k[0]!).toBeGreaterThan(3);
    expect(u[failures - 1]! / u[0]!).toBeGreaterThan(3);
  });
});

describe('the per-address store', () => {
  const sql = (q: string, p: unknown[] = []) => core.dialbook.orm.em.fork().getConnection().execute(q, p) as Promise<Record<string, unknown>[]>;

  test('keeps a hash of each address, never the address, and forgets it 15 minutes after its last failure', async () => {
    expect(await holdsOf('forgotten@test.invalid', 2)).toEqual([400, 800]);
    const key = SigninThrottle.addressKey('forgotten@test.invalid');
    const [row] = await sql('select address_hash, failures, expires_at from signin_attempt where address_hash = ?', [key]);
    expect(row).toMatchObject({ address_hash: key, failures: 2 });
    expect(JSON.stringify(await sql('select * from signin_attempt'))).not.toContain('@');
    const expiresIn = new Date(row!.expires_at as string | number).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(14 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60_000);
    // Once forgotten, the schedule starts over; expired rows are deleted.
    await sql('update signin_attempt set expires_at = ? where address_hash = ?', [new Date(Date.now() - 1000), key]);
    expect(await holdsOf('forgotten@test.invalid', 1)).toEqual([400]);
    await sql('update signin_attempt set expires_at = ? where address_hash = ?', [new Date(Date.now() - 1000), key]);
    await new SigninThrottle(core.dialbook.orm, { lockAfter: 5, lockMs: 60_000, rememberMs: 60_000 }).purge();
    expect(await sql('select address_hash from signin_attempt where address_hash = ?', [key])).toEqual([]);
  });
});

describe('password reset', () => {
  test('the answer is held to the same time for unknown and known addresses (the clock sees the same hold)', async () => {
    await core.createUser({ role: 'user', email: 'resetter@test.invalid' });
    const clock = recordingClock();
    await withPacing({ clock, resetAnswerMs: 250 }, async () => {
      expect((await resetFor('resetter@test.invalid')).status).toBe(202);
      expect((await resetFor('no-reset@test.invalid')).status).toBe(202);
    });
    expect(clock.holds).toEqual([250, 250]);
  });

  test('real requests: known and unknown addresses answer 202 in the same time', async () => {
    await core.createUser({ role: 'user', email: 'reset-timed@test.invalid' });
    const known: number[] = [];
    const unknown: number[] = [];
    await withPacing({ resetAnswerMs: 120 }, async () => {
      for (let i = 0; i < 5; i++) {
        known.push(await time(() => resetFor('reset-timed@test.invalid')));
        unknown.push(await time(() => resetFor(`reset-nobody-${i}@test.invalid`)));
      }
    });
    const ratio = median(known) / median(unknown);
    expect(ratio, `median known ${median(known).toFixed(1)} ms, unknown ${median(unknown).toFixed(1)} ms`).toBeGreaterThan(0.8);
    expect(ratio, `median known ${median(known).toFixed(1)} ms, unknown ${median(unknown).toFixed(1)} ms`).toBeLessThan(1.25);
  });
});
