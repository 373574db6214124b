/**
 * The HTTP client node-soap sends through (its `httpClient` option), on `node:https`:
 * - TLS verified against the system CAs plus an optional CA PEM (CUCM's tomcat certificate is
 *   usually self-signed); verification can be turned off for this agent only, never globally;
 * - one keep-alive agent per transport, so requests reuse connections (Cisco asks for it);
 * - HTTP Basic on the first request, then the `JSESSIONIDSSO` session cookie CUCM sets, without
 *   the Authorization header (AXL Developer Guide: reuse the session to spare CUCM a login per
 *   request). `dropSession()` forgets it after CUCM answers 401/404 to an idle session;
 * - a hard timeout per request (connect, TLS and the whole answer).
 * Network failures reach node-soap (and so the caller) as Node errors with their `code`
 * (ENOTFOUND, ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, …); a timeout has code `DIALBOOK_TIMEOUT`.
 */
import https from 'node:https';
import tls from 'node:tls';
import type { IncomingHttpHeaders } from 'node:http';
import type { IHttpClient } from 'soap';

export interface TlsOptions {
  /** Check the server certificate (default true). Off only for testing. */
  verify?: boolean;
  /** PEM of the CA(s) — or CUCM's own self-signed tomcat certificate — to trust besides the system's. */
  ca?: string;
}

export interface TransportOptions {
  username: string;
  password: string;
  tls?: TlsOptions;
  /** Per request, from sending to the last byte of the answer (default 30 s). */
  timeoutMs?: number;
  /** Parallel connections to the node (default 4). */
  maxSockets?: number;
}

/** What node-soap reads of a response (a subset of axios's response). */
export interface TransportResponse {
  status: number;
  headers: IncomingHttpHeaders;
  data: string;
  config: { headers: Record<string, string> };
  /** This request carried the session cookie instead of Basic credentials. */
  usedSession: boolean;
}

export const TIMEOUT_CODE = 'DIALBOOK_TIMEOUT';

type Callback = (error: unknown, res?: TransportResponse, body?: string) => void;

export class Transport implements IHttpClient {
  readonly timeoutMs: number;
  private readonly agent: https.Agent;
  private readonly authorization: string;
  /** Session cookies by name (JSESSIONIDSSO, JSESSIONID). */
  private cookies = new Map<string, string>();

  constructor(options: TransportOptions) {
    const verify = options.tls?.verify ?? true;
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: options.maxSockets ?? 4,
      rejectUnauthorized: verify,
      // A `ca` replaces Node's root store, so keep the public roots beside the admin's PEM.
      ...(options.tls?.ca ? { ca: [...tls.rootCertificates, options.tls.ca] } : {}),
    });
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.authorization = 'Basic ' + Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64');
  }

  /** Is a session cookie held (the next request goes without Basic credentials)? */
  get hasSession(): boolean {
    return this.cookies.has('JSESSIONIDSSO');
  }

  /** Forget the session: the next request authenticates with Basic again. */
  dropSession(): void {
    this.cookies.clear();
  }

  /** Close the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  /** node-soap's entry point: POST `data` to `rurl`, answer through `callback`. */
  request(rurl: string, data: unknown, callback: Callback, exheaders?: Record<string, unknown>): never {
    void this.post(rurl, typeof data === 'string' ? data : String(data ?? ''), exheaders ?? {}).then(
      (res) => callback(null, res, res.data),
      (err: unknown) => callback(err),
    );
    // node-soap ignores the return value of request() for non-streaming calls.
    return undefined as never;
  }

  /** POST an XML body; resolves with any HTTP status, rejects on network failure or timeout. */
  post(rurl: string, body: string, extraHeaders: Record<string, unknown> = {}): Promise<TransportResponse> {
    const url = new URL(rurl);
    const usedSession = this.hasSession;
    const headers: Record<string, string> = {
      'Content-Type': 'text/xml; charset=utf-8',
      Accept: 'text/xml',
      'Content-Length': String(Buffer.byteLength(body, 'utf8')),
    };
    for (const [k, v] of Object.entries(extraHeaders)) if (v !== undefined && v !== null) headers[k] = String(v);
    if (usedSession) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    else headers.Authorization = this.authorization;

    return new Promise<TransportResponse>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const req = https.request(
        { protocol: url.protocol, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || 443, path: url.pathname + url.search, method: 'POST', headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => finish(() => reject(err)));
          res.on('end', () =>
            finish(() => {
              this.remember(res.headers['set-cookie']);
              const data = Buffer.concat(chunks).toString('utf8');
              resolve({ status: res.statusCode ?? 0, headers: res.headers, data, config: { headers }, usedSession });
            }),
          );
        },
      );
      const timer = setTimeout(() => {
        const err = Object.assign(new Error(`no answer from ${url.host} within ${this.timeoutMs} ms`), { code: TIMEOUT_CODE });
        finish(() => reject(err));
        req.destroy(err);
      }, this.timeoutMs);
      req.on('error', (err) => finish(() => reject(err)));
      req.end(body);
    });
  }

  private remember(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const m = /^\s*(JSESSIONID(?:SSO)?)=([^;]*)/i.exec(line);
      if (m) this.cookies.set(m[1]!.toUpperCase(), m[2]!);
    }
  }
}
