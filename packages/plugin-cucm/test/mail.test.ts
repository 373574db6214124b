/**
 * "Email PIN" and the bulk "Email PIN to every contact with one", through core's outbox to a real
 * SMTP server (startSmtpCapture): the mail arrives with the PIN; the outbox table, the log and the
 * action results never hold it; History says "PIN e-mailed to …" without it; contacts without an
 * e-mail address or a PIN are refused (422) or skipped in the bulk report.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactDto } from '@dialbook/core';
import { eventually, startSmtpCapture, type TestSmtp } from '@dialbook/core/testing';
import { contactAction, createContact, historyOf, json, startCore, type Core } from './plugin-helpers.js';

const PINS = ['48151623', '42424242', '31415926'];
let core: Core;
let smtp: TestSmtp;
const logs: string[] = [];
const outboxRows = async () => (await core.dialbook.orm.em.fork().getConnection().execute('select * from mail_outbox')) as Record<string, unknown>[];
const setPin = (id: string, value: string) => json(core, `/api/v1/contacts/${id}/secrets/cucm.pin`, { method: 'PUT', json: { value } });

beforeAll(async () => {
  smtp = await startSmtpCapture();
  core = await startCore({ core: { logger: pino({ level: 'debug' }, { write: (s: string) => void logs.push(s) }) } });
  await json(core, '/api/v1/settings/email', { method: 'PATCH', json: { smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' }, from: { address: 'dialbook@example.net' } } });
});
afterAll(async () => {
  await core?.close();
  await smtp?.stop();
});

describe('Email PIN', () => {
  let ana: ContactDto;

  it('sends the PIN mail through the outbox; the mail has the PIN, the outbox table and the answer do not', async () => {
    ana = await createContact(core, { firstName: 'Ana', lastName: 'Lima', emails: ['ana@example.net'] });
    await setPin(ana.id, PINS[0]!);
    const result = await contactAction(core, ana.id, 'email-pin');
    expect(result).toMatchObject({ ok: true, message: 'PIN e-mailed to ana@example.net', data: { mailId: expect.any(String) } });
    expect(JSON.stringify(result)).not.toContain(PINS[0]);

    const rows = await outboxRows();
    expect(rows.find((r) => r.id === (result.data as { mailId: string }).mailId)).toMatchObject({ to: 'ana@example.net', template: 'cucm.pin-mail', sensitive: expect.anything() });
    expect(JSON.stringify(rows)).not.toContain(PINS[0]);

    await core.dialbook.mail.flush();
    const mail = await eventually('the PIN mail', () => smtp.to('ana@example.net')[0]);
    expect(mail.headers.subject).toBe('Your PIN for telephone calls');
    expect(mail.text).toContain('Hello Ana Lima,');
    expect(mail.text).toContain(`your PIN (forced authorization code) is: ${PINS[0]}`);
    expect(mail.text).toContain('Dialbook, Test site');
    expect(JSON.stringify(await outboxRows())).not.toContain(PINS[0]);

    const history = await historyOf(core, ana.id);
    expect(history[0]).toMatchObject({ field: 'cucm.pin-mail', new: 'PIN e-mailed to ana@example.net', actorName: 'admin@test.invalid' });
    expect(JSON.stringify(history)).not.toContain(PINS[0]);
  });

  it('is refused for a contact without a PIN or without an e-mail address, with the reason', async () => {
    const noPin = await createContact(core, { firstName: 'Ben', lastName: 'Ito', emails: ['ben@example.net'] });
    const refused = await core.request(`/api/v1/contacts/${noPin.id}/actions/cucm.email-pin`, { method: 'POST' });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ code: 'DIALBOOK_ACTION_NOT_APPLICABLE' });
    const actions = await json<{ items: { id: string; enabled: boolean; reason: string | null }[] }>(core, `/api/v1/contacts/${noPin.id}/actions`);
    expect(actions.items.find((a) => a.id === 'cucm.email-pin')).toMatchObject({ enabled: false, reason: expect.stringContaining('cucm.pin') });

    const noMail = await createContact(core, { firstName: 'Cy', lastName: 'Ng' });
    await setPin(noMail.id, PINS[1]!);
    expect((await core.request(`/api/v1/contacts/${noMail.id}/actions/cucm.email-pin`, { method: 'POST' })).status).toBe(422);
  });

  it('the bulk action mails every contact with a PIN and an address, and reports the others skipped', async () => {
    const dee = await createContact(core, { firstName: 'Dee', lastName: 'Ortiz', emails: ['dee@example.net'] });
    await setPin(dee.id, PINS[2]!);
    const report = await json<{ total: number; succeeded: number; failed: number; skipped: number; items: { name: string; ok: boolean; skipped: boolean; message: string }[] }>(core, '/api/v1/actions/cucm.email-pins/bulk', {
      method: 'POST',
      json: { filter: {} },
    });
    expect(report).toMatchObject({ total: 4, succeeded: 2, failed: 0, skipped: 2 });
    expect(report.items.filter((i) => i.ok && !i.skipped).map((i) => i.message).sort()).toEqual(['PIN e-mailed to ana@example.net', 'PIN e-mailed to dee@example.net']);
    expect(JSON.stringify(report)).not.toMatch(new RegExp(PINS.join('|')));

    await core.dialbook.mail.flush();
    expect((await eventually('the bulk mail', () => smtp.to('dee@example.net')[0])).text).toContain(PINS[2]);
    expect(smtp.to('ana@example.net')).toHaveLength(2);
  });

  it('no PIN in the log, the outbox API or the audit log', async () => {
    const everything = [logs.join('\n'), JSON.stringify(await outboxRows()), JSON.stringify(await json(core, '/api/v1/mail/outbox')), JSON.stringify(await json(core, '/api/v1/audit?pageSize=500'))].join('\n');
    expect(logs.join('\n')).toContain('ana@example.net');
    for (const pin of PINS) expect(everything).not.toContain(pin);
  });
});
