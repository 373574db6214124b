/**
 * Network failures before any HTTP answer — name resolution, TCP, TLS, timeout — in words an
 * administrator can act on. Shared by AXL, RisPort and the connection test. Pure.
 */
import { CucmError, type CucmService } from './errors.js';
import { TIMEOUT_CODE } from './transport.js';

export interface NetworkContext {
  service: CucmService;
  operation?: string;
  /** `host:port`. */
  endpoint: string;
  host: string;
  timeoutMs?: number;
  plugin?: string;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);

const CERT_WORDS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'presents a self-signed certificate that is not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'presents a certificate signed by a CA that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'presents a certificate signed by a CA that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'presents a certificate signed by a CA that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'presents a certificate signed by a CA that is not trusted',
  CERT_HAS_EXPIRED: 'presents an expired certificate',
  CERT_NOT_YET_VALID: 'presents a certificate that is not valid yet (check the clocks)',
  CERT_REVOKED: 'presents a revoked certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'presents a certificate that is not issued for this host name',
};

const label = (s: CucmService) => (s === 'axl' ? 'AXL' : 'RisPort');

/** A CucmError for a failure below HTTP, or null when `err` is not one. */
export function classifyNetworkError(err: unknown, ctx: NetworkContext): CucmError | null {
  const e = err as { code?: unknown; message?: unknown } | null | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  const detail = typeof e?.message === 'string' ? e.message : String(err);
  const base = { service: ctx.service, endpoint: ctx.endpoint, detail, ...(ctx.operation ? { operation: ctx.operation } : {}) };
  const opts = { cause: err, ...(ctx.plugin ? { plugin: ctx.plugin } : {}) };
  if (DNS_CODES.has(code)) {
    return new CucmError('DIALBOOK_CUCM_UNREACHABLE', `The CUCM host name "${ctx.host}" could not be resolved (${code}). Check the publisher host setting and this server's DNS.`, { ...base, step: 'dns' }, opts);
  }
  if (code === 'ECONNREFUSED') {
    return new CucmError('DIALBOOK_CUCM_UNREACHABLE', `${ctx.endpoint} refused the connection. Check the host and port (CUCM serves ${label(ctx.service)} on 8443) and that the Cisco Tomcat service runs on that node.`, { ...base, step: 'tcp' }, opts);
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') {
    return new CucmError('DIALBOOK_CUCM_UNREACHABLE', `${ctx.endpoint} cannot be reached from this server (${code}). Check routing and firewalls between Dialbook and CUCM.`, { ...base, step: 'tcp' }, opts);
  }
  if (code === TIMEOUT_CODE || code === 'ETIMEDOUT') {
    const within = ctx.timeoutMs ? ` within ${Math.round(ctx.timeoutMs / 100) / 10} s` : '';
    return new CucmError(
      'DIALBOOK_CUCM_TIMEOUT',
      `CUCM ${label(ctx.service)} at ${ctx.endpoint} did not answer${ctx.operation ? ` ${ctx.operation}` : ''}${within}. The node may be overloaded or a firewall drops the traffic; raise the timeout or try again later.`,
      { ...base, retryable: false },
      opts,
    );
  }
  const words = CERT_WORDS[code];
  if (words) {
    return new CucmError('DIALBOOK_CUCM_TLS', `TLS: ${ctx.endpoint} ${words} (${code}). Paste the CA certificate that issued CUCM's tomcat certificate (or the tomcat certificate itself, PEM) into the CA setting.`, base, opts);
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO' || /SSL routines|TLS/i.test(detail)) {
    return new CucmError('DIALBOOK_CUCM_TLS', `TLS: the handshake with ${ctx.endpoint} failed (${code || detail}). Check that the port speaks HTTPS (CUCM: 8443).`, base, opts);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(detail)) {
    return new CucmError('DIALBOOK_CUCM_UNREACHABLE', `The connection to ${ctx.endpoint} was cut (${code || detail}). A firewall or load balancer may close it, or the node restarted.`, { ...base, step: 'tcp', retryable: false }, opts);
  }
  return null;
}
