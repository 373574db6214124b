/**
 * The sign-in lockout holds under concurrent requests (issue 10, defect 3): an account gets at most
 * LOCK_AFTER password checks before it locks, however the requests interleave, on one instance and
 * on two instances sharing a PostgreSQL database; a right password that arrives in (or after) a burst
 * of wrong ones is refused with the same 401 as a wrong one.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDialbook, loadConfig, type Dialbook, createApp } from '@dialbook/core';
import { createTestCore, testDatabaseKind, type TestCore } from '@dialbook/core/testing';
import { LOCK_AFTER } from '../src/accounts/service.js';

const PASSWORD = 'test-password-1234';
const onPostgres = testDatabaseKind() === 'postgresql';

let core: TestCore;
beforeAll(async () => {
  core = await createTestCore();
  core.dialbook.accounts.failureDelayMs = () => 0; // the count is under test here, not the delay
});
afterAll(() => core?.close());

type App = { request(path: string, init: RequestInit): Response | Promise<Response> };
const signIn = async (app: App, email: string, password: string) => {
  const res = await app.request('/api/v1/auth/signin', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const burst = (app: App, email: string, n: number) => Array.from({ length: n }, (_, i) => signIn(app, email, `wrong-password-${i}`));

/** Failed attempts the audit log recorded for `email`, and how many of them had their password checked (not locked). */
async function failuresOf(email: string): Promise<{ total: number; checked: number }> {
  const res = await core.request(`/api/v1/audit?action=auth.signin-failed&actor=${encodeURIComponent(email)}&pageSize=500`);
  const items = ((await res.json()) as { items: { detail: { locked: boolean } }[] }).items;
  return { total: items.length, checked: items.filter((e) => !e.detail.locked).length };
}

describe('on one instance', () => {
  test('50 concurrent failures lock the account: the right password afterwards gets the same 401', async () => {
    const { user } = await core.createUser({ role: 'user', email: 'burst50@test.invalid' });
    const wrong = await Promise.all(burst(core.app, user.email, 50));
    expect(wrong.map((r) => r.status)).toEqual(Array(50).fill(401));
    const right = await signIn(core.app, user.email, PASSWORD);
    expect(right.status).toBe(401);
    expect(right.body).toEqual(wrong[0]!.body);
    const audit = await failuresOf(user.email);
    expect(audit.total).toBe(51);
    expect(audit.checked).toBeLessThanOrEqual(LOCK_AFTER);
  });

  test('24 wrong passwords and the right one at once: the right one is refused, and the account is locked', async () => {
    const { user } = await core.createUser({ role: 'user', email: 'burst25@test.invalid' });
    const all = await Promise.all([...burst(core.app, user.email, 24), signIn(core.app, user.email, PASSWORD)]);
    expect(all.map((r) => r.status)).toEqual(Array(25).fill(401));
    expect(all[24]!.body).toEqual(all[0]!.body);
    expect((await signIn(core.app, user.email, PASSWORD)).status).toBe(401);
    expect((await failuresOf(user.email)).checked).toBeLessThanOrEqual(LOCK_AFTER);
  });

  test('four bursts of 25 never get more than LOCK_AFTER password checks', async () => {
    const { user } = await core.createUser({ role: 'user', email: 'bursts@test.invalid' });
    for (let i = 0; i < 4; i++) await Promise.all(burst(core.app, user.email, 25));
    const audit = await failuresOf(user.email);
    expect(audit.total).toBe(100);
    expect(audit.checked).toBe(LOCK_AFTER);
  });

  test('a right password forgives the failures before it, and successful sign-ins give their count back', async () => {
    const { user } = await core.createUser({ role: 'user', email: 'typist@test.invalid' });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < LOCK_AFTER - 1; i++) expect((await signIn(core.app, user.email, 'wrong-password')).status).toBe(401);
      expect((await signIn(core.app, user.email, PASSWORD)).status).toBe(200);
    }
    // Up to LOCK_AFTER sign-ins at once are all checked (more at once count as a burst).
    const many = await Promise.all(Array.from({ length: LOCK_AFTER }, () => signIn(core.app, user.email, PASSWORD)));
    expect(many.map((r) => r.status)).toEqual(Array(LOCK_AFTER).fill(200));
    expect((await signIn(core.app, user.email, PASSWORD)).status).toBe(200);
  });
});

if (!onPostgres) {
  describe('on two instances', () => {
    test.skip('needs PostgreSQL (an embedded SQLite database has one instance); runs in the PostgreSQL pass', () => {});
  });
}

if (onPostgres) {
  describe('on two instances sharing one PostgreSQL database', () => {
    let b: Dialbook;
    let bApp: ReturnType<typeof createApp>;
    beforeAll(async () => {
      b = await createDialbook(await loadConfig({ env: {}, config: { logLevel: 'silent', database: { url: core.dialbook.config.database.url! } } }), { migrate: true });
      b.accounts.failureDelayMs = () => 0;
      await b.start();
      bApp = createApp(b);
    });
    afterAll(() => b?.stop());

    test('bursts on both instances at once lock the account after LOCK_AFTER checks; the right password is refused on both', async () => {
      const { user } = await core.createUser({ role: 'user', email: 'cluster@test.invalid' });
      const all = await Promise.all([...burst(core.app, user.email, 25), ...burst(bApp, user.email, 25), signIn(bApp, user.email, PASSWORD)]);
      expect(all.map((r) => r.status)).toEqual(Array(51).fill(401));
      expect((await signIn(core.app, user.email, PASSWORD)).status).toBe(401);
      expect((await signIn(bApp, user.email, PASSWORD)).status).toBe(401);
      const audit = await failuresOf(user.email);
      expect(audit.total).toBe(53);
      expect(audit.checked).toBeLessThanOrEqual(LOCK_AFTER);
    });
  });
}
