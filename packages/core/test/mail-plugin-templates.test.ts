/**
 * Plugin mail templates (issue 12, item 6): a plugin registers a template in `setup`; it is listed,
 * edited through the `email` settings (unknown placeholders refused per template) and previewed with
 * its sample data; `ctx.mail.send` queues a mail through the outbox, and a mail whose data holds a
 * secret (a PIN) keeps it only encrypted at rest — not in the outbox row, the outbox API or the log —
 * while it still arrives at a real SMTP server, also after an outage.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definePlugin, type PluginContext } from '@dialbook/core';
import { createTestCore, eventually, startSmtpCapture, type TestCore, type TestSmtp } from '@dialbook/core/testing';

const PIN = '918273';
const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;

let ctx: PluginContext | undefined;
const pins = definePlugin({
  name: 'pins',
  setup(c) {
    ctx = c;
    c.mail.registerTemplate({
      id: 'pin-mail',
      label: 'PIN e-mail',
      description: 'Tells a person their PIN.',
      subject: 'Your PIN, {first_name}',
      body: 'Hello {first_name} {last_name},\n\nyour PIN is {pin}.\n\n{url}\n',
      placeholders: { first_name: 'first name of the person', last_name: 'last name of the person', pin: 'the PIN', url: 'this Dialbook' },
      sample: { first_name: 'Erika', last_name: 'Mustermann', pin: '4711' },
      secret: ['pin'],
    });
  },
});

type Template = { id: string; label: string; owner: string; placeholders: Record<string, string>; secret: string[]; subject: string; body: string; edited: boolean };
type Outbox = { items: { id: string; to: string; subject: string; template: string | null; status: string; sensitive: boolean; attempts: number; lastError: string | null }[] };
const rows = async (core: TestCore) => (await core.dialbook.orm.em.fork().getConnection().execute('select * from mail_outbox')) as Record<string, unknown>[];
const configure = (core: TestCore, port: number) =>
  core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { host: '127.0.0.1', port, security: 'none' }, from: { address: 'dialbook@example.net' } } });

describe('a plugin template in the admin API', () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await createTestCore({ plugins: { pins } });
  });
  afterAll(() => core?.close());

  test('it is listed with its label, placeholders and secrets, after the core templates', async () => {
    const { items } = await json<{ items: Template[] }>(await core.request('/api/v1/mail/templates'));
    expect(items.map((t) => t.id)).toEqual(['signup', 'password_reset', 'site_added', 'phonebook_added', 'test', 'pins.pin-mail']);
    expect(items.at(-1)).toMatchObject({ label: 'PIN e-mail', owner: 'pins', secret: ['pin'], subject: 'Your PIN, {first_name}', edited: false, placeholders: { pin: 'the PIN' } });
    const email = (await json<{ items: { id: string; schema: { properties: { templates: { properties: Record<string, { properties: Record<string, { title: string }> }> } } } }[] }>(await core.request('/api/v1/settings'))).items.find((c) => c.id === 'email')!;
    expect(email.schema.properties.templates.properties.pins!.properties['pin-mail']!.title).toBe('PIN e-mail');
  });

  test('the preview fills in the sample data, also for unsaved drafts', async () => {
    const res = await core.request('/api/v1/mail/templates/pins.pin-mail/preview', { method: 'POST' });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await json(res)).toEqual({ subject: 'Your PIN, Erika', text: 'Hello Erika Mustermann,\n\nyour PIN is 4711.\n\nhttp://localhost:3000\n' });
    const draft = await core.request('/api/v1/mail/templates/pins.pin-mail/preview', { method: 'POST', json: { body: 'PIN {pin} for {first_name}' } });
    expect(await json(draft)).toMatchObject({ text: 'PIN 4711 for Erika' });
    // {site} is a core placeholder, but not one of this template's.
    const refused = await core.request('/api/v1/mail/templates/pins.pin-mail/preview', { method: 'POST', json: { body: 'PIN {pin} at {site}' } });
    expect(refused.status).toBe(422);
    expect(await json(refused)).toMatchObject({ code: 'DIALBOOK_MAIL_PLACEHOLDER', field: 'body' });
  });

  test('it is saved like the core templates; unknown placeholders are refused per template', async () => {
    const bad = await core.request('/api/v1/settings/email', { method: 'PATCH', json: { templates: { pins: { 'pin-mail': { body: 'Hi {first_name}, {pin} for {site} and {nickname}' } } } } });
    expect(bad.status).toBe(422);
    expect((await json<{ errors: { field: string; message: string }[] }>(bad)).errors).toEqual([
      { field: 'templates.pins.pin-mail.body', message: 'unknown placeholder {site}' },
      { field: 'templates.pins.pin-mail.body', message: 'unknown placeholder {nickname}' },
    ]);
    // The core template keeps core's placeholders ({site} is fine there).
    expect((await core.request('/api/v1/settings/email', { method: 'PATCH', json: { templates: { site_added: { body: 'New: {site}' } } } })).status).toBe(200);

    const saved = await core.request('/api/v1/settings/email', { method: 'PATCH', json: { templates: { pins: { 'pin-mail': { subject: 'PIN for {first_name} {last_name}' } } } } });
    expect(saved.status, await saved.clone().text()).toBe(200);
    expect(await json(await core.request('/api/v1/mail/templates/pins.pin-mail/preview', { method: 'POST' }))).toMatchObject({ subject: 'PIN for Erika Mustermann' });
    const { items } = await json<{ items: Template[] }>(await core.request('/api/v1/mail/templates'));
    expect(items.find((t) => t.id === 'pins.pin-mail')).toMatchObject({ subject: 'PIN for {first_name} {last_name}', edited: true });
  });

  test('data may set only the template’s placeholders, and a plugin sends only its own templates', async () => {
    await expect(ctx!.mail.send({ to: 'a@example.net', template: 'pin-mail', data: { nickname: 'x' } })).rejects.toMatchObject({ code: 'DIALBOOK_MAIL_PLACEHOLDER', status: 422, field: 'data.nickname' });
    await expect(ctx!.mail.send({ to: 'a@example.net', template: 'signup' })).rejects.toMatchObject({ code: 'DIALBOOK_MAIL_TEMPLATE', status: 422 });
    expect(() => ctx!.mail.registerTemplate({ id: 'late', label: 'Late', subject: 'x', body: 'y', placeholders: {}, sample: {} })).toThrow(expect.objectContaining({ code: 'DIALBOOK_PLUGIN_REGISTRY_FROZEN' }));
  });
});

describe('a mail holding a secret', () => {
  let core: TestCore;
  let smtp: TestSmtp;
  const logs: string[] = [];
  beforeAll(async () => {
    smtp = await startSmtpCapture();
    core = await createTestCore({ plugins: { pins }, logger: pino({ level: 'debug' }, { write: (s: string) => void logs.push(s) }) });
    expect((await configure(core, smtp.port)).status).toBe(200);
  });
  afterAll(async () => {
    await core?.close();
    await smtp?.stop();
  });

  test('arrives with the PIN, which is stored only encrypted and never listed or logged', async () => {
    await smtp.stop(); // queued while the server is down: nothing is lost
    const { id } = await ctx!.mail.send({ to: 'ana@example.net', template: 'pins.pin-mail', data: { first_name: 'Ana', last_name: 'Lima', pin: PIN } });
    await core.dialbook.mail.flush();

    const [row] = (await rows(core)).filter((r) => r.id === id);
    expect(row).toMatchObject({ to: 'ana@example.net', template: 'pins.pin-mail', status: 'pending', subject: 'Your PIN, Ana', last_error: expect.stringMatching(/ECONNREFUSED/) });
    expect(row!.sealed).toMatch(/^v1\./);
    expect(JSON.stringify(await rows(core))).not.toContain(PIN);

    const outbox = await (await core.request('/api/v1/mail/outbox')).text();
    expect(outbox).not.toContain(PIN);
    expect((JSON.parse(outbox) as Outbox).items.find((m) => m.id === id)).toMatchObject({ sensitive: true, status: 'pending', attempts: 1 });

    await smtp.start(smtp.port);
    await core.dialbook.mail.flush({ now: new Date(Date.now() + 60_000) });
    const mail = await eventually('the PIN mail', () => smtp.to('ana@example.net')[0]);
    expect(mail.headers.subject).toBe('Your PIN, Ana');
    expect(mail.text).toContain(`Hello Ana Lima,\n\nyour PIN is ${PIN}.`);

    const [sent] = (await rows(core)).filter((r) => r.id === id);
    expect(sent).toMatchObject({ status: 'sent', sealed: null });
    expect(JSON.stringify(await rows(core))).not.toContain(PIN);
    expect((await json<Outbox>(await core.request('/api/v1/mail/outbox?status=sent'))).items.find((m) => m.id === id)).toMatchObject({ sensitive: true, lastError: null });
    expect(logs.join('\n')).toContain('sent to ana@example.net');
    expect(logs.join('\n')).not.toContain(PIN);
  });

  test('a secret in the subject is masked in the row and the listing, and sent as it is', async () => {
    expect((await core.request('/api/v1/settings/email', { method: 'PATCH', json: { templates: { pins: { 'pin-mail': { subject: 'PIN {pin}' } } } } })).status).toBe(200);
    const { id } = await ctx!.mail.send({ to: 'ben@example.net', template: 'pin-mail', data: { first_name: 'Ben', pin: PIN } });
    expect((await rows(core)).find((r) => r.id === id)).toMatchObject({ subject: 'PIN ••••' });
    expect((await json<Outbox>(await core.request('/api/v1/mail/outbox'))).items.find((m) => m.id === id)).toMatchObject({ subject: 'PIN ••••' });
    await core.dialbook.mail.flush();
    expect((await eventually('the mail', () => smtp.to('ben@example.net')[0])).headers.subject).toBe(`PIN ${PIN}`);
    expect(logs.join('\n')).not.toContain(PIN);
  });

  test('a mail from the template without a secret value is stored as usual', async () => {
    const { id } = await ctx!.mail.send({ to: 'cy@example.net', template: 'pin-mail', data: { first_name: 'Cy' } });
    expect((await rows(core)).find((r) => r.id === id)).toMatchObject({ sealed: null, text: expect.stringContaining('Hello Cy') });
  });
});

describe('without DIALBOOK_SECRET_KEY', () => {
  test('a mail holding a secret is refused (409) before anything is queued; others are sent', async () => {
    const core = await createTestCore({ plugins: { pins }, secretKey: null });
    try {
      const sending = ctx!.mail.send({ to: 'ana@example.net', template: 'pin-mail', data: { first_name: 'Ana', pin: PIN } });
      await expect(sending).rejects.toMatchObject({ code: 'DIALBOOK_SECRET_KEY_MISSING', status: 409, message: expect.stringContaining('set DIALBOOK_SECRET_KEY') });
      const ours = async () => (await rows(core)).filter((r) => r.template === 'pins.pin-mail');
      expect(await ours()).toEqual([]);
      await ctx!.mail.send({ to: 'ana@example.net', template: 'pin-mail', data: { first_name: 'Ana' } });
      expect(await ours()).toHaveLength(1);
    } finally {
      await core.close();
    }
  });
});

describe('registering', () => {
  const plugin = (template: Record<string, unknown>) => definePlugin({ name: 'broken', setup: (c) => c.mail.registerTemplate({ id: 'x', label: 'X', subject: 'S', body: 'B', placeholders: {}, sample: {}, ...template } as never) });

  test('a malformed template stops start-up with every problem named', async () => {
    const start = createTestCore({ plugins: { broken: plugin({ id: 'Bad Name', body: 'Hi {who}', sample: { other: '1' }, secret: ['pin'] }) } });
    const error = (await start.then(
      (c) => c.close(),
      (e: unknown) => e,
    )) as Error & { cause: Error };
    expect(error).toMatchObject({ code: 'DIALBOOK_PLUGIN_SETUP', plugin: 'broken', cause: { code: 'DIALBOOK_MAIL_TEMPLATE_INVALID', plugin: 'broken' } });
    expect(error.cause.message).toMatch(/name after "broken\." must be lower-case[\s\S]*unknown placeholder \{who\}[\s\S]*sample\.other: not one of the placeholders[\s\S]*secret: "pin" is not one of the placeholders/);
  });

  test('an environment value sets and locks a plugin template key', async () => {
    const core = await createTestCore({ plugins: { pins }, env: { DIALBOOK_SETTING_EMAIL__TEMPLATES__PINS__PIN_MAIL__SUBJECT: 'PIN mail for {first_name}' } });
    try {
      expect(await json(await core.request('/api/v1/mail/templates/pins.pin-mail/preview', { method: 'POST' }))).toMatchObject({ subject: 'PIN mail for Erika' });
      expect((await json<{ locked: string[] }>(await core.request('/api/v1/settings/email'))).locked).toContain('templates.pins.pin-mail.subject');
    } finally {
      await core.close();
    }
  });
});
