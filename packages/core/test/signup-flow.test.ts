import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, SMTP_PASSWORD, SMTP_USER, TestSmtp, type TestCore } from '@dialbook/core/testing';

/**
 * The whole sign-up and reset journey against a real SMTP server (`smtp-server`): the link
 * is read out of the received mail, as a person would click it. Every log line of the core
 * is kept, and at the end no secret that passed through may be found in a log line, nor in
 * any API answer other than the one that hands it out.
 */
const logs: string[] = [];
const answers: { path: string; body: string }[] = [];
const secrets = new Set<string>([SMTP_PASSWORD]);
const smtp = new TestSmtp();
let core: TestCore;
const SECRET_KEY = 'an-encryption-key-of-at-least-32-chars';
const hour = 3_600_000;

async function call(path: string, init: Parameters<TestCore['request']>[1] = {}): Promise<Response> {
  const res = await core.request(path, init);
  answers.push({ path: `${init.method ?? 'GET'} ${path}`, body: await res.clone().text() });
  return res;
}
const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
const linkIn = (text: string) => {
  const m = /https:\/\/dialbook\.example\.net\/[\w-]+\?token=[\w-]+/.exec(text);
  if (!m) throw new Error(`no link in mail:\n${text}`);
  return m[0];
};
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

beforeAll(async () => {
  await smtp.start();
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logs.push(chunk.toString('utf8')), done()) });
  core = await createTestCore({ config: { server: { publicUrl: 'https://dialbook.example.net' } }, secretKey: SECRET_KEY, logger: pino({ level: 'trace' }, sink) });
  core.dialbook.accounts.failureDelayMs = () => 1;
  secrets.add(SECRET_KEY).add(core.admin.token);
  const res = await call('/api/v1/settings/email', {
    method: 'PATCH',
    json: { smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', username: SMTP_USER, password: SMTP_PASSWORD }, from: { address: 'dialbook@example.net' } },
  });
  expect(res.status, await res.clone().text()).toBe(200);
});
afterAll(async () => {
  await core?.close();
  await smtp.stop();
});

describe('sign-up by e-mail', () => {
  test('an admin creates a user; the mailed link sets the password once and signs in', async () => {
    const created = await call('/api/v1/users', { method: 'POST', json: { email: 'erika@example.com', firstName: 'Erika', siteIds: [core.site.id] } });
    expect(created.status).toBe(201);
    await core.dialbook.mail.flush();
    const [mail] = smtp.to('erika@example.com');
    expect(mail, 'the sign-up mail arrived').toBeDefined();
    expect(mail!.user).toBe(SMTP_USER); // authenticated with the decrypted secret
    expect(mail!.text).toContain('Hello Erika');
    const link = linkIn(mail!.text);
    expect(link).toMatch(/^https:\/\/dialbook\.example\.net\/signup\?token=/);
    secrets.add(tokenOf(link)).add('Erikas-new-passw0rd');

    const done = await call('/api/v1/auth/signup', { method: 'POST', anonymous: true, json: { token: tokenOf(link), password: 'Erikas-new-passw0rd' } });
    expect(done.status).toBe(200);
    const cookie = done.headers.get('set-cookie')!.split(';')[0]!;
    secrets.add(cookie.split('=')[1]!);
    const stored = (await core.dialbook.orm.em.fork().getConnection().execute('select text from mail_outbox where template = ?', ['signup'])) as { text: string }[];
    expect(stored.some((r) => r.text.includes(tokenOf(link))), 'a sent sign-up mail keeps no copy of the link').toBe(false);
    const me = await json<{ user: { email: string; status: string } }>(await call('/api/v1/auth/session', { headers: { cookie } }));
    expect(me.user).toMatchObject({ email: 'erika@example.com', status: 'active' });

    const reused = await call('/api/v1/auth/signup', { method: 'POST', anonymous: true, json: { token: tokenOf(link), password: 'Another-passw0rd' } });
    expect(reused.status).toBe(410);
    expect((await call('/api/v1/auth/signin', { method: 'POST', anonymous: true, json: { email: 'erika@example.com', password: 'Erikas-new-passw0rd' } })).status).toBe(200);
  });

  test('a sign-up link older than 12 hours is refused', async () => {
    await call('/api/v1/users', { method: 'POST', json: { email: 'slow@example.com' } });
    await core.dialbook.mail.flush();
    const link = linkIn(smtp.to('slow@example.com')[0]!.text);
    secrets.add(tokenOf(link));
    await core.dialbook.orm.em.fork().getConnection().execute('update auth_link set expires_at = ? where expires_at > ?', [new Date(Date.now() - 1000), new Date(Date.now() + 11 * hour)]);
    const late = await call('/api/v1/auth/signup', { method: 'POST', anonymous: true, json: { token: tokenOf(link), password: 'Too-late-passw0rd' } });
    expect(late.status).toBe(410);
    expect(await json(late)).toMatchObject({ code: 'DIALBOOK_AUTH_LINK_INVALID', field: 'token' });
  });
});

describe('password reset by e-mail', () => {
  test('the mailed link works once; an unknown address gets the same answer and no mail', async () => {
    const before = smtp.received.length;
    expect((await call('/api/v1/auth/password-reset', { method: 'POST', anonymous: true, json: { email: 'nobody@example.com' } })).status).toBe(202);
    expect((await call('/api/v1/auth/password-reset', { method: 'POST', anonymous: true, json: { email: 'erika@example.com' } })).status).toBe(202);
    await core.dialbook.mail.flush();
    expect(smtp.received.length).toBe(before + 1);
    const link = linkIn(smtp.to('erika@example.com').at(-1)!.text);
    expect(link).toMatch(/\/reset-password\?token=/);
    secrets.add(tokenOf(link)).add('Erikas-reset-passw0rd');
    expect((await call('/api/v1/auth/password-reset/complete', { method: 'POST', anonymous: true, json: { token: tokenOf(link), password: 'Erikas-reset-passw0rd' } })).status).toBe(204);
    expect((await call('/api/v1/auth/password-reset/complete', { method: 'POST', anonymous: true, json: { token: tokenOf(link), password: 'Other-reset-passw0rd' } })).status).toBe(410);
    expect((await call('/api/v1/auth/signin', { method: 'POST', anonymous: true, json: { email: 'erika@example.com', password: 'Erikas-new-passw0rd' } })).status).toBe(401);
    expect((await call('/api/v1/auth/signin', { method: 'POST', anonymous: true, json: { email: 'erika@example.com', password: 'Erikas-reset-passw0rd' } })).status).toBe(200);
  });

  test('a reset link older than 60 minutes is refused', async () => {
    await call('/api/v1/auth/password-reset', { method: 'POST', anonymous: true, json: { email: 'erika@example.com' } });
    await core.dialbook.mail.flush();
    const link = linkIn(smtp.to('erika@example.com').at(-1)!.text);
    secrets.add(tokenOf(link));
    await core.dialbook.orm.em.fork().getConnection().execute("update auth_link set expires_at = ? where purpose = 'reset' and used_at is null", [new Date(Date.now() - 1000)]);
    expect((await call('/api/v1/auth/password-reset/complete', { method: 'POST', anonymous: true, json: { token: tokenOf(link), password: 'Never-set-passw0rd' } })).status).toBe(410);
  });
});

describe('outbox', () => {
  test('with the SMTP server down a sign-up mail waits in the outbox and is delivered once it is back', async () => {
    await smtp.stop();
    await call('/api/v1/users', { method: 'POST', json: { email: 'patient@example.com', firstName: 'Pat' } });
    await core.dialbook.mail.flush();
    const waiting = await json<{ items: { to: string; status: string; attempts: number; lastError: string | null }[] }>(await call('/api/v1/mail/outbox?status=pending'));
    const row = waiting.items.find((m) => m.to === 'patient@example.com');
    expect(row).toMatchObject({ status: 'pending' });
    expect(row!.attempts).toBeGreaterThan(0);
    expect(row!.lastError).toBeTruthy();
    await core.dialbook.mail.flush({ now: new Date(Date.now() + hour) });
    expect(smtp.to('patient@example.com')).toHaveLength(0);

    await smtp.start(smtp.port);
    await core.dialbook.mail.flush({ now: new Date(Date.now() + 2 * hour) });
    const [mail] = smtp.to('patient@example.com');
    expect(mail, 'delivered after the server came back').toBeDefined();
    const link = linkIn(mail!.text);
    secrets.add(tokenOf(link));
    expect((await call('/api/v1/auth/signup', { method: 'POST', anonymous: true, json: { token: tokenOf(link), password: 'Pats-first-passw0rd' } })).status).toBe(200);
    secrets.add('Pats-first-passw0rd');
    const sent = await json<{ items: { to: string; status: string }[] }>(await call('/api/v1/mail/outbox?status=sent'));
    expect(sent.items.some((m) => m.to === 'patient@example.com')).toBe(true);
  });
});

describe('notification mails', () => {
  test('a new site and a new phonebook are announced to administrators and the site\'s users', async () => {
    const site = await json<{ id: string }>(await call('/api/v1/sites', { method: 'POST', json: { name: 'Hamburg' } }));
    await call('/api/v1/users', { method: 'POST', json: { email: 'hamburger@example.com', siteIds: [site.id] } }); // invited: not yet a recipient
    await call('/api/v1/phonebooks', { method: 'POST', json: { siteId: site.id, name: 'Hamburg reception' } });
    await core.dialbook.mail.flush();
    const toAdmin = smtp.to('admin@test.invalid').map((m) => m.headers.subject);
    expect(toAdmin.some((s) => s?.includes('Hamburg'))).toBe(true);
    expect(toAdmin.some((s) => s?.includes('Hamburg reception'))).toBe(true);
    expect(smtp.to('erika@example.com').some((m) => m.headers.subject?.includes('Hamburg'))).toBe(false); // Erika's site is another one
  });
});

describe('secrets', () => {
  test('a failing test mail reports the SMTP error without the password', async () => {
    await call('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { password: 'definitely-Wrong-pw' } } });
    secrets.add('definitely-Wrong-pw');
    const res = await call('/api/v1/mail/test', { method: 'POST', json: { to: 'someone@example.com' } });
    expect(res.status).toBe(502);
    await call('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { password: SMTP_PASSWORD } } });
  });

  test('machine credentials and API tokens are handed out once, then never shown again', async () => {
    const pb = await core.dialbook.phonebooks.create({ siteId: core.site.id, name: 'Desk phones' });
    const issued = await json<{ secret: string }>(await core.request(`/api/v1/phonebooks/${pb.id}/credentials`, { method: 'POST', json: { name: 'hall' } }));
    const token = await json<{ token: string }>(await core.request('/api/v1/auth/tokens', { method: 'POST', json: { name: 'script' } }));
    secrets.add(issued.secret).add(token.token);
    await call(`/api/v1/phonebooks/${pb.id}/credentials`);
    await call('/api/v1/credentials');
    await call('/api/v1/auth/tokens');
    await call('/api/v1/users');
    await call('/api/v1/settings/email');
    await call('/api/v1/audit?pageSize=500');
    await call('/api/v1/mail/outbox');
  });

  test('no secret appears in any log line or in any API answer that is not its one-time reveal', () => {
    expect(logs.length).toBeGreaterThan(20);
    const allLogs = logs.join('\n');
    const settings = answers.filter((a) => a.path.includes('/settings/email')).map((a) => a.body).join('\n');
    expect(settings).toContain('"password":{"set":true}');
    for (const s of secrets) {
      expect(allLogs.includes(s), `a log line holds a secret (${s.slice(0, 4)}…)`).toBe(false);
      for (const a of answers) expect(a.body.includes(s), `${a.path} answered with a secret (${s.slice(0, 4)}…)`).toBe(false);
    }
  });
});
