/**
 * The certificate credential: MSAL signs a client assertion with the private key (PEM), naming the
 * certificate by its thumbprint; the double checks the signature with the public key, as Entra ID
 * does. A key that does not belong to the certificate is refused in words.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGraphDouble, type GraphDouble } from './double.js';
import * as f from './fixtures.js';
import { configure, json, startCore, type Core } from './helpers.js';

let core: Core;
let double: GraphDouble;
const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const key = pair();
const thumbprint = createHash('sha256').update(key.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');

beforeAll(async () => {
  double = await startGraphDouble({ tenant: f.TENANT, certificate: { thumbprint, publicKey: key.publicKey } });
  double.records.set(f.outbound().id, f.outbound());
  core = await startCore(double, { hooks: { sleep: async () => undefined } });
});
afterAll(async () => {
  await core?.close();
  await double?.close();
});

describe('certificate credential', () => {
  test('signs in with the certificate (no secret set) and syncs', async () => {
    await configure(core, { tenantId: double.tenant, clientId: double.clientId, certificate: { thumbprint, privateKey: key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }, syncCron: null });
    const t = await json<{ ok: boolean; message: string }>(core, '/api/v1/plugins/teams/test', { method: 'POST', json: { siteId: core.site.id } });
    expect(t, t.message).toMatchObject({ ok: true });
    expect(double.tokenRequests.at(-1)).toMatchObject({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: '<jwt>' });
    expect(double.tokenRequests.at(-1)?.client_secret).toBeUndefined();
    const r = await json<{ created: number }>(core, '/api/v1/plugins/teams/sync', { method: 'POST', json: { siteId: core.site.id, start: '2023-09-25T00:00:00Z', end: '2023-09-26T00:00:00Z', wait: true } });
    expect(r.created).toBe(1);
  });

  test('the private key is never returned by the settings', async () => {
    const text = await (await core.request(`/api/v1/settings/teams?siteId=${core.site.id}`)).text();
    expect(text).not.toContain('PRIVATE KEY');
  });

  test('a key of another certificate: "Entra ID refused the certificate"', async () => {
    const other = pair();
    await configure(core, { certificate: { thumbprint, privateKey: other.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string } });
    const t = await json<{ ok: boolean; message: string; field: string }>(core, '/api/v1/plugins/teams/test', { method: 'POST', json: { siteId: core.site.id } });
    expect(t).toMatchObject({ ok: false, field: 'certificate', message: expect.stringContaining('Entra ID refused the certificate') });
  });
});
