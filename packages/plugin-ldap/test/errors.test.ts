import { describe, expect, it } from 'vitest';
import { InvalidCredentialsError, NoSuchObjectError, SizeLimitExceededError, ConfidentialityRequiredError, InsufficientAccessError, UnavailableCriticalExtensionError } from 'ldapts';
import { classifyLdapError, endpointOf, ldapError } from '../src/errors.js';

const url = 'ldap://dir.example.net';
const nodeError = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('classifyLdapError', () => {
  it('DNS', () => {
    const p = classifyLdapError(nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND dir.example.net'), { operation: 'connect', url });
    expect(p).toMatchObject({ stage: 'dns', code: 'DIALBOOK_LDAP_DNS' });
    expect(p.message).toBe('DNS: the host name "dir.example.net" could not be resolved (ENOTFOUND). Check the host in the URL and the server\'s DNS settings.');
  });

  it('TCP: refused and timed out', () => {
    expect(classifyLdapError(nodeError('ECONNREFUSED'), { operation: 'bind', url }).message).toBe('TCP: dir.example.net:389 refused the connection. Is the directory server running, and is 389 its LDAP port?');
    expect(classifyLdapError(new Error('Connection timeout'), { operation: 'bind', url: 'ldaps://dir.example.net' })).toMatchObject({ stage: 'tcp', message: expect.stringContaining('no answer from dir.example.net:636') });
  });

  it('TLS: certificates and a plain port behind ldaps://', () => {
    expect(classifyLdapError(nodeError('DEPTH_ZERO_SELF_SIGNED_CERT'), { operation: 'bind', url })).toMatchObject({ stage: 'tls', message: expect.stringContaining('self-signed certificate') });
    expect(classifyLdapError(nodeError('ERR_TLS_CERT_ALTNAME_INVALID'), { operation: 'bind', url }).message).toContain('not issued for this host name');
    expect(classifyLdapError(nodeError('ECONNRESET', 'Client network socket disconnected before secure TLS connection was established'), { operation: 'connect', url: 'ldaps://dir.example.net:389' })).toMatchObject({ stage: 'tls', message: expect.stringContaining('Does 389 speak LDAPS?') });
    expect(classifyLdapError(new UnavailableCriticalExtensionError('unsupported extended operation'), { operation: 'starttls', url })).toMatchObject({ stage: 'tls', message: expect.stringContaining('StartTLS failed') });
  });

  it('bind', () => {
    const p = classifyLdapError(new InvalidCredentialsError(), { operation: 'bind', url, bindDN: 'cn=svc,dc=example,dc=net' });
    expect(p).toMatchObject({ stage: 'bind', code: 'DIALBOOK_LDAP_BIND' });
    expect(p.message).toContain('refused the bind DN or password (invalid credentials) for "cn=svc,dc=example,dc=net"');
    expect(classifyLdapError(new ConfidentialityRequiredError(), { operation: 'bind', url })).toMatchObject({ stage: 'tls', message: expect.stringContaining('Use ldaps:// or StartTLS') });
  });

  it('base DN, access, size limit', () => {
    expect(classifyLdapError(new NoSuchObjectError(), { operation: 'search', url, baseDN: 'ou=nowhere,dc=example,dc=net', bindDN: 'cn=svc' })).toMatchObject({ stage: 'baseDN', code: 'DIALBOOK_LDAP_BASE_DN', message: 'base DN: "ou=nowhere,dc=example,dc=net" does not exist on the server (no such object). Check baseDN (e.g. ou=people,dc=example,dc=org).' });
    expect(classifyLdapError(new NoSuchObjectError(), { operation: 'search', url, baseDN: 'dc=x' }).message).toContain('An anonymous bind may simply not be allowed to see it');
    expect(classifyLdapError(new InsufficientAccessError(), { operation: 'search', url, baseDN: 'dc=x' }).message).toContain('may not read');
    expect(classifyLdapError(new SizeLimitExceededError(), { operation: 'search', url }).message).toContain('size limit stopped the search early');
  });

  it('filter syntax (from the client) and a lost connection', () => {
    expect(classifyLdapError(new Error('Unbalanced parens in filter string: (&(a=b)'), { operation: 'search', url, filter: '(&(a=b)' })).toMatchObject({ stage: 'filter', message: 'filter: (&(a=b) is not a valid LDAP filter (Unbalanced parens in filter string: (&(a=b)).' });
    expect(classifyLdapError(new Error('Connection closed before message response was received. Message type: SearchRequest (0x63)'), { operation: 'search', url })).toMatchObject({
      stage: 'connection',
      message: 'the connection to dir.example.net:389 was lost during the search. The directory server stopped or a network device cut the connection.',
    });
  });

  it('becomes a 502 DialbookError carrying the stage', () => {
    const err = ldapError(classifyLdapError(nodeError('ECONNREFUSED'), { operation: 'bind', url }), 'ldap');
    expect(err).toMatchObject({ code: 'DIALBOOK_LDAP_TCP', status: 502, plugin: 'ldap', details: { stage: 'tcp', detail: 'ECONNREFUSED' } });
  });

  it('reads host and port from the URL', () => {
    expect(endpointOf('ldaps://dc1.example.net')).toEqual({ host: 'dc1.example.net', port: 636, secure: true, display: 'dc1.example.net:636' });
    expect(endpointOf('ldap://[::1]:3389')).toEqual({ host: '::1', port: 3389, secure: false, display: '[::1]:3389' });
  });
});
