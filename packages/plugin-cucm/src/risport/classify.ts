/**
 * What a RisPort70 failure means. The rate limit answers with a SOAP fault whose code ends in
 * `Server.RateControl` and whose text says "Exceeded allowed rate for Reatime information"
 * (sic; public captures bind `ns1` to Axis' namespace and prefix "AxisFault: "), so match
 * loosely on either. Pure.
 */
import { CucmError, type CucmErrorInfo } from '../errors.js';
import { classifyNetworkError } from '../network.js';

export interface RisErrorContext {
  endpoint: string;
  host: string;
  timeoutMs?: number;
  plugin?: string;
  /** The window to wait after a RateControl fault (default one minute). */
  windowMs?: number;
}

const ROLES = '"Standard CCM Admin Users" and "Standard SERVICEABILITY Read Only"';

export function isRateControl(code: string, text: string): boolean {
  return /RateControl/i.test(code) || /Exceeded allowed rate/i.test(text);
}

export function classifyRisError(err: unknown, ctx: RisErrorContext): CucmError {
  const opts = { cause: err, ...(ctx.plugin ? { plugin: ctx.plugin } : {}) };
  const operation = 'selectCmDevice';
  const net = classifyNetworkError(err, { service: 'risport', operation, endpoint: ctx.endpoint, host: ctx.host, ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}), ...(ctx.plugin ? { plugin: ctx.plugin } : {}) });
  if (net) return net;
  const e = (err ?? {}) as { message?: string; response?: { status?: number }; root?: { Envelope?: { Body?: { Fault?: Record<string, unknown> } } } };
  const status = e.response?.status;
  const fault = e.root?.Envelope?.Body?.Fault;
  const base: CucmErrorInfo = { service: 'risport', operation, endpoint: ctx.endpoint, ...(status ? { httpStatus: status } : {}) };
  const make = (code: ConstructorParameters<typeof CucmError>[0], message: string, info: CucmErrorInfo = {}) => new CucmError(code, message, { ...base, ...info }, opts);
  if (fault) {
    const code = typeof fault.faultcode === 'string' ? fault.faultcode : '';
    const text = typeof fault.faultstring === 'string' ? fault.faultstring : String(e.message ?? '');
    if (isRateControl(code, text)) {
      const rate = /is (\d+) requests? per minute/i.exec(text);
      return make(
        'DIALBOOK_CUCM_THROTTLED',
        `RisPort refused the request: the cluster's rate limit for real-time queries is used up${rate ? ` (${rate[1]} requests a minute)` : ''}, by Dialbook or another tool. Dialbook waits for the next minute and retries.`,
        { detail: text, retryable: true, retryAfterMs: ctx.windowMs ?? 60_000 },
      );
    }
    return make('DIALBOOK_CUCM_FAULT', `RisPort answered with an error: ${text || code}.`, { detail: text });
  }
  if (status === 401 || status === 403) {
    return make('DIALBOOK_CUCM_AUTH', `RisPort refused the user (HTTP ${status}). Give the AXL user's group the roles ${ROLES}.`);
  }
  if (status === 404) {
    return make('DIALBOOK_CUCM_PROTOCOL', `${ctx.endpoint} has no RisPort70 service (HTTP 404 for /realtimeservice2/services/RISService70). Is this a CUCM node, and does the Cisco RIS Data Collector service run on it?`);
  }
  if (status === 503) {
    return make('DIALBOOK_CUCM_THROTTLED', 'RisPort is busy (HTTP 503). Dialbook waits and retries.', { retryable: true, retryAfterMs: 5_000 });
  }
  if (status && status >= 400) return make('DIALBOOK_CUCM_PROTOCOL', `RisPort answered HTTP ${status}.`);
  return make('DIALBOOK_CUCM_PROTOCOL', `RisPort's answer could not be read (${e.message ?? String(err)}).`, { detail: String(e.message ?? err) });
}
