/**
 * "Test connection", step by step: DNS, TCP, TLS, authentication (CUCM's 401), schema version
 * (599), the AXL permission (a listPhone of one row) and RisPort reachability. Each step is ok
 * or failed, in words an admin can act on; the test stops at the first failing step. Never
 * throws for CUCM's problems.
 */
import { lookup } from 'node:dns/promises';
import { isIP, connect as tcpConnect } from 'node:net';
import { connect as tlsConnect, rootCertificates, type PeerCertificate } from 'node:tls';
import { AxlClient, type AxlClientOptions } from './axl/client.js';
import type { VersionInfo } from './axl/connection.js';
import { isCucmError, type CucmErrorCode } from './errors.js';
import { classifyNetworkError } from './network.js';
import type { RateBudget } from './risport/budget.js';
import { RisClient } from './risport/client.js';

export type ProbeStepName = 'dns' | 'tcp' | 'tls' | 'auth' | 'version' | 'permission' | 'risport';

export interface ProbeStep {
  step: ProbeStepName;
  ok: boolean;
  message: string;
  /** The CucmError code of a failed step. */
  code?: CucmErrorCode;
}

export interface ProbeReport {
  ok: boolean;
  /** The step that failed, or null. */
  failed: ProbeStepName | null;
  /** One sentence: the summary, or the failed step's message. */
  message: string;
  steps: ProbeStep[];
  version: VersionInfo | null;
}

export interface ProbeOptions extends AxlClientOptions {
  /** Test RisPort too (default true); uses one request of the RisPort budget. */
  risport?: boolean;
  risBudget?: RateBudget;
  /** The node RisPort70 is asked on, when not `host` (the publisher). */
  risportHost?: string;
  /** Name resolution (replaceable in tests). */
  resolve?: (host: string) => Promise<string>;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
const cn = (c: PeerCertificate['subject'] | undefined) => (c && typeof c.CN === 'string' ? c.CN : Array.isArray(c?.CN) ? c.CN[0] : null) ?? 'unnamed';

export async function probe(o: ProbeOptions): Promise<ProbeReport> {
  const port = o.port ?? 8443;
  const endpoint = `${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`;
  const timeoutMs = Math.min(o.timeoutMs ?? 30_000, 15_000);
  const steps: ProbeStep[] = [];
  let version: VersionInfo | null = null;
  const net = { service: 'axl' as const, endpoint, host: o.host, timeoutMs, ...(o.plugin ? { plugin: o.plugin } : {}) };
  const pass = (step: ProbeStepName, message: string) => steps.push({ step, ok: true, message });
  const fail = (step: ProbeStepName, err: unknown, fallback?: string): ProbeReport => {
    const message = isCucmError(err) ? err.message : (fallback ?? (err instanceof Error ? err.message : String(err)));
    steps.push({ step, ok: false, message, ...(isCucmError(err) ? { code: err.code } : {}) });
    return { ok: false, failed: step, message, steps, version };
  };

  // DNS
  let address = o.host;
  if (isIP(o.host)) pass('dns', `${o.host} is an IP address`);
  else {
    try {
      address = await (o.resolve ?? (async (h: string) => (await lookup(h)).address))(o.host);
      pass('dns', `${o.host} resolves to ${address}`);
    } catch (err) {
      return fail('dns', classifyNetworkError(err, net) ?? err);
    }
  }

  // TCP
  try {
    await new Promise<void>((resolve, reject) => {
      const s = tcpConnect({ host: address, port });
      s.setTimeout(timeoutMs, () => s.destroy(Object.assign(new Error('timeout'), { code: 'DIALBOOK_TCP_TIMEOUT' })));
      s.once('connect', () => (s.destroy(), resolve()));
      s.once('error', reject);
    });
    pass('tcp', `${endpoint} accepts connections`);
  } catch (err) {
    if ((err as { code?: string }).code === 'DIALBOOK_TCP_TIMEOUT') {
      return fail('tcp', null, `TCP: no answer from ${endpoint} within ${seconds(timeoutMs)}. A firewall may drop the traffic, or the host or port is wrong (CUCM: 8443).`);
    }
    return fail('tcp', classifyNetworkError(err, net) ?? err);
  }

  // TLS
  const verify = o.tls?.verify ?? true;
  try {
    const cert = await new Promise<PeerCertificate>((resolve, reject) => {
      const s = tlsConnect({ host: address, port, ...(isIP(o.host) ? {} : { servername: o.host }), rejectUnauthorized: verify, ...(o.tls?.ca ? { ca: [...rootCertificates, o.tls.ca] } : {}) });
      s.setTimeout(timeoutMs, () => s.destroy(Object.assign(new Error('timeout'), { code: 'DIALBOOK_TIMEOUT' })));
      s.once('secureConnect', () => {
        const c = s.getPeerCertificate();
        s.destroy();
        resolve(c);
      });
      s.once('error', reject);
    });
    const until = cert.valid_to ? `, valid until ${new Date(cert.valid_to).toISOString().slice(0, 10)}` : '';
    pass('tls', verify ? `certificate "${cn(cert.subject)}" issued by "${cn(cert.issuer)}" is trusted${until}` : `TLS works, but the certificate is NOT verified (verification is off)${until}`);
  } catch (err) {
    return fail('tls', classifyNetworkError(err, net) ?? err);
  }

  const axl = new AxlClient({ ...o, timeoutMs, retry: { attempts: 1 } });
  try {
    // Authentication and version: getCCMVersion (a 599 falls back to an offered version).
    try {
      version = await axl.version();
      pass('auth', `CUCM accepted the AXL user "${o.username}"`);
    } catch (err) {
      if (!isCucmError(err) || err.code !== 'DIALBOOK_CUCM_VERSION') return fail('auth', err);
      pass('auth', `CUCM accepted the AXL user "${o.username}"`);
      return fail('version', err);
    }
    const fellBack = version.requested !== version.schemaVersion ? ` (it refused ${version.requested}; it offers ${version.offered.join(', ')})` : '';
    pass('version', `CUCM ${version.release || 'release unknown'}, AXL schema ${version.schemaVersion}${fellBack}`);

    // Permission: a listPhone of one row.
    try {
      const rows = await axl.listPhone({ name: '%' }, { first: 1 });
      pass('permission', `the AXL user may read phones (listPhone returned ${rows.length} row${rows.length === 1 ? '' : 's'})`);
    } catch (err) {
      return fail('permission', err);
    }
  } finally {
    axl.close();
  }

  if (o.risport !== false) {
    const { onEvent: _axlEvents, risportHost, ...connection } = o;
    const ris = new RisClient({ ...connection, host: risportHost ?? o.host, timeoutMs, attempts: 1, ...(o.risBudget ? { budget: o.risBudget } : {}) });
    try {
      await ris.ping();
      pass('risport', 'RisPort70 answers: registration state is available');
    } catch (err) {
      if (isCucmError(err) && err.code === 'DIALBOOK_CUCM_THROTTLED') pass('risport', `RisPort70 answers, but its rate limit is used up right now (shared by every tool on the cluster); registration state may lag`);
      else return fail('risport', err);
    } finally {
      ris.close();
    }
  }

  const summary = `Connected to ${endpoint}: CUCM ${version?.release ?? ''}, AXL schema ${version?.schemaVersion ?? ''}; the AXL user may read phones${o.risport !== false ? '; RisPort70 answers' : ''}.`;
  return { ok: true, failed: null, message: summary, steps, version };
}
