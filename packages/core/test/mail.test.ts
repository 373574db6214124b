import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDialbook, loadConfig, systemActor } from '@dialbook/core';
import { createTestCore, createTestDatabase, SMTP_PASSWORD, SMTP_USER, testDatabaseKind, TestSmtp, type TestCore } from '@dialbook/core/testing';

const USER = SMTP_USER;
const PASSWORD = SMTP_PASSWORD;

const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;

const configure = (core: TestCore, smtp: Record<string, unknown>) =>
  core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { host: '127.0.0.1', security: 'none', ...smtp }, from: { address: 'dialbook@example.net', name: 'Dialbook Test' } } });

describe('templates', () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await createTestCore({ config: { server: { publicUrl: 'https://dialbook.example.net' } } });
  });
  afterAll(() => core?.close());

  test('the preview fills placeholders with sample data; unsaved edits can be previewed', async () => {
    const res = await core.request('/api/v1/mail/templates/signup/preview', { method: 'POST' });
    expect(res.status, await res.clone().text()).toBe(200);
    const preview = await json<{ subject: string; text: string }>(res);
    expect(preview.subject).toBe('Complete your Dialbook registration');
    expect(preview.text).toContain('Hello Erika,');
    expect(preview.text).toContain('an account for erika.mustermann@example.com was created');
    expect(preview.text).toContain('https://dialbook.example.net/example-link');
    expect(preview.text).toMatch(/until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(preview.text).not.toMatch(/\{[a-z_]+\}/);

    const edited = await json<{ subject: string; text: string }>(await core.request('/api/v1/mail/templates/phonebook_added/preview', { method: 'POST', json: { subject: 'Neu: {phonebook} ({site})', body: 'Hallo {first_name} {last_name}, PIN {pin}. Literal {braces } stay.' } }));
    expect(edited).toEqual({ subject: 'Neu: Everyone (Main office)', text: 'Hallo Erika Mustermann, PIN 4711. Literal {braces } stay.' });
  });

  test('unknown placeholders are refused (422 naming the field and the placeholder); unknown templates are 404', async () => {
    const preview = await core.request('/api/v1/mail/templates/signup/preview', { method: 'POST', json: { body: 'Hi {nickname}' } });
    expect(preview.status).toBe(422);
    expect(await json(preview)).toMatchObject({ code: 'DIALBOOK_MAIL_PLACEHOLDER', field: 'body', detail: expect.stringContaining('unknown placeholder {nickname}') });

    const save = await core.request('/api/v1/settings/email', { method: 'PATCH', json: { templates: { signup: { subject: 'Welcome {first_name}', body: 'Hello {nickname}, see {link} or {homepage}' } } } });
    expect(save.status).toBe(422);
    const problem = await json<{ field: string; errors: { field: string; message: string }[] }>(save);
    expect(problem.field).toBe('templates.signup.body');
    expect(problem.errors).toEqual([
      { field: 'templates.signup.body', message: 'unknown placeholder {nickname}' },
      { field: 'templates.signup.body', message: 'unknown placeholder {homepage}' },
    ]);

    expect((await core.request('/api/v1/mail/templates/nope/preview', { method: 'POST' })).status).toBe(404);
  });

  test('a saved template is what the preview and the mails use', async () => {
    const save = await core.request('/api/v1/settings/email', { method: 'PATCH', json: { templates: { signup: { subject: 'Welcome, {first_name}!' } } } });
    expect(save.status, await save.clone().text()).toBe(200);
    const preview = await json<{ subject: string; text: string }>(await core.request('/api/v1/mail/templates/signup/preview', { method: 'POST' }));
    expect(preview.subject).toBe('Welcome, Erika!');
    expect(preview.text).toContain('Choose your password'); // the body stays the default
  });
});

describe('sending', () => {
  const smtp = new TestSmtp();
  const logs: string[] = [];
  let core: TestCore;
  beforeAll(async () => {
    await smtp.start(0);
    core = await createTestCore({ logger: pino({ level: 'debug' }, { write: (s: string) => void logs.push(s) }) });
    const res = await configure(core, { port: smtp.port });
    expect(res.status, await res.clone().text()).toBe(200);
  });
  afterAll(async () => {
    await core?.close();
    await smtp.stop();
  });

  test('a test mail is sent now and arrives with subject, sender and body', async () => {
    const res = await core.request('/api/v1/mail/test', { method: 'POST', json: { to: 'ops@example.net' } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await json(res)).toMatchObject({ to: 'ops@example.net', response: expect.stringMatching(/^250/) });
    const [mail] = smtp.to('ops@example.net');
    expect(mail).toBeDefined();
    expect(mail!.from).toBe('dialbook@example.net');
    expect(mail!.headers.from).toBe('Dialbook Test <dialbook@example.net>');
    expect(mail!.headers.subject).toBe('Dialbook test mail');
    expect(mail!.headers['content-type']).toMatch(/^text\/plain/);
    expect(mail!.text).toContain('this is a test mail from Dialbook (http://localhost:3000). If you can read it, mail delivery works.');
  });

  test('creating a site queues site_added for the recipients the provider names, and it is delivered', async () => {
    const asked: string[] = [];
    core.dialbook.mail.setRecipients(async (siteId) => {
      asked.push(siteId);
      return [{ email: 'sam@example.net', firstName: 'Sam', lastName: 'Staff' }, { email: 'uma@example.net' }];
    });
    const res = await core.request('/api/v1/sites', { method: 'POST', json: { name: 'Berlin office' } });
    expect(res.status).toBe(201);
    const site = await json<{ id: string }>(res);
    expect(asked).toEqual([site.id]);
    await core.dialbook.mail.flush();
    const [sam] = smtp.to('sam@example.net');
    expect(sam!.headers.subject).toBe('New site in Dialbook: Berlin office');
    expect(sam!.text).toContain('Hello Sam,\n\nthe site "Berlin office" was added to Dialbook.');
    expect(smtp.to('uma@example.net')[0]!.text).toContain('Hello uma@example.net,');

    const pb = await core.request('/api/v1/phonebooks', { method: 'POST', json: { siteId: site.id, name: 'Sales' } });
    expect(pb.status).toBe(201);
    await core.dialbook.mail.flush();
    expect(smtp.to('sam@example.net').map((m) => m.headers.subject)).toEqual(['New site in Dialbook: Berlin office', 'New phonebook in Berlin office: Sales']);

    const outbox = await json<{ items: { to: string; template: string; status: string; attempts: number }[] }>(await core.request('/api/v1/mail/outbox?status=sent'));
    expect(outbox.items.filter((m) => m.to === 'sam@example.net')).toEqual([
      expect.objectContaining({ template: 'phonebook_added', status: 'sent', attempts: 1 }),
      expect.objectContaining({ template: 'site_added', status: 'sent', attempts: 1 }),
    ]);
    core.dialbook.mail.setRecipients(async () => []);
  });

  test('log lines name the mail, never its body', () => {
    const all = logs.join('\n');
    expect(all).toContain('sent to sam@example.net');
    expect(all).not.toContain('was added to Dialbook');
  });
});

describe('the outbox while the SMTP server is down', () => {
  const smtp = new TestSmtp();
  let core: TestCore;
  afterAll(async () => {
    await core?.close();
    await smtp.stop();
  });

  test('a mail waits (pending, attempts counted, error kept) and is delivered once the server is back on the same port', async () => {
    const port = await smtp.start(0);
    await smtp.stop();
    core = await createTestCore();
    expect((await configure(core, { port })).status).toBe(200);

    const queuedAt = Date.now();
    const { id } = await core.dialbook.mail.enqueue({ to: 'late@example.net', template: 'test' });
    await core.dialbook.mail.flush(); // the worker's own attempt (poked by enqueue) has finished
    const pending = async () => (await json<{ items: { id: string; status: string; attempts: number; lastError: string | null; nextAttemptAt: string }[] }>(await core.request('/api/v1/mail/outbox?status=pending'))).items.find((m) => m.id === id);
    const waiting = await pending();
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/ECONNREFUSED/) });
    // Retried with backoff (5 s after the first failure, which came after queuedAt), not dropped.
    // Measured from the attempt, not from now: on a busy machine the steps above may take seconds.
    const retryAt = new Date(waiting!.nextAttemptAt).getTime();
    expect(retryAt - queuedAt).toBeGreaterThanOrEqual(5_000);
    expect(retryAt - Date.now()).toBeLessThanOrEqual(5_000);

    await smtp.start(port);
    await core.dialbook.mail.flush({ now: new Date(retryAt - 1) });
    expect(await pending()).toMatchObject({ attempts: 1 }); // not due yet
    const result = await core.dialbook.mail.flush({ now: new Date(Date.now() + 60_000) });
    expect(result.sent).toBeGreaterThanOrEqual(1);
    expect(smtp.to('late@example.net')).toHaveLength(1);
    const sent = await json<{ items: { id: string }[] }>(await core.request('/api/v1/mail/outbox?status=sent'));
    expect(sent.items.find((m) => m.id === id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect(await pending()).toBeUndefined();
  });
});

describe('several instances on one database', () => {
  const smtp = new TestSmtp();
  afterAll(() => smtp.stop());

  test('each queued mail is claimed and sent by one instance only', async () => {
    await smtp.start(0);
    const db = testDatabaseKind() === 'sqlite' ? { url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'dialbook-mail-')), 'db.sqlite')}`, drop: async () => {} } : await createTestDatabase();
    const open = async () => createDialbook(await loadConfig({ env: {}, config: { logLevel: 'silent', secretKey: 'k'.repeat(32), database: { url: db.url } } }), { migrate: true });
    const a = await open();
    const b = await open();
    try {
      await a.settings.update('email', { smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' }, from: { address: 'dialbook@example.net' } }, { actor: systemActor });
      for (let i = 0; i < 12; i++) await a.mail.enqueue({ to: `many-${i}@example.net`, subject: `Mail ${i}`, text: 'hello' });
      const [ra, rb] = await Promise.all([a.mail.flush(), b.mail.flush()]);
      expect(ra.sent + rb.sent).toBe(12);
      expect(smtp.received.filter((m) => m.to[0]!.startsWith('many-'))).toHaveLength(12);
      expect((await b.mail.outbox({ status: 'sent' })).total).toBe(12);
    } finally {
      await a.stop();
      await b.stop();
      await db.drop();
    }
  });
});

describe('SMTP authentication with the secret password', () => {
  const smtp = new TestSmtp({ requireAuth: true });
  const logs: string[] = [];
  let core: TestCore;
  beforeAll(async () => {
    await smtp.start(0);
    core = await createTestCore({ logger: pino({ level: 'debug' }, { write: (s: string) => void logs.push(s) }) });
  });
  afterAll(async () => {
    await core?.close();
    await smtp.stop();
  });

  test('the decrypted password logs in; a wrong one is a 502 with the server answer and no secret', async () => {
    expect((await configure(core, { port: smtp.port, username: USER, password: 'wrong-password-42' })).status).toBe(200);
    const refused = await core.request('/api/v1/mail/test', { method: 'POST', json: { to: 'ops@example.net' } });
    expect(refused.status).toBe(502);
    const body = await refused.text();
    expect(body).not.toContain('wrong-password-42');
    expect(JSON.parse(body)).toMatchObject({ code: 'DIALBOOK_MAIL_SEND_FAILED', detail: expect.stringMatching(/EAUTH.*Invalid username or password/) });

    expect((await configure(core, { port: smtp.port, username: USER, password: PASSWORD })).status).toBe(200);
    const ok = await core.request('/api/v1/mail/test', { method: 'POST', json: { to: 'ops@example.net' } });
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect(smtp.to('ops@example.net')).toEqual([expect.objectContaining({ user: USER, from: 'dialbook@example.net' })]);

    // The outbox worker logs in the same way.
    await core.dialbook.mail.enqueue({ to: 'queued@example.net', subject: 'Hello', text: 'A queued mail' });
    await core.dialbook.mail.flush();
    expect(smtp.to('queued@example.net')).toEqual([expect.objectContaining({ user: USER })]);
    expect(logs.join('\n')).not.toMatch(new RegExp(`${PASSWORD}|wrong-password-42|${Buffer.from(PASSWORD).toString('base64')}`));
  });

  test('without SMTP settings a test send says what to set', async () => {
    const bare = await createTestCore();
    try {
      const res = await bare.request('/api/v1/mail/test', { method: 'POST', json: { to: 'ops@example.net' } });
      expect(res.status).toBe(409);
      expect(await json(res)).toMatchObject({ code: 'DIALBOOK_MAIL_NOT_CONFIGURED', detail: expect.stringContaining('set email.smtp.host and email.from.address') });
      expect((await bare.request('/api/v1/mail/test', { method: 'POST', json: { to: 'not an address' } })).status).toBe(422);
    } finally {
      await bare.close();
    }
  });
});

