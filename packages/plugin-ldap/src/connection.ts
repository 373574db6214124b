/**
 * Opening a connection as the settings say: DNS, TCP (or TLS for ldaps://), StartTLS,
 * bind. Every failure comes back classified (see errors.ts), naming the step.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { Client, ResultCodeError, type Filter } from 'ldapts';
import { decodeUtf8Escapes } from './filter.js';
import { classifyLdapError, endpointOf, ldapError, type LdapErrorContext } from './errors.js';
import { BINARY_ATTRIBUTES, type LdapEntry } from './mapping.js';
import type { ResolvedSettings } from './settings.js';
import { DialbookError } from '@dialbook/core';

/** A bound client and the settings it was opened with. Close it with `close()`. */
export interface LdapConnection {
  client: Client;
  settings: ResolvedSettings;
  /** How the connection is protected, for messages: `LDAPS`, `StartTLS` or `plain`. */
  security: 'LDAPS' | 'StartTLS' | 'plain';
  /** Classify an error of an operation on this connection. */
  fail(err: unknown, operation: LdapErrorContext['operation'], filter?: string): DialbookError;
  close(): Promise<void>;
}

export function tlsOptions(s: Pick<ResolvedSettings, 'url' | 'tls'>): ConnectionOptions {
  const { host } = endpointOf(s.url);
  return {
    rejectUnauthorized: s.tls.verify,
    minVersion: 'TLSv1.2',
    ...(s.tls.ca?.trim() ? { ca: [s.tls.ca] } : {}),
    ...(isIP(host) ? {} : { servername: host }),
    host,
  };
}

/** Binary attributes ldapts must hand over as bytes (ldapts compares their spelling exactly). */
export const BUFFER_ATTRIBUTES = BINARY_ATTRIBUTES.flatMap((a) => [a, a.toLowerCase(), a.toUpperCase()]);

/**
 * Connect and bind. `plugin` names the instance in errors. Without a bind DN the
 * connection binds anonymously (many directories refuse that; the error says so).
 */
export async function connect(s: ResolvedSettings, plugin: string): Promise<LdapConnection> {
  const endpoint = endpointOf(s.url);
  const context = (operation: LdapErrorContext['operation'], filter?: string): LdapErrorContext => ({ operation, url: s.url, bindDN: s.bindDN, baseDN: s.baseDN, filter: filter ?? s.filter, secure: endpoint.secure });
  const fail = (err: unknown, operation: LdapErrorContext['operation'], filter?: string) => ldapError(classifyLdapError(err, context(operation, filter)), plugin, err);

  if (s.bindDN && !s.bindPassword) {
    throw new DialbookError('DIALBOOK_LDAP_SETTINGS', `bind: a bind DN is set but no bindPassword; set the password (an empty password would be an unauthenticated bind)`, { status: 409, plugin, field: 'bindPassword', details: { stage: 'settings' } });
  }
  if (!isIP(endpoint.host)) {
    try {
      await lookup(endpoint.host);
    } catch (err) {
      throw fail(err, 'connect');
    }
  }
  const timeout = s.timeoutSeconds * 1000;
  const tls = tlsOptions(s);
  // Whether the LDAPS handshake completed: a connection closed before it is a TLS problem (a plain port, a TLS version no one shares).
  let handshake = false;
  const createSecureConnection = ((...args: Parameters<typeof tlsConnect>) => {
    const socket = tlsConnect(...args);
    socket.once('secureConnect', () => (handshake = true));
    return socket;
  }) as typeof tlsConnect;
  const client = new Client({ url: s.url.replace(/\/$/, ''), timeout, connectTimeout: timeout, strictDN: false, ...(endpoint.secure ? { tlsOptions: tls, createSecureConnection } : {}) });
  const close = async () => {
    await client.unbind().catch(() => undefined);
  };
  let security: LdapConnection['security'] = endpoint.secure ? 'LDAPS' : 'plain';
  try {
    if (s.startTls && !endpoint.secure) {
      try {
        await client.startTLS(tls);
        security = 'StartTLS';
      } catch (err) {
        throw fail(err, 'starttls');
      }
    }
    try {
      await client.bind(s.bindDN ?? '', s.bindDN ? s.bindPassword : '');
    } catch (err) {
      throw fail(err, endpoint.secure && !handshake && !(err instanceof ResultCodeError) ? 'connect' : 'bind');
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { client, settings: s, security, fail, close };
}

/** Entries of a search that fits one answer (a test, a live search, one DN); `limit` caps it. */
export async function searchSome(conn: LdapConnection, options: { base: string; scope: 'base' | 'one' | 'sub'; filter: string | Filter; attributes: string[]; limit: number }): Promise<LdapEntry[]> {
  try {
    const { searchEntries } = await conn.client.search(options.base, {
      scope: options.scope,
      filter: typeof options.filter === 'string' ? decodeUtf8Escapes(options.filter) : options.filter,
      attributes: options.attributes,
      explicitBufferAttributes: BUFFER_ATTRIBUTES,
      sizeLimit: options.limit,
      timeLimit: conn.settings.timeoutSeconds,
    });
    return searchEntries as LdapEntry[];
  } catch (err) {
    throw conn.fail(err, 'search', String(options.filter));
  }
}
