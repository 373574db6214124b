/**
 * What went wrong talking to a directory, in words an administrator understands:
 * ldapts and Node errors sorted into the step that failed (DNS, TCP, TLS, bind,
 * base DN, filter, search) with a message that says what to check. Pure functions.
 */
import { DialbookError } from '@dialbook/core';

export type LdapStage = 'settings' | 'dns' | 'tcp' | 'tls' | 'bind' | 'baseDN' | 'filter' | 'search' | 'connection';

/** Where the error happened, as the caller knows it. */
export interface LdapErrorContext {
  /** The operation that was running. */
  operation: 'connect' | 'starttls' | 'bind' | 'search';
  url: string;
  bindDN?: string | null | undefined;
  baseDN?: string | undefined;
  filter?: string | undefined;
  /** The connection is TLS from the start (`ldaps://`). */
  secure?: boolean;
}

export interface LdapProblem {
  stage: LdapStage;
  /** Stable code: `DIALBOOK_LDAP_<STAGE>`. */
  code: string;
  /** For a person: what failed and what to check. */
  message: string;
  /** The library's own words, for the log. */
  detail: string;
}

/** LDAP result codes (RFC 4511 §4.1.9) an administrator may meet, in words. */
const RESULT_CODES: Record<number, string> = {
  1: 'operations error',
  2: 'protocol error',
  3: 'time limit exceeded',
  4: 'size limit exceeded',
  7: 'authentication method not supported',
  8: 'stronger authentication required',
  10: 'referral',
  11: 'administrative limit exceeded',
  12: 'unavailable critical extension',
  13: 'confidentiality required',
  16: 'no such attribute',
  17: 'undefined attribute type',
  18: 'inappropriate matching',
  32: 'no such object',
  34: 'invalid DN syntax',
  48: 'inappropriate authentication',
  49: 'invalid credentials',
  50: 'insufficient access rights',
  51: 'busy',
  52: 'unavailable',
  53: 'unwilling to perform',
  80: 'other',
};

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_UNSUPPORTED_PROTOCOL',
  'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
  'EPROTO',
]);

const CERT_WORDS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server presents a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate is signed by a CA that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate is signed by a CA that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'the server certificate is signed by a CA that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the server certificate is signed by a CA that is not trusted',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  CERT_NOT_YET_VALID: 'the server certificate is not valid yet (check the clocks)',
  CERT_REVOKED: 'the server certificate was revoked',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server certificate is not issued for this host name',
};

/** `ldap://dc1.example.net:389` → `dc1.example.net:389` (the default port filled in). */
export function endpointOf(url: string): { host: string; port: number; secure: boolean; display: string } {
  const m = /^(ldaps?):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?/i.exec(url.trim());
  const secure = m?.[1]?.toLowerCase() === 'ldaps';
  const host = (m?.[2] ?? url).replace(/^\[|\]$/g, '');
  const port = m?.[3] ? Number(m[3]) : secure ? 636 : 389;
  return { host, port, secure, display: `${m?.[2] ?? host}:${port}` };
}

const isFilterSyntaxMessage = (m: string): boolean =>
  /^(Invalid expression|Unbalanced parens|Missing paren|Illegal unescaped character|Invalid escaped hex|Filter cannot be empty|Invalid attribute name|Invalid extensible filter|Missing := |Wildcard missing|Invalid .*filter type)/.test(m);

/** Sort an error into the step that failed and say it in words. */
export function classifyLdapError(err: unknown, ctx: LdapErrorContext): LdapProblem {
  const e = err as { code?: unknown; message?: unknown; name?: unknown } | null | undefined;
  const detail = typeof e?.message === 'string' && e.message ? e.message : String(err);
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const resultCode = typeof e?.code === 'number' ? e.code : undefined;
  const { host, port, display } = endpointOf(ctx.url);
  const secure = ctx.secure ?? endpointOf(ctx.url).secure;
  const make = (stage: LdapStage, message: string): LdapProblem => ({ stage, code: `DIALBOOK_LDAP_${stage === 'baseDN' ? 'BASE_DN' : stage.toUpperCase()}`, message, detail });

  // Name resolution and TCP.
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return make('dns', `DNS: the host name "${host}" could not be resolved (${code}). Check the host in the URL and the server's DNS settings.`);
  }
  if (code === 'ECONNREFUSED') return make('tcp', `TCP: ${display} refused the connection. Is the directory server running, and is ${port} its ${secure ? 'LDAPS' : 'LDAP'} port?`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return make('tcp', `TCP: ${display} cannot be reached from this server (${code}). Check routing and firewalls.`);
  if (code === 'ETIMEDOUT' || detail === 'Connection timeout') {
    return make('tcp', `TCP: no answer from ${display} in time. A firewall may be dropping the connection, or the host or port is wrong.`);
  }

  // TLS.
  if (code && (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'))) {
    const words = CERT_WORDS[code];
    if (words) {
      return make('tls', `TLS: ${words} (${code}). Add the issuing CA certificate (PEM) to tls.ca, or — only for testing — turn tls.verify off.`);
    }
    return make('tls', `TLS: the TLS handshake with ${display} failed (${code}). ${secure ? `Does ${port} speak LDAPS? Plain LDAP servers listen on 389 (use ldap:// with StartTLS).` : 'Check the TLS settings.'}`);
  }
  if (ctx.operation === 'starttls') {
    return make('tls', `TLS: StartTLS failed on ${display}: ${resultCode !== undefined ? RESULT_CODES[resultCode] ?? `result code ${resultCode}` : detail}. The server may not offer StartTLS; try ldaps:// or turn StartTLS off.`);
  }
  if (ctx.operation === 'connect' && secure && (code === 'ECONNRESET' || /secure TLS connection|Connection closed|socket hang up/i.test(detail))) {
    return make('tls', `TLS: ${display} closed the connection during the TLS handshake. Does ${port} speak LDAPS? Plain LDAP servers listen on 389 (use ldap:// with StartTLS).`);
  }

  // LDAP result codes.
  if (resultCode !== undefined) {
    const words = RESULT_CODES[resultCode] ?? `result code ${resultCode}`;
    const who = ctx.bindDN ? `"${ctx.bindDN}"` : 'an anonymous bind';
    if (ctx.operation === 'bind') {
      if (resultCode === 49) return make('bind', `bind: the server refused the bind DN or password (invalid credentials) for ${who}. Check bindDN and bindPassword; the account may also be locked or expired.`);
      if (resultCode === 8 || resultCode === 13) return make('tls', `bind: the server only accepts binds over an encrypted connection (${words}). Use ldaps:// or StartTLS.`);
      if (resultCode === 48 || resultCode === 53) return make('bind', `bind: the server refused ${who} (${words}). Anonymous or empty-password binds are often disabled; set bindDN and bindPassword.`);
      if (resultCode === 34) return make('bind', `bind: the bind DN "${ctx.bindDN ?? ''}" is not a valid DN (${words}).`);
      return make('bind', `bind: the server refused the bind for ${who} (${words}).`);
    }
    if (resultCode === 32) {
      const hidden = ctx.bindDN ? '' : ' An anonymous bind may simply not be allowed to see it: set bindDN and bindPassword.';
      return make('baseDN', `base DN: "${ctx.baseDN ?? ''}" does not exist on the server (no such object). Check baseDN (e.g. ou=people,dc=example,dc=org).${hidden}`);
    }
    if (resultCode === 34) return make('baseDN', `base DN: "${ctx.baseDN ?? ''}" is not a valid DN (${words}).`);
    if (resultCode === 1 && /bind/i.test(detail)) return make('bind', `bind: the server wants a successful bind before searching (${detail.trim()}). Set bindDN and bindPassword.`);
    if (resultCode === 50) return make('search', `search: the bind user ${who} may not read "${ctx.baseDN ?? ''}" (insufficient access rights).`);
    if (resultCode === 17 || resultCode === 18 || resultCode === 2) return make('filter', `filter: the server refused the filter ${ctx.filter ?? ''} (${words}).`);
    if (resultCode === 4) {
      return make('search', "search: the server's size limit stopped the search early. Paged results must be allowed to go beyond it (OpenLDAP: limits size.prtotal=unlimited; Active Directory: MaxPageSize applies per page only).");
    }
    if (resultCode === 11) return make('search', "search: the server refused the search at an administrative limit; usually pageSize is above the largest page it serves (Active Directory's MaxPageSize is 1000). Lower pageSize.");
    if (resultCode === 3) return make('search', 'search: the server stopped the search at its time limit. Narrow the base DN or filter, or raise the limit.');
    if (resultCode === 12) return make('search', 'search: the server does not support paged results (RFC 2696), which the sync needs.');
    if (resultCode === 51 || resultCode === 52) return make('connection', `the directory server is ${words}; try again later.`);
    return make('search', `search: the server answered "${words}" (${detail.trim()}).`);
  }

  // Client-side filter syntax and lost connections.
  if (ctx.operation === 'search' && isFilterSyntaxMessage(detail)) return make('filter', `filter: ${ctx.filter ?? 'the filter'} is not a valid LDAP filter (${detail}).`);
  if (/Connection closed|Socket error|Socket connection not established|ECONNRESET|EPIPE/i.test(detail) || code === 'ECONNRESET' || code === 'EPIPE') {
    return make('connection', `the connection to ${display} was lost${ctx.operation === 'search' ? ' during the search' : ''}. The directory server stopped or a network device cut the connection.`);
  }
  if (/timed out/i.test(detail)) return make('connection', `${display} did not answer in time (${ctx.operation}). Raise timeoutSeconds or check the server's load.`);
  return make(ctx.operation === 'bind' ? 'bind' : ctx.operation === 'search' ? 'search' : 'connection', `${ctx.operation}: ${detail}`);
}

/** The problem as an error the API reports (502: the directory, not Dialbook, failed). */
export function ldapError(problem: LdapProblem, plugin: string, cause?: unknown): DialbookError {
  return new DialbookError(problem.code, problem.message, { status: 502, plugin, cause, details: { stage: problem.stage, detail: problem.detail } });
}

/** Is this an error the classifier produced (a DialbookError with an LDAP stage)? */
export const ldapStageOf = (err: unknown): LdapStage | null => {
  const d = (err as { details?: { stage?: unknown } } | null)?.details;
  return typeof d?.stage === 'string' ? (d.stage as LdapStage) : null;
};
