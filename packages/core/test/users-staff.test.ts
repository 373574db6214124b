/**
 * Staff manage `user` accounts only (issue 10: staff could re-invite a pending administrator,
 * which voided the administrator's sign-up link). Re-inviting, updating and deleting an
 * administrator or a staff member is refused with 403 and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore, type TestUser } from '@dialbook/core/testing';
import { systemActor } from '@dialbook/core';

let core: TestCore;
let staff: TestUser;
beforeAll(async () => {
  core = await createTestCore();
  staff = await core.createUser({ role: 'staff' });
});
afterAll(() => core?.close());

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;
const invited = (role: 'admin' | 'staff' | 'user', email: string) => core.dialbook.accounts.createUser({ email, role }, systemActor);
const completeSignup = (link: string) => core.request('/api/v1/auth/signup', { method: 'POST', anonymous: true, json: { token: tokenOf(link), password: 'a-good-password' } });
const auditOf = async (action: string, targetId: string) =>
  ((await (await core.request(`/api/v1/audit?action=${encodeURIComponent(action)}&pageSize=500`)).json()) as { items: { targetId: string }[] }).items.filter((e) => e.targetId === targetId);

describe('staff and invitations', () => {
  test.each(['admin', 'staff'] as const)('staff cannot re-invite a pending %s: 403, and the link sent earlier still works', async (role) => {
    const { user, signupLink } = await invited(role, `pending-${role}@test.invalid`);
    const res = await staff.request(`/api/v1/users/${user.id}/invite`, { method: 'POST' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'DIALBOOK_AUTH_FORBIDDEN' });
    expect(await auditOf('user.invited', user.id)).toEqual([]);
    expect((await staff.request(`/api/v1/users/${user.id}/invitation-link`, { method: 'POST' })).status).toBe(403);
    expect((await completeSignup(signupLink)).status).toBe(200);
  });

  test('staff re-invite a pending user: 202, and the earlier link stops working', async () => {
    const { user, signupLink } = await invited('user', 'pending-user@test.invalid');
    expect((await staff.request(`/api/v1/users/${user.id}/invite`, { method: 'POST' })).status).toBe(202);
    expect(await auditOf('user.invited', user.id)).toHaveLength(1);
    expect((await completeSignup(signupLink)).status).toBe(410);
  });

  test('administrators re-invite anyone pending', async () => {
    const { user, signupLink } = await invited('admin', 'pending-admin-2@test.invalid');
    expect((await core.request(`/api/v1/users/${user.id}/invite`, { method: 'POST' })).status).toBe(202);
    expect((await completeSignup(signupLink)).status).toBe(410);
  });
});

describe('staff and other accounts', () => {
  test.each(['admin', 'staff'] as const)('staff cannot update or delete an account with the %s role (nothing changes)', async (role) => {
    const target = await core.createUser({ role });
    const before = await (await core.request(`/api/v1/users/${target.user.id}`)).json();
    for (const patch of [{ firstName: 'Changed' }, { status: 'disabled' }, { role: 'user' }]) {
      const res = await staff.request(`/api/v1/users/${target.user.id}`, { method: 'PATCH', json: patch });
      expect(res.status, JSON.stringify(patch)).toBe(403);
    }
    expect((await staff.request(`/api/v1/users/${target.user.id}`, { method: 'DELETE' })).status).toBe(403);
    expect(await (await core.request(`/api/v1/users/${target.user.id}`)).json()).toEqual(before);
    expect((await target.request('/api/v1/auth/tokens')).status).toBe(200); // still signed in
  });

  test('staff update and delete user accounts, but cannot change roles', async () => {
    const target = await core.createUser({ role: 'user' });
    expect((await staff.request(`/api/v1/users/${target.user.id}`, { method: 'PATCH', json: { firstName: 'Renamed' } })).status).toBe(200);
    expect((await staff.request(`/api/v1/users/${target.user.id}`, { method: 'PATCH', json: { role: 'staff' } })).status).toBe(403);
    expect((await staff.request('/api/v1/users', { method: 'POST', json: { email: 'new-admin@test.invalid', role: 'admin' } })).status).toBe(403);
    expect((await staff.request(`/api/v1/users/${target.user.id}`, { method: 'DELETE' })).status).toBe(204);
  });
});
