/**
 * TLS against a real slapd that serves LDAPS and StartTLS with a certificate from a test CA
 * (made with openssl by the harness): the CA setting, verification on and off, and the words
 * test connection uses when the certificate is not trusted.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ProbeReport } from '@dialbook/plugin-ldap';
import { generatePeople, describeWithSlapd, startSlapd, type Slapd } from '@dialbook/test-slapd';
import { configure, json, ldapContacts, startCore, sync, type Core } from './helpers.js';

describeWithSlapd('TLS: LDAPS and StartTLS with a CA certificate', () => {
  let dir: Slapd;
  let core: Core;
  beforeAll(async () => {
    dir = await startSlapd({ entries: generatePeople(40, { seed: 7 }), tls: true });
    core = await startCore();
  });
  afterAll(async () => {
    await core?.close();
    await dir?.stop();
  });

  const test = (settings: Record<string, unknown>) => json<ProbeReport>(core, '/api/v1/plugins/ldap/test', { method: 'POST', json: { siteId: core.site.id, settings: { bindPassword: dir.bindPassword, ...settings } } });

  it('LDAPS with the CA: every step passes, and a sync reads the directory over it', async () => {
    await configure(core, { ...dir, url: dir.ldapsUrl! }, { tls: { verify: true, ca: dir.caPem } });
    const r = await test({});
    expect(r.ok, r.message).toBe(true);
    expect(r.steps.map((s) => [s.step, s.ok])).toEqual([['dns', true], ['tcp', true], ['tls', true], ['bind', true], ['baseDN', true], ['filter', true], ['mapping', true]]);
    expect(r.steps.find((s) => s.step === 'tls')?.message).toBe('LDAPS handshake done, certificate accepted');
    const outcome = await sync(core);
    expect(outcome).toMatchObject({ failed: 0 });
    expect(outcome.created).toBeGreaterThan(30);
    expect((await ldapContacts(core)).length).toBe(outcome.created);
  });

  it('StartTLS on ldap:// with the CA', async () => {
    const r = await test({ url: dir.url, startTls: true, tls: { verify: true, ca: dir.caPem } });
    expect(r.ok, r.message).toBe(true);
    expect(r.steps.find((s) => s.step === 'tls')).toEqual({ step: 'tls', ok: true, message: 'StartTLS done, certificate accepted' });
  });

  it('without the CA the certificate is not trusted, and test connection says so; verify off connects', async () => {
    // null removes the saved CA for this test (a form's unsaved values are merged key by key).
    const untrusted = await test({ url: dir.ldapsUrl, tls: { verify: true, ca: null } });
    expect(untrusted).toMatchObject({ ok: false, stage: 'tls', message: expect.stringMatching(/^TLS: /) });
    expect(untrusted.message).toMatch(/certificate/i);
    expect(untrusted.steps.map((s) => [s.step, s.ok])).toEqual([['dns', true], ['tcp', true], ['tls', false]]);

    const startTls = await test({ url: dir.url, startTls: true, tls: { verify: true, ca: null } });
    expect(startTls).toMatchObject({ ok: false, stage: 'tls', message: expect.stringMatching(/certificate/i) });

    expect(await test({ url: dir.ldapsUrl, tls: { verify: false, ca: null } })).toMatchObject({ ok: true });
  });

  it('a CA that did not issue the certificate is refused as well', async () => {
    // Another directory's CA: a valid PEM, just not the issuer of this server's certificate.
    const other = await startSlapd({ entries: [], tls: true });
    try {
      const r = await test({ url: dir.ldapsUrl, tls: { verify: true, ca: other.caPem } });
      expect(r).toMatchObject({ ok: false, stage: 'tls', message: expect.stringMatching(/certificate/i) });
    } finally {
      await other.stop();
    }
  });
});
