import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import { systemActor } from '@dialbook/core';
import { MailOutboxEntity } from '../src/mail/entities.js';

let core: TestCore;
const PASSWORD = 'test-password-1234';

beforeAll(async () => {
  core = await createTestCore();
  core.dialbook.accounts.failureDelayMs = () => 5;
});
afterAll(() => core?.close());

const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
const signIn = (email: string, password: string, headers: Record<string, string> = {}) =>
  core.request('/api/v1/auth/signin', { method: 'POST', json: { email, password }, anonymous: true, headers });
const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;
const sql = (q: string, p: unknown[] = []) => core.dialbook.orm.em.fork().getConnection().execute(q, p);

describe('sessions', () => {
  test('sign-in sets an HttpOnly, SameSite=Strict cookie; writes with it need the CSRF token', async () => {
    const res = await signIn('admin@test.invalid', PASSWORD);
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^dialbook_session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/);
    const { csrfToken, user } = await json<{ csrfToken: string; user: { email: string; role: string } }>(res);
    expect(user).toMatchObject({ email: 'admin@test.invalid', role: 'admin' });
    const cookie = cookieOf(res);
    const session = await json<{ csrfToken: string }>(await core.request('/api/v1/auth/session', { headers: { cookie } }));
    expect(session.csrfToken).toBe(csrfToken);
    const body = { siteId: core.site.id, firstName: 'Csrf' };
    expect((await core.request('/api/v1/contacts', { method: 'POST', json: body, headers: { cookie } })).status).toBe(403);
    expect((await core.request('/api/v1/contacts', { method: 'POST', json: body, headers: { cookie, 'x-csrf-token': 'wrong' } })).status).toBe(403);
    expect((await core.request('/api/v1/contacts', { method: 'POST', json: body, headers: { cookie, 'x-csrf-token': csrfToken } })).status).toBe(201);
    expect((await core.request('/api/v1/auth/signout', { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } })).status).toBe(204);
    expect((await core.request('/api/v1/auth/session', { headers: { cookie } })).status).toBe(401);
  });

  test('the cookie is Secure behind a TLS proxy when trustProxy is on', async () => {
    const tls = await createTestCore({ config: { server: { trustProxy: true } } });
    try {
      const res = await tls.request('/api/v1/auth/signin', { method: 'POST', anonymous: true, json: { email: 'admin@test.invalid', password: PASSWORD }, headers: { 'x-forwarded-proto': 'https' } });
      expect(res.headers.get('set-cookie')).toContain('; Secure');
    } finally {
      await tls.close();
    }
  });

  test('wrong password and unknown address get the same answer; repeated failures lock the account', async () => {
    const { user } = await core.createUser({ role: 'user', email: 'locky@test.invalid' });
    const unknown = await signIn('nobody@test.invalid', 'whatever-123');
    const wrong = await signIn('locky@test.invalid', 'wrong-password');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const a = await json<{ detail: string; code: string }>(unknown);
    const b = await json<{ detail: string; code: string }>(wrong);
    expect({ code: a.code, detail: a.detail }).toEqual({ code: b.code, detail: b.detail });
    for (let i = 0; i < 4; i++) await signIn('locky@test.invalid', 'wrong-password');
    const locked = await signIn('locky@test.invalid', PASSWORD);
    expect(locked.status).toBe(401);
    expect((await json<{ detail: string }>(locked)).detail).toBe(b.detail);
    await sql('update app_user set locked_until = ? where id = ?', [new Date(Date.now() - 1000), user.id]);
    expect((await signIn('locky@test.invalid', PASSWORD)).status).toBe(200);
    const audit = await json<{ items: { action: string }[] }>(await core.request('/api/v1/audit?pageSize=50'));
    expect(audit.items.filter((e) => e.action === 'auth.signin-failed').length).toBeGreaterThanOrEqual(6);
  });
});

describe('API tokens', () => {
  test('created and revoked by their owner; a revoked or expired token is refused', async () => {
    const u = await core.createUser({ role: 'user', siteIds: [core.site.id] });
    const created = await u.request('/api/v1/auth/tokens', { method: 'POST', json: { name: 'script' } });
    expect(created.status).toBe(201);
    const { token, info } = await json<{ token: string; info: { id: string; prefix: string } }>(created);
    expect(token.startsWith(info.prefix)).toBe(true);
    const list = await json<{ items: Record<string, unknown>[] }>(await u.request('/api/v1/auth/tokens'));
    expect(JSON.stringify(list)).not.toContain(token);
    const asToken = (path: string, init: RequestInit = {}) => core.request(path, { ...init, headers: { authorization: `Bearer ${token}` } });
    expect((await asToken('/api/v1/contacts')).status).toBe(200);
    // Someone else cannot revoke it.
    expect((await core.request(`/api/v1/auth/tokens/${info.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await u.request(`/api/v1/auth/tokens/${info.id}`, { method: 'DELETE' })).status).toBe(204);
    const refused = await asToken('/api/v1/contacts');
    expect(refused.status).toBe(401);
    expect((await json<{ code: string }>(refused)).code).toBe('DIALBOOK_AUTH_INVALID');
    const short = await json<{ token: string; info: { id: string } }>(await u.request('/api/v1/auth/tokens', { method: 'POST', json: { name: 'short', expiresAt: new Date(Date.now() + 60_000).toISOString() } }));
    await sql('update api_token set expires_at = ? where id = ?', [new Date(Date.now() - 1000), short.info.id]);
    expect((await core.request('/api/v1/contacts', { headers: { authorization: `Bearer ${short.token}` } })).status).toBe(401);
    const past = await u.request('/api/v1/auth/tokens', { method: 'POST', json: { name: 'past', expiresAt: new Date(Date.now() - 1000).toISOString() } });
    expect(past.status).toBe(422);
  });
});

describe('disabling', () => {
  test('a disabled user cannot sign in and their sessions and tokens stop working', async () => {
    const u = await core.createUser({ role: 'user', email: 'leaver@test.invalid' });
    const cookie = cookieOf(await signIn('leaver@test.invalid', PASSWORD));
    expect((await u.request('/api/v1/contacts')).status).toBe(200);
    expect((await core.request(`/api/v1/users/${u.user.id}`, { method: 'PATCH', json: { status: 'disabled' } })).status).toBe(200);
    expect((await u.request('/api/v1/contacts')).status).toBe(401);
    expect((await core.request('/api/v1/auth/session', { headers: { cookie } })).status).toBe(401);
    expect((await signIn('leaver@test.invalid', PASSWORD)).status).toBe(401);
  });
});

describe('sign-up and reset links', () => {
  test('a sign-up link sets the password once; reuse and expiry are refused', async () => {
    const created = await core.request('/api/v1/users', { method: 'POST', json: { email: 'New.Person@Test.invalid', firstName: 'New', siteIds: [core.site.id] } });
    expect(created.status).toBe(201);
    const { user } = await json<{ user: { id: string; status: string; email: string } }>(created);
    expect(user).toMatchObject({ status: 'invited', email: 'new.person@test.invalid' });
    expect((await signIn('new.person@test.invalid', PASSWORD)).status).toBe(401);
    const { signupLink } = await core.dialbook.accounts.resendInvite(user.id, systemActor);
    const stored = await sql('select token_hash from auth_link where user_id = ?', [user.id]);
    expect(JSON.stringify(stored)).not.toContain(tokenOf(signupLink));
    const short = await core.request('/api/v1/auth/signup', { method: 'POST', anonymous: true, json: { token: tokenOf(signupLink), password: 'short' } });
    expect(short.status).toBe(422);
    expect((await json<{ field: string }>(short)).field).toBe('password');
    const done = await core.request('/api/v1/auth/signup', { method: 'POST', anonymous: true, json: { token: tokenOf(signupLink), password: 'a-good-password' } });
    expect(done.status).toBe(200);
    expect(done.headers.get('set-cookie')).toContain('dialbook_session=');
    const again = await core.request('/api/v1/auth/signup', { method: 'POST', anonymous: true, json: { token: tokenOf(signupLink), password: 'another-password' } });
    expect(again.status).toBe(410);
    expect((await signIn('new.person@test.invalid', 'a-good-password')).status).toBe(200);

    const late = await core.dialbook.accounts.createUser({ email: 'late@test.invalid' }, systemActor);
    await sql('update auth_link set expires_at = ? where user_id = ?', [new Date(Date.now() - 1000), late.user.id]);
    expect((await core.request('/api/v1/auth/signup', { method: 'POST', anonymous: true, json: { token: tokenOf(late.signupLink), password: 'a-good-password' } })).status).toBe(410);
  });

  test('password reset: same answer for unknown addresses; the link works once and ends sessions and tokens', async () => {
    const u = await core.createUser({ role: 'user', email: 'forgetful@test.invalid' });
    const before = await sql("select count(*) as n from auth_link where purpose = 'reset'");
    const unknown = await core.request('/api/v1/auth/password-reset', { method: 'POST', anonymous: true, json: { email: 'nobody@test.invalid' } });
    expect(unknown.status).toBe(202);
    expect(await sql("select count(*) as n from auth_link where purpose = 'reset'")).toEqual(before);
    const session = await signIn('forgetful@test.invalid', PASSWORD);
    const cookie = cookieOf(session);
    const known = await core.request('/api/v1/auth/password-reset', { method: 'POST', anonymous: true, json: { email: 'Forgetful@test.invalid' } });
    expect(known.status).toBe(202);
    // No mail server in this test: the link waits in the outbox (signup-flow.test.ts reads it from a real SMTP server).
    const queued = await core.dialbook.orm.em.fork().find(MailOutboxEntity, { to: 'forgetful@test.invalid', template: 'password_reset' });
    const link = /https?:\/\/\S+\/reset-password\?token=[\w-]+/.exec(queued[0]!.text)![0];
    const ok = await core.request('/api/v1/auth/password-reset/complete', { method: 'POST', anonymous: true, json: { token: tokenOf(link), password: 'brand-new-password' } });
    expect(ok.status).toBe(204);
    expect((await core.request('/api/v1/auth/password-reset/complete', { method: 'POST', anonymous: true, json: { token: tokenOf(link), password: 'brand-new-password-2' } })).status).toBe(410);
    expect((await signIn('forgetful@test.invalid', PASSWORD)).status).toBe(401);
    expect((await signIn('forgetful@test.invalid', 'brand-new-password')).status).toBe(200);
    expect((await core.request('/api/v1/auth/session', { headers: { cookie } })).status).toBe(401);
    expect((await u.request('/api/v1/contacts')).status).toBe(401);
  });
});

describe('machine credentials', () => {
  test('a phonebook credential is good for its phonebook only, never for the API, and can be revoked', async () => {
    const pb = await core.dialbook.phonebooks.create({ siteId: core.site.id, name: 'Lobby' });
    const other = await core.dialbook.phonebooks.create({ siteId: core.site.id, name: 'Other' });
    const res = await core.request(`/api/v1/phonebooks/${pb.id}/credentials`, { method: 'POST', json: { name: 'lobby phones' } });
    expect(res.status).toBe(201);
    const { secret, username, credential } = await json<{ secret: string; username: string; credential: { id: string } }>(res);
    const creds = core.dialbook.credentials;
    expect(await creds.verifyPhonebookBasic(pb.id, username, secret)).toMatchObject({ id: credential.id, kind: 'phonebook' });
    expect(await creds.verifyPhonebookBasic(pb.id, 'someone-else', secret)).toBeNull();
    expect(await creds.verifyPhonebookBasic(other.id, username, secret)).toBeNull();
    expect(await creds.verifyPhonebookToken(pb.id, secret)).not.toBeNull();
    expect(await creds.verifyServiceKey(secret)).toBeNull();
    expect((await core.request('/api/v1/contacts', { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
    const listed = await json<{ items: unknown[] }>(await core.request(`/api/v1/phonebooks/${pb.id}/credentials`));
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect((await core.request(`/api/v1/credentials/${credential.id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await creds.verifyPhonebookToken(pb.id, secret)).toBeNull();
  });

  test('service keys and engine tokens verify for their own purpose only', async () => {
    const svc = await json<{ secret: string }>(await core.request('/api/v1/service-keys', { method: 'POST', json: { name: 'yealink box', service: 'yealink' } }));
    const eng = await json<{ secret: string }>(await core.request('/api/v1/engine-tokens', { method: 'POST', json: { name: 'asterisk-1' } }));
    expect(await core.dialbook.credentials.verifyServiceKey(svc.secret)).toMatchObject({ kind: 'service', service: 'yealink' });
    expect(await core.dialbook.credentials.verifyEngineToken(svc.secret)).toBeNull();
    expect(await core.dialbook.credentials.verifyEngineToken(eng.secret)).toMatchObject({ kind: 'engine' });
    expect((await core.request('/api/v1/contacts', { headers: { authorization: `Bearer ${eng.secret}` } })).status).toBe(401);
  });
});

describe('audit', () => {
  test('every write through the API is recorded with its actor', async () => {
    const u = await core.createUser({ role: 'user', siteIds: [core.site.id] });
    await u.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'Audited' } });
    await u.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id } });
    const { items } = await json<{ items: { action: string; actorName: string; status: number; path: string }[] }>(await core.request('/api/v1/audit?pageSize=20'));
    const mine = items.filter((e) => e.actorName === u.user.email && e.action === 'POST /contacts');
    expect(mine.map((e) => e.status).sort()).toEqual([201, 422]);
  });
});
