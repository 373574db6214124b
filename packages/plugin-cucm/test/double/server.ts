/**
 * A CUCM test double: no CUCM can run here, so this is a protocol-level stand-in that speaks the
 * published wire format. One HTTPS server (certificate from a test CA made with openssl) serves
 * - AXL at /axl/ with `soap.listen()` from Cisco's real AXL 14.0 WSDL
 *   (test/fixtures/axl-14.0/AXLAPI.wsdl, copied from CiscoDevNet/axl-python-zeep-samples; see
 *   test/fixtures/PROVENANCE.md), answering in Cisco's response style (soapenv/ns prefixes,
 *   uuid attributes, `<return/>` for empty lists, the namespace of the version asked for);
 * - RisPort70 at /realtimeservice2/services/RISService70 from ./risport70.wsdl (written after
 *   Cisco's RisPort70 API reference).
 * In front of both sits the HTTP behaviour of CUCM's Tomcat: Basic auth, the JSESSIONIDSSO
 * session (404 once idle), 599 for schema versions the "cluster" does not offer, and the
 * faults tests inject (`fail(…)`). Everything is counted (`counts`).
 *
 * @example
 * const cucm = await startCucmDouble();
 * cucm.data.seed({ users: 20 });
 * cucm.fail('listPhone', 'memory', { times: 2 });
 * const axl = new AxlClient({ ...cucm.connection, retry: { baseMs: 1 } });
 * …
 * expect(cucm.counts.axl.listPhone).toBe(3);
 * await cucm.close();
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { listen, type IServices } from 'soap';
import { axlService, type GateInfo } from './axl-service.js';
import { testCertificates } from './certs.js';
import { CucmData } from './cucm-data.js';
import { FaultPlan, HTTP_FAULTS, html401, html403, html404, html503, html599, type FaultKind } from './faults.js';
import { risService, type RisCounters } from './risport-service.js';
import { ciscoStyle } from './style.js';

export const AXL_WSDL = fileURLToPath(new URL('../fixtures/axl-14.0/AXLAPI.wsdl', import.meta.url));
export const RIS_WSDL = fileURLToPath(new URL('./risport70.wsdl', import.meta.url));
const AXL_PATH = '/axl/';
const RIS_PATH = '/realtimeservice2/services/RISService70';

export interface CucmDoubleOptions {
  username?: string;
  password?: string;
  /** Schema versions the "cluster" offers (others get HTTP 599). */
  versions?: string[];
  /** getCCMVersion's answer. */
  release?: string;
  /** RisPort requests allowed per minute (CUCM's default 15). */
  risPerMinute?: number;
  /** Answers of this many rows or more fail with "Query request too large" (default: no limit). */
  rowLimit?: number;
  /** Session idle timeout (CUCM: 30 minutes). */
  sessionIdleMs?: number;
  /** Time source for the RisPort window and session idling (tests pass a fake clock). */
  now?: () => number;
}

export interface CucmCounts {
  /** AXL requests per operation (faulted ones included). */
  axl: Record<string, number>;
  risport: RisCounters;
  /** Requests that authenticated with Basic / with the session cookie; refused ones; idle sessions. */
  auth: { basic: number; session: number; refused: number; expired: number };
  /** The most AXL requests in progress at once. */
  axlMaxInFlight: number;
}

export interface CucmDouble {
  host: string;
  port: number;
  /** PEM of the CA that issued the double's certificate. */
  ca: string;
  /** Ready-made client options: host, port, username, password, tls.ca. */
  connection: { host: string; port: number; username: string; password: string; tls: { ca: string } };
  data: CucmData;
  counts: CucmCounts;
  /** The next `times` (default 1) requests of `operation` (or `*`) fail with `kind`. */
  fail(operation: string, kind: FaultKind, options?: { times?: number; rows?: number }): void;
  /** Change what the double accepts while it runs. */
  configure(options: Pick<CucmDoubleOptions, 'versions' | 'release' | 'risPerMinute' | 'rowLimit'>): void;
  /** Forget every session (as if all had been idle for 30 minutes). */
  expireSessions(): void;
  /** The body of the last request of `operation` as it came over the wire (SOAPAction version, namespace). */
  lastRequest(operation: string): { soapAction: string; body: string } | undefined;
  /** Clear injected faults and counters. */
  reset(): void;
  close(): Promise<void>;
}

const newCounts = (): CucmCounts => ({ axl: {}, risport: { requests: 0, accepted: 0, rateLimited: 0, maxInWindow: 0, devicesAsked: 0 }, auth: { basic: 0, session: 0, refused: 0, expired: 0 }, axlMaxInFlight: 0 });

export async function startCucmDouble(options: CucmDoubleOptions = {}): Promise<CucmDouble> {
  const certs = await testCertificates();
  const username = options.username ?? 'dialbook-axl';
  const password = options.password ?? 'axl-secret';
  const now = options.now ?? Date.now;
  const settings = { versions: options.versions ?? ['11.0', '11.5', '12.0', '12.5', '14.0'], release: options.release ?? '14.0.1.13900(155)', risPerMinute: options.risPerMinute ?? 15, rowLimit: options.rowLimit ?? Number.POSITIVE_INFINITY };
  const idleMs = options.sessionIdleMs ?? 30 * 60_000;
  const data = new CucmData();
  const faults = new FaultPlan();
  let counts = newCounts();
  const sessions = new Map<string, number>();
  const hangs = new Set<() => void>();
  const last = new Map<string, { soapAction: string; body: string }>();
  let inFlight = 0;
  const sockets = new Set<Socket>();
  const hang = () => new Promise<never>((resolve) => void hangs.add(resolve as () => void));

  const server = https.createServer({ key: certs.key, cert: certs.cert });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const page = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'Content-Type': 'text/html;charset=utf-8' });
    res.end(body);
  };

  /** Basic credentials or a live session; writes the refusal and returns false otherwise. */
  const authenticate = (req: IncomingMessage, res: ServerResponse): boolean => {
    const auth = req.headers.authorization;
    if (auth) {
      const [user, ...rest] = Buffer.from(auth.replace(/^Basic\s+/i, ''), 'base64').toString('utf8').split(':');
      if (!/^Basic\s/i.test(auth) || user !== username || rest.join(':') !== password) {
        counts.auth.refused++;
        page(res, 401, html401());
        return false;
      }
      counts.auth.basic++;
      const sso = randomBytes(16).toString('hex').toUpperCase();
      sessions.set(sso, now());
      res.setHeader('Set-Cookie', [`JSESSIONIDSSO=${sso}; Path=/; Secure; HttpOnly`, `JSESSIONID=${randomBytes(16).toString('hex').toUpperCase()}; Path=/; Secure; HttpOnly`]);
      return true;
    }
    const sso = /(?:^|;\s*)JSESSIONIDSSO=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const seen = sso ? sessions.get(sso) : undefined;
    if (sso && seen !== undefined && now() - seen < idleMs) {
      sessions.set(sso, now());
      counts.auth.session++;
      return true;
    }
    if (sso && seen !== undefined) {
      sessions.delete(sso);
      counts.auth.expired++;
      page(res, 404, html404());
      return false;
    }
    counts.auth.refused++;
    page(res, 401, html401());
    return false;
  };

  /** Answers HTML faults itself, or lets node-soap answer (body rewritten to Cisco's style). */
  const gate = (service: 'axl' | 'ris') => (req: IncomingMessage & { double?: GateInfo }, res: ServerResponse): boolean => {
    const path = new URL(req.url ?? '/', 'https://x').pathname.replace(/\/?$/, '/');
    if (path !== (service === 'axl' ? AXL_PATH : `${RIS_PATH}/`) || req.method !== 'POST') return true;
    const action = String(req.headers.soapaction ?? '').replace(/^"|"$/g, '');
    let operation: string;
    let version = '14.0';
    if (service === 'axl') {
      const m = /^CUCM:DB ver=(\d+\.\d) (\w+)$/.exec(action);
      if (!m) {
        page(res, 500, '<html><body>Missing or malformed SOAPAction (expected "CUCM:DB ver=&lt;version&gt; &lt;operation&gt;")</body></html>');
        return false;
      }
      version = m[1]!;
      operation = m[2]!;
      counts.axl[operation] = (counts.axl[operation] ?? 0) + 1;
      inFlight++;
      counts.axlMaxInFlight = Math.max(counts.axlMaxInFlight, inFlight);
      res.once('close', () => inFlight--);
    } else {
      // Cisco's documents also show the long form http://schemas.cisco.com/ast/soap/action/#RisPort70#SelectCmDevice.
      operation = /selectCmDeviceExt$/i.test(action) ? 'selectCmDeviceExt' : 'selectCmDevice';
      req.headers.soapaction = `"${operation}"`;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => last.set(operation, { soapAction: action, body: Buffer.concat(chunks).toString('utf8') }));
    if (!authenticate(req, res)) return false;
    const fault = faults.take(operation);
    if (fault && HTTP_FAULTS.has(fault.kind)) {
      if (fault.kind === 'unauthorized') page(res, 401, html401());
      else if (fault.kind === 'forbidden') page(res, 403, html403());
      else if (fault.kind === 'busy') page(res, 503, html503());
      else page(res, 599, html599(settings.versions));
      return false;
    }
    if (service === 'axl') {
      if (!settings.versions.includes(version)) {
        page(res, 599, html599(settings.versions));
        return false;
      }
      // Answer every offered version from the 14.0 description (same shapes for these operations).
      req.headers.soapaction = `"CUCM:DB ver=14.0 ${operation}"`;
    }
    req.double = { fault };
    const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
    res.end = ((chunk?: unknown) => end(typeof chunk === 'string' ? ciscoStyle(chunk, service === 'axl' ? version : null) : chunk)) as typeof res.end;
    return true;
  };

  const services = (s: Record<string, unknown>) => s as unknown as IServices;
  const listenOn = (path: string, xml: string, uri: string, svc: IServices, service: 'axl' | 'ris') =>
    new Promise<void>((ok, ko) => {
      const soapServer = listen(server, { path, xml, uri, services: svc, enableChunkedEncoding: false, callback: (err: unknown) => (err ? ko(err) : ok()) });
      const g = gate(service);
      soapServer.authorizeConnection = (req, res) => g(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    });

  const risCounters = () => counts.risport;
  await listenOn(AXL_PATH, readFileSync(AXL_WSDL, 'utf8'), AXL_WSDL, services(axlService({ data, release: () => settings.release, rowLimit: () => settings.rowLimit, hang })), 'axl');
  await listenOn(
    RIS_PATH,
    readFileSync(RIS_WSDL, 'utf8'),
    RIS_WSDL,
    services(risService({ data, perMinute: () => settings.risPerMinute, windowMs: 60_000, now, hang, get counters() { return risCounters(); } })),
    'ris',
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    ca: certs.ca,
    connection: { host: '127.0.0.1', port, username, password, tls: { ca: certs.ca } },
    data,
    get counts() {
      return counts;
    },
    fail: (operation, kind, o) => faults.inject(operation, kind, o),
    configure: (o) => Object.assign(settings, Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))),
    lastRequest: (operation) => last.get(operation),
    expireSessions: () => {
      for (const k of sessions.keys()) sessions.set(k, Number.NEGATIVE_INFINITY);
    },
    reset: () => {
      faults.clear();
      counts = newCounts();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      for (const h of hangs) h();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
