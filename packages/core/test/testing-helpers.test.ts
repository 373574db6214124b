// The helpers `@dialbook/core/testing` gives plugin authors besides createTestCore: eventually(),
// the SMTP capture server and the event spy.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HookBus, systemActor, type ContactDto } from '@dialbook/core';
import { createTestCore, eventually, SMTP_PASSWORD, SMTP_USER, spyEvents, startSmtpCapture, TestSmtp, type TestCore } from '@dialbook/core/testing';

describe('eventually', () => {
  test('returns the first truthy value, polling until there is one', async () => {
    let n = 0;
    await expect(eventually('the third call', () => ++n >= 3 && `call ${n}`, { interval: 5 })).resolves.toBe('call 3');
    expect(n).toBe(3);
    await expect(eventually('an async value', async () => ({ ok: true }))).resolves.toEqual({ ok: true });
  });

  test('an attempt that throws counts as not yet', async () => {
    let n = 0;
    const value = await eventually('the server to answer', () => {
      if (++n < 3) throw new Error('ECONNREFUSED');
      return n;
    }, { interval: 5 });
    expect(value).toBe(3);
  });

  test('on timeout it names what it waited for and the last value', async () => {
    const started = Date.now();
    const err = await eventually('the queue to drain', () => ({ queued: 2 }).queued === 0, { timeout: 120, interval: 10 }).catch((e: unknown) => e as Error);
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('timed out after 120 ms waiting for the queue to drain; it last returned false');
  });

  test('on timeout it names the last error, which is the cause, and adds the details', async () => {
    const boom = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const err = (await eventually('registration', () => { throw boom; }, { timeout: 50, interval: 10, details: () => '--- service output ---\nlistening' }).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe('timed out after 50 ms waiting for registration; it last threw Error: connect ECONNREFUSED 127.0.0.1:1\n--- service output ---\nlistening');
    expect(err.cause).toBe(boom);
  });
});

describe('the SMTP capture server', () => {
  const send = (port: number, auth?: { user: string; pass: string }, to = 'erika@example.com') =>
    nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, ...(auth ? { auth } : {}) }).sendMail({ from: 'dialbook@example.net', to, subject: 'Grüße', text: 'Hallo Erika, schöne Grüße!\nhttps://dialbook.example/signup?token=abc' });

  test('keeps every message it accepts, with envelope, login, headers and decoded text', async () => {
    const smtp = await startSmtpCapture();
    try {
      expect(smtp.port).toBeGreaterThan(0);
      await send(smtp.port, { user: SMTP_USER, pass: SMTP_PASSWORD });
      await send(smtp.port, undefined, 'ops@example.net');
      expect(smtp.received).toHaveLength(2);
      const [mail] = smtp.to('erika@example.com');
      expect(mail).toMatchObject({ from: 'dialbook@example.net', to: ['erika@example.com'], user: SMTP_USER });
      expect(mail!.headers.subject).toBe('=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=');
      expect(mail!.text.trimEnd()).toBe('Hallo Erika, schöne Grüße!\nhttps://dialbook.example/signup?token=abc');
      expect(smtp.to('ops@example.net')[0]!.user).toBeUndefined();
    } finally {
      await smtp.stop();
    }
  });

  test('checks the login, and with requireAuth refuses mail without one', async () => {
    const smtp = new TestSmtp({ requireAuth: true, user: 'plugin', password: 'pw-1234' });
    await smtp.start();
    try {
      await expect(send(smtp.port)).rejects.toThrow(/auth/i);
      await expect(send(smtp.port, { user: 'plugin', pass: 'wrong' })).rejects.toThrow(/Invalid username or password/);
      await send(smtp.port, { user: 'plugin', pass: 'pw-1234' });
      expect(smtp.received.map((m) => m.user)).toEqual(['plugin']);
    } finally {
      await smtp.stop();
    }
    await expect(send(smtp.port, { user: 'plugin', pass: 'pw-1234' })).rejects.toThrow(/ECONNREFUSED/);
  });

  test('core itself never imports smtp-server: only testing/ does', () => {
    const src = resolve(import.meta.dirname, '../src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const importers = files.filter((f) => /from ['"]smtp-server['"]|import\(['"]smtp-server['"]\)/.test(readFileSync(join(src, f), 'utf8')));
    expect(importers.map((f) => relative(src, join(src, f)))).toEqual(['testing/smtp.ts']);
  });
});

describe('spyEvents', () => {
  test('records payloads per event, in order; clear forgets, stop stops listening', async () => {
    const hooks = new HookBus();
    const spy = spyEvents({ hooks }, ['settings.changed', 'sync.finished']);
    const changed = { category: 'email', scope: 'global', keys: ['from'], actor: systemActor };
    const finished = { source: 'csv', siteId: 's', created: 1, updated: 0, deleted: 0, unchanged: 0, failed: 0 };
    await hooks.emit('settings.changed', changed);
    await hooks.emit('sync.finished', finished);
    await hooks.emit('contact.synced' as never, {} as never); // not spied on
    expect(spy.of('settings.changed')).toEqual([changed]);
    expect(spy.all).toEqual([{ name: 'settings.changed', payload: changed }, { name: 'sync.finished', payload: finished }]);
    spy.clear();
    expect(spy.all).toEqual([]);
    await hooks.emit('sync.finished', finished);
    expect(spy.of('sync.finished')).toHaveLength(1);
    spy.stop();
    await hooks.emit('sync.finished', finished);
    expect(spy.of('sync.finished')).toHaveLength(1);
  });

  test('waitFor resolves with a recorded payload or one still to come, and times out naming the event', async () => {
    const hooks = new HookBus();
    const spy = spyEvents({ hooks }, ['sync.finished']);
    const finished = (source: string) => ({ source, siteId: 's', created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    await hooks.emit('sync.finished', finished('a'));
    await expect(spy.waitFor('sync.finished')).resolves.toMatchObject({ source: 'a' });
    setTimeout(() => void hooks.emit('sync.finished', finished('b')), 30);
    await expect(spy.waitFor('sync.finished', (e) => e.source === 'b')).resolves.toMatchObject({ source: 'b' });
    await expect(spy.waitFor('sync.finished', (e) => e.source === 'c', { timeout: 50 })).rejects.toThrow(
      /^timed out after 50 ms waiting for the event sync\.finished that the predicate accepts; it last returned false\n2 sync\.finished event\(s\) recorded, the last: \{ source: 'b'/,
    );
  });

  describe('on a test core', () => {
    let core: TestCore;
    beforeAll(async () => {
      core = await createTestCore();
    });
    afterAll(() => core?.close());

    test('sees the events of a request', async () => {
      const spy = spyEvents(core, ['contact.created', 'contact.deleted']);
      const res = await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'Spy' } });
      const contact = (await res.json()) as ContactDto;
      expect(spy.of('contact.created').map((e) => e.contact.id)).toEqual([contact.id]);
      await core.request(`/api/v1/contacts/${contact.id}`, { method: 'DELETE' });
      expect((await spy.waitFor('contact.deleted', (e) => e.contact.id === contact.id)).permanent).toBe(false);
      spy.stop();
    });
  });
});
