/**
 * What an AXL request's failure means (AXL Developer Guide: errors and throttling; research notes
 * §4), as a CucmError with a stable code:
 *   401 (Tomcat's HTML page)           → AUTH         never retried
 *   403                                → PERMISSION
 *   599 ("Supported axl versions …")   → VERSION      the client falls back to an offered version
 *   503 (write throttle)               → THROTTLED    retried after a backoff
 *   500 axlcode -1 "Maximum AXL Memory Allocation Consumed"  → THROTTLED (retried)
 *   500 axlcode -1 "Query request too large … less than N rows" → TOO_LARGE (the pager halves)
 *   500 axlcode 5007                   → NOT_FOUND
 *   500 axlcode 5003                   → PERMISSION (user rank / privilege)
 * Pure: it reads the error node-soap rejected with (`response`, `body`, `root`).
 */
import { CucmError, type CucmErrorInfo } from '../errors.js';
import { classifyNetworkError } from '../network.js';
import { parseSupportedVersions } from '../wsdl/versions.js';

export interface AxlErrorContext {
  operation: string;
  endpoint: string;
  host: string;
  version: string;
  timeoutMs?: number;
  plugin?: string;
}

/** How long CUCM asks to wait: 503 writes "seconds", the memory fault "once requests in progress completed". */
export const THROTTLE_503_MS = 5_000;
export const THROTTLE_MEMORY_MS = 2_000;

interface SoapFailure {
  message?: string;
  response?: { status?: number; headers?: Record<string, unknown>; data?: unknown };
  body?: unknown;
  root?: { Envelope?: { Body?: { Fault?: Record<string, unknown> } } };
}

/** The `detail/axlError` of a fault, whatever prefix the cluster put on it. */
export function axlErrorOf(fault: Record<string, unknown> | undefined): { axlcode: number | null; axlmessage: string } | null {
  const detail = fault?.detail;
  if (!detail || typeof detail !== 'object') return null;
  const key = Object.keys(detail).find((k) => k === 'axlError' || k.endsWith(':axlError'));
  const e = key ? ((detail as Record<string, unknown>)[key] as Record<string, unknown> | undefined) : undefined;
  if (!e || typeof e !== 'object') return null;
  const n = Number(typeof e.axlcode === 'object' ? (e.axlcode as { $value?: unknown } | null)?.$value : e.axlcode);
  return { axlcode: Number.isFinite(n) ? n : null, axlmessage: typeof e.axlmessage === 'string' ? e.axlmessage : '' };
}

const htmlText = (body: unknown): string =>
  typeof body === 'string'
    ? body
        .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 300)
    : '';

const retryAfter = (headers: Record<string, unknown> | undefined): number | undefined => {
  const v = headers?.['retry-after'];
  const s = Number(Array.isArray(v) ? v[0] : v);
  return Number.isFinite(s) && s > 0 ? s * 1000 : undefined;
};

/** Turn whatever an AXL call rejected with into a CucmError. */
export function classifyAxlError(err: unknown, ctx: AxlErrorContext): CucmError {
  const opts = { cause: err, ...(ctx.plugin ? { plugin: ctx.plugin } : {}) };
  const net = classifyNetworkError(err, { service: 'axl', operation: ctx.operation, endpoint: ctx.endpoint, host: ctx.host, ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}), ...(ctx.plugin ? { plugin: ctx.plugin } : {}) });
  if (net) return net;
  const e = (err ?? {}) as SoapFailure;
  const status = e.response?.status;
  const body = e.body ?? e.response?.data;
  const fault = e.root?.Envelope?.Body?.Fault;
  const base: CucmErrorInfo = { service: 'axl', operation: ctx.operation, endpoint: ctx.endpoint, ...(status ? { httpStatus: status } : {}) };
  const make = (code: ConstructorParameters<typeof CucmError>[0], message: string, info: CucmErrorInfo = {}) => new CucmError(code, message, { ...base, ...info }, opts);

  if (status === 401) {
    return make(
      'DIALBOOK_CUCM_AUTH',
      `CUCM refused the AXL user or password (HTTP 401 from ${ctx.endpoint}). Check the AXL user and password; it must be an application user in a group with the role "Standard AXL API Access" (or "Standard AXL Read Only API Access").`,
      { detail: htmlText(body) },
    );
  }
  if (status === 403) {
    return make('DIALBOOK_CUCM_PERMISSION', `CUCM accepted the AXL user but refused ${ctx.operation} (HTTP 403). Give the user's group the role "Standard AXL API Access" (or "Standard AXL Read Only API Access").`, { detail: htmlText(body) });
  }
  if (status === 599) {
    const supportedVersions = parseSupportedVersions(body);
    const offered = supportedVersions.length ? `; it offers ${supportedVersions.join(', ')}` : '';
    return make(
      'DIALBOOK_CUCM_VERSION',
      `The cluster does not support AXL schema ${ctx.version} (HTTP 599)${offered}. Set the AXL schema version to one it offers, or leave it on automatic.`,
      { supportedVersions, detail: htmlText(body) },
    );
  }
  if (status === 503) {
    return make('DIALBOOK_CUCM_THROTTLED', `CUCM is throttling AXL requests (HTTP 503: its database change queue is full). Dialbook waits and retries; if this persists, spread out bulk jobs.`, {
      retryable: true,
      retryAfterMs: retryAfter(e.response?.headers) ?? THROTTLE_503_MS,
    });
  }
  if (status === 404) {
    return make('DIALBOOK_CUCM_PROTOCOL', `${ctx.endpoint} answered 404 for /axl/. Is the Cisco AXL Web Service activated on this node (Cisco Unified Serviceability → Service Activation), and is it the publisher?`, { detail: htmlText(body) });
  }
  if (fault) {
    const axl = axlErrorOf(fault);
    const text = axl?.axlmessage || (typeof fault.faultstring === 'string' ? fault.faultstring : '') || String(e.message ?? '');
    const info: CucmErrorInfo = { detail: text, ...(axl?.axlcode !== null && axl?.axlcode !== undefined ? { axlcode: axl.axlcode } : {}) };
    if (/Maximum AXL Memory Allocation Consumed/i.test(text)) {
      return make('DIALBOOK_CUCM_THROTTLED', `CUCM's AXL memory is used up by requests in progress ("Maximum AXL Memory Allocation Consumed"). Dialbook waits and retries; other AXL tools running heavy queries at the same time cause this.`, {
        ...info,
        retryable: true,
        retryAfterMs: THROTTLE_MEMORY_MS,
      });
    }
    if (/Query request too large/i.test(text)) {
      const n = /less than (\d+) rows/i.exec(text);
      return make('DIALBOOK_CUCM_TOO_LARGE', `CUCM refused ${ctx.operation}: the answer would be too large ("Query request too large"${n ? `; it suggests fewer than ${n[1]} rows` : ''}). Ask for fewer rows per page.`, {
        ...info,
        ...(n ? { suggestedRows: Number(n[1]) } : {}),
      });
    }
    if (axl?.axlcode === 5007) return make('DIALBOOK_CUCM_NOT_FOUND', `CUCM has no such item: ${text || ctx.operation} (axlcode 5007).`, info);
    if (axl?.axlcode === 5003) {
      return make('DIALBOOK_CUCM_PERMISSION', `CUCM refused ${ctx.operation} for the AXL user: ${text} (axlcode 5003). Check the user's roles and user rank.`, info);
    }
    return make('DIALBOOK_CUCM_FAULT', `CUCM answered ${ctx.operation} with an error: ${text}${axl?.axlcode !== null && axl?.axlcode !== undefined ? ` (axlcode ${axl.axlcode})` : ''}.`, info);
  }
  if (status && status >= 400) {
    return make('DIALBOOK_CUCM_PROTOCOL', `CUCM answered ${ctx.operation} with HTTP ${status}${htmlText(body) ? `: ${htmlText(body).slice(0, 120)}` : ''}.`, { detail: htmlText(body) });
  }
  return make('DIALBOOK_CUCM_PROTOCOL', `CUCM's answer to ${ctx.operation} could not be read (${e.message ?? String(err)}). Is ${ctx.endpoint} a CUCM publisher?`, { detail: String(e.message ?? err) });
}
