import { describe, expect, test } from 'vitest';
import { clusterKey, connectionOf, wsdlSource } from './clients.js';
import { CucmSettingsSchema } from './settings.js';

const settings = (o: Record<string, unknown> = {}) => CucmSettingsSchema.parse({ host: 'cucm-pub.example.net', username: 'axl', password: 'secret', ...o });

describe('cluster settings', () => {
  test('defaults', () => {
    expect(settings()).toMatchObject({ port: 8443, version: 'auto', wsdl: 'builtin', tls: { verify: true }, risport: { enabled: true, perMinute: 15 }, readOnlySql: false, enrich: true, userIdAttribute: 'ldap.uid', facMatch: 'uid', concurrency: 4 });
    expect(CucmSettingsSchema.safeParse({ host: 'x', username: 'a', password: 'b', risport: { perMinute: 19 } }).success).toBe(false);
    expect(CucmSettingsSchema.safeParse({ host: 'https://x', username: 'a', password: 'b' }).success).toBe(false);
    expect(CucmSettingsSchema.safeParse({ host: 'x', username: 'a', password: 'b', userIdAttribute: 'uid' }).success).toBe(false);
    expect(CucmSettingsSchema.safeParse({ host: 'x', username: 'a', password: 'b', userIdAttribute: 'externalId' }).success).toBe(true);
  });

  test('the same cluster and account share clients; any connection setting makes new ones', () => {
    expect(clusterKey(settings())).toBe(clusterKey(settings({ enrich: false, facMatch: 'first last' })));
    expect(clusterKey(settings())).not.toBe(clusterKey(settings({ password: 'other' })));
    expect(clusterKey(settings())).not.toBe(clusterKey(settings({ tls: { ca: 'PEM' } })));
    expect(clusterKey(settings())).not.toBe(clusterKey(settings({ readOnlySql: true })));
  });

  test('connection options and the service description', () => {
    expect(connectionOf(settings({ tls: { verify: false }, timeoutSeconds: 5 }))).toEqual({ host: 'cucm-pub.example.net', port: 8443, username: 'axl', password: 'secret', tls: { verify: false }, timeoutMs: 5000 });
    expect(wsdlSource(settings(), 'cucm')).toEqual({ kind: 'builtin' });
    expect(wsdlSource(settings({ wsdl: 'toolkit', toolkitPath: '/opt/axl/schema' }), 'cucm')).toEqual({ kind: 'toolkit', path: '/opt/axl/schema' });
    expect(() => wsdlSource(settings({ wsdl: 'toolkit' }), 'cucm')).toThrow(/toolkitPath is empty/);
  });
});
