/**
 * A protocol-level double of Entra ID's token endpoint and Graph's call-records API, on a real
 * port (node:http). It follows calls.md §1.1, §1.3, §1.6 and §6, themselves from Microsoft's docs
 * (https://learn.microsoft.com/graph/auth-v2-service, microsoft-graph-docs-contrib
 * `callrecords-cloudcommunications-list-callrecords.md`, `callrecords-callrecord-get.md`,
 * `concepts/throttling.md`):
 * - `POST /{tenant}/oauth2/v2.0/token` (form: client_id, client_secret, grant_type=client_credentials,
 *   scope=…/.default) → `{ token_type, expires_in, access_token }`; a wrong secret → 401
 *   `invalid_client` with AADSTS7000215, as Entra ID answers;
 * - `GET /v1.0/communications/callRecords?$filter=startDateTime ge … and startDateTime lt …` →
 *   pages of `pageSize` (60, as Graph) without sessions or participants, the next one under
 *   `@odata.nextLink` (every second page under the `@odata.NextLink` spelling);
 * - `GET /v1.0/communications/callRecords/{id}?$expand=sessions($expand=segments)` and
 *   `…?$expand=participants_v2`, each paged inside the expansion (`sessions@odata.nextLink`, whose
 *   link holds a `#` as the docs' example does, and `participants_v2@odata.nextLink`);
 * - `Authorization: Bearer <token>` checked: unknown or expired tokens → 401 InvalidAuthenticationToken;
 * - 429 (or 503) with or without `Retry-After` for the next N requests when told to throttle;
 * - 403 Forbidden with Graph's error body when consent is withdrawn;
 * - change notifications: `POST`/`PATCH`/`DELETE /v1.0/subscriptions` with the validationToken
 *   handshake, and `notify`/`lifecycle` posting to Dialbook (test/double-subscriptions.ts).
 */
import { constants, randomBytes, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DirectRoutingLogRow, GraphCallRecord, PstnCallLogRow } from '../src/graph-types.js';
import { subscriptionsDouble, type DoubleHandshake, type DoubleSubscription, type PostAnswer } from './double-subscriptions.js';

export type { DoubleHandshake, DoubleSubscription, PostAnswer } from './double-subscriptions.js';

export interface GraphDouble {
  url: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
  /** The token endpoint (for the `tokenEndpoint` option). */
  tokenEndpoint: string;
  /** Graph's base (for the `graphBaseUrl` option). */
  graphBaseUrl: string;
  records: Map<string, GraphCallRecord>;
  /** Rows of `getPstnCalls` and `getDirectRoutingCalls` (pages of `logPageSize`, 1,000 as Graph). */
  pstnRows: PstnCallLogRow[];
  directRoutingRows: DirectRoutingLogRow[];
  logPageSize: number;
  /** Refuse the two log functions with 403 (CallRecord-PstnCalls.Read.All not consented). */
  logConsentMissing: boolean;
  /** Calls of each log function: first requests, not the `$skip` pages that follow (`logPages` counts those too). */
  logCalls: Record<'getPstnCalls' | 'getDirectRoutingCalls', number>;
  logPages: Record<'getPstnCalls' | 'getDirectRoutingCalls', number>;
  /** When each log function request came, by `clock` (a test sets the plugin's clock here). */
  logRequestTimes: { fn: 'getPstnCalls' | 'getDirectRoutingCalls'; at: number }[];
  clock: () => number;
  /** Every Graph request's path and query, in order (decoded). */
  requests: string[];
  /** Every token request's form fields (the secret replaced by its length). */
  tokenRequests: Record<string, string>[];
  /** The query strings of the token requests (MSAL adds client-request-id). */
  tokenQueries: string[];
  pageSize: number;
  sessionsPageSize: number;
  /** Answer the next `n` Graph requests with `status` and this Retry-After (null: none). */
  throttle(n: number, retryAfter: string | null, status?: 429 | 503): void;
  /** Tokens issued so far stop working after `n` more Graph requests. */
  expireTokensAfter(n: number): void;
  consentMissing: boolean;
  /** After `n` more Graph requests, answer every one 503 without Retry-After (an outage); null: none. */
  outageAfter(n: number | null): void;
  /** Subscriptions by id. */
  subscriptions: Map<string, DoubleSubscription>;
  /** Every handshake made, in order. */
  handshakes: DoubleHandshake[];
  /** Every subscription request: method, id (PATCH/DELETE) and the answer's status. */
  subscriptionRequests: { method: string; id: string | null; status: number }[];
  /** Post a change notification (`created` by default) naming these callRecords to the subscription's notificationUrl. */
  notify(subscriptionId: string, recordIds: string[], o?: { clientState?: string | null; changeType?: string; subscriptionIdInBody?: string }): Promise<PostAnswer>;
  /** Post a lifecycle notification to the subscription's lifecycleNotificationUrl. */
  lifecycle(subscriptionId: string, event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed', o?: { clientState?: string | null }): Promise<PostAnswer>;
  close(): Promise<void>;
}

/**
 * A certificate credential (RFC 7523 client assertion, as Entra ID takes it): a JWT signed with the
 * certificate's private key, naming the certificate by `x5t` (SHA-1) or `x5t#S256` in its header.
 */
export interface DoubleCertificate {
  /** The thumbprint as Entra ID shows it (hex). */
  thumbprint: string;
  publicKey: KeyObject;
}

function assertionOk(jwt: string, cert: DoubleCertificate, clientId: string): boolean {
  const [h, p, sig] = jwt.split('.');
  if (!h || !p || !sig) return false;
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string; x5t?: string; 'x5t#S256'?: string };
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as { iss?: string; sub?: string; exp?: number };
  const thumb = Buffer.from(cert.thumbprint, 'hex').toString('base64url');
  if (header['x5t#S256'] !== thumb && header.x5t !== thumb) return false;
  if (payload.iss !== clientId || payload.sub !== clientId || !payload.exp || payload.exp * 1000 < Date.now()) return false;
  const data = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(sig, 'base64url');
  if (header.alg === 'PS256') return verify('sha256', data, { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
  if (header.alg === 'RS256') return verify('sha256', data, cert.publicKey, signature);
  return false;
}

export async function startGraphDouble(o: { tenant?: string; clientId?: string; clientSecret?: string; certificate?: DoubleCertificate; now?: () => number } = {}): Promise<GraphDouble> {
  const tenant = o.tenant ?? 'dc368399-474c-4d40-900c-6265431fd81f';
  const clientId = o.clientId ?? '6731de76-14a6-49ae-97bc-6eba6914391e';
  const subs = subscriptionsDouble({ now: o.now ?? Date.now, tenant, clientId, base: () => base });
  const clientSecret = o.clientSecret ?? 'Zx8Q~double-client-secret-value';
  const tokens = new Set<string>();
  let throttled = 0;
  let throttleStatus = 429;
  let retryAfter: string | null = null;
  let expireIn: number | null = null;
  let outageIn: number | null = null;
  const state = { records: new Map<string, GraphCallRecord>(), requests: [] as string[], tokenRequests: [] as Record<string, string>[], tokenQueries: [] as string[], pageSize: 60, sessionsPageSize: 60, consentMissing: false, pstnRows: [] as PstnCallLogRow[], directRoutingRows: [] as DirectRoutingLogRow[], logPageSize: 1000, logConsentMissing: false };
  let base = '';
  const logCalls = { getPstnCalls: 0, getDirectRoutingCalls: 0 };
  const logPages = { getPstnCalls: 0, getDirectRoutingCalls: 0 };
  const logRequestTimes: GraphDouble['logRequestTimes'] = [];
  const clockOf = { now: Date.now };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    });

  const token = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const form = new URLSearchParams(await readBody(req));
    const fields = Object.fromEntries(form);
    state.tokenRequests.push({ ...fields, ...(fields.client_secret ? { client_secret: `<${fields.client_secret.length} chars>` } : {}), ...(fields.client_assertion ? { client_assertion: '<jwt>' } : {}) });
    state.tokenQueries.push(url.search);
    if (url.pathname !== `/${tenant}/oauth2/v2.0/token`) return send(res, 400, { error: 'invalid_request', error_description: `AADSTS90002: Tenant '${url.pathname.split('/')[1]}' not found.`, error_codes: [90002] });
    if (form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003' });
    if (form.get('client_id') !== clientId) return send(res, 400, { error: 'unauthorized_client', error_description: `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found in the directory.`, error_codes: [700016] });
    const assertion = form.get('client_assertion');
    if (assertion !== null) {
      if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' || !o.certificate || !assertionOk(assertion, o.certificate, clientId))
        return send(res, 401, { error: 'invalid_client', error_description: 'AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.', error_codes: [700027] });
    } else if (form.get('client_secret') !== clientSecret) return send(res, 401, { error: 'invalid_client', error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`, error_codes: [7000215] });
    if (!/\/\.default$/.test(form.get('scope') ?? '')) return send(res, 400, { error: 'invalid_scope', error_description: 'AADSTS1002012' });
    const access = `eyJ0eXAiOiJKV1QifQ.${randomBytes(12).toString('base64url')}.sig`;
    tokens.add(access);
    send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: access });
  };

  const listed = (r: GraphCallRecord) => {
    const { sessions: _s, participants_v2: _p, ...rest } = r;
    return rest;
  };

  const graph = (res: ServerResponse, url: URL) => {
    const path = url.pathname.replace(/^\/v1\.0/, '');
    const list = path === '/communications/callRecords';
    if (list) {
      const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
      const filter = url.searchParams.get('$filter') ?? (skip ? (url.searchParams.get('f') ?? '') : '');
      const m = /^startDateTime ge (\S+) and startDateTime lt (\S+)$/.exec(filter);
      if (!m) return send(res, 400, { error: { code: 'BadRequest', message: 'Invalid filter clause' } });
      const [from, to] = [Date.parse(m[1]!), Date.parse(m[2]!)];
      const all = [...state.records.values()].filter((r) => Date.parse(r.startDateTime!) >= from && Date.parse(r.startDateTime!) < to);
      const page = all.slice(skip, skip + state.pageSize).map(listed);
      const body: Record<string, unknown> = { '@odata.context': `${base}/v1.0/$metadata#communications/callRecords`, value: page };
      if (skip + state.pageSize < all.length) {
        const pageNo = skip / state.pageSize;
        body[pageNo % 2 ? '@odata.NextLink' : '@odata.nextLink'] = `${base}/v1.0/communications/callRecords?$skiptoken=${skip + state.pageSize}&f=${encodeURIComponent(filter)}`;
      }
      return send(res, 200, body);
    }
    const fn = /^\/communications\/callRecords\/(getPstnCalls|getDirectRoutingCalls)\((?:fromDateTime|from)=([^,]+),(?:toDateTime|to)=([^)]+)\)$/.exec(decodeURIComponent(path));
    if (fn) {
      const called = fn[1] as 'getPstnCalls' | 'getDirectRoutingCalls';
      logPages[called]++;
      logRequestTimes.push({ fn: called, at: clockOf.now() });
      if (!url.searchParams.has('$skip')) logCalls[called]++;
      if (state.logConsentMissing) return send(res, 403, { error: { code: 'Forbidden', message: "Missing role permissions on the request. API requires one of 'CallRecord-PstnCalls.Read.All, CallRecords.Read.All'." } });
      const [from, to] = [Date.parse(fn[2]!), Date.parse(fn[3]!)];
      if (to - from > 90 * 86_400_000) return send(res, 400, { error: { code: 'BadRequest', message: 'The date range cannot be longer than 90 days' } });
      const pstn = fn[1] === 'getPstnCalls';
      // fromDateTime inclusive on both; toDateTime inclusive for PSTN, exclusive for Direct Routing (calls.md §1.4).
      const rows = (pstn ? state.pstnRows : state.directRoutingRows).filter((r) => {
        const t = Date.parse(r.startDateTime ?? '');
        return t >= from && (pstn ? t <= to : t < to);
      });
      const skip = Number(url.searchParams.get('$skip') ?? 0);
      const page = rows.slice(skip, skip + state.logPageSize);
      const body: Record<string, unknown> = { '@odata.count': page.length, value: page };
      // As the docs write it: other parameter names than the first call.
      if (skip + state.logPageSize < rows.length) body['@odata.nextLink'] = `${base}/v1.0/communications/callRecords/${fn[1]}(from=${fn[2]},to=${fn[3]})?$skip=${skip + state.logPageSize}`;
      return send(res, 200, body);
    }
    const one = /^\/communications\/callRecords\/([^/]+)(\/sessions|\/participants_v2)?$/.exec(path);
    if (one) {
      const r = state.records.get(decodeURIComponent(one[1]!));
      if (!r) return send(res, 404, { error: { code: 'NotFound', message: 'The requested resource was not found' } });
      const sessions = r.sessions ?? [];
      const participants = r.participants_v2 ?? [];
      const size = state.sessionsPageSize;
      if (one[2]) {
        const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
        const items = one[2] === '/sessions' ? sessions : participants;
        const body: Record<string, unknown> = { value: items.slice(skip, skip + size) };
        if (skip + size < items.length) body['@odata.nextLink'] = `${base}/v1.0/communications/callRecords/${r.id}${one[2]}?$skiptoken=${skip + size}`;
        return send(res, 200, body);
      }
      const expand = url.searchParams.get('$expand');
      if (expand === 'sessions($expand=segments)') {
        const body: Record<string, unknown> = { ...listed(r), sessions: sessions.slice(0, size) };
        // As in the docs' example: the link carries a "$metadata#" fragment-looking part.
        if (sessions.length > size) body['sessions@odata.nextLink'] = `${base}/v1.0/communications/callRecords/${r.id}/sessions?$skiptoken=${size}&$metadata#sessions`;
        return send(res, 200, body);
      }
      if (expand === 'participants_v2') {
        const body: Record<string, unknown> = { ...listed(r), participants_v2: participants.slice(0, size) };
        if (participants.length > size) body['participants_v2@odata.nextLink'] = `${base}/v1.0/communications/callRecords/${r.id}/participants_v2?$skiptoken=${size}`;
        return send(res, 200, body);
      }
      return send(res, 200, listed(r));
    }
    return send(res, 404, { error: { code: 'NotFound', message: 'Resource not found for the segment' } });
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://double');
    if (req.method === 'POST' && url.pathname.endsWith('/oauth2/v2.0/token')) return void token(req, res, url);
    state.requests.push(decodeURIComponent(`${url.pathname}${url.search}`));
    const auth = req.headers.authorization ?? '';
    const presented = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (expireIn !== null && expireIn-- <= 0) {
      tokens.clear();
      expireIn = null;
    }
    if (!tokens.has(presented)) return send(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.' } });
    if (outageIn !== null && outageIn-- <= 0) {
      outageIn = 0;
      return send(res, 503, { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' } });
    }
    if (throttled > 0) {
      throttled--;
      return send(res, throttleStatus, { error: { code: 'TooManyRequests', message: 'Too many requests' } }, retryAfter === null ? {} : { 'retry-after': retryAfter });
    }
    if (state.consentMissing) return send(res, 403, { error: { code: 'Forbidden', message: "Missing role permissions on the request. API requires one of 'CallRecords.Read.All'. Roles on the request ''." } });
    if (/^\/v1\.0\/subscriptions(\/|$)/.test(url.pathname)) return subs.handle(req, res, url);
    graph(res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    tenant,
    clientId,
    clientSecret,
    tokenEndpoint: `${base}/${tenant}/oauth2/v2.0/token`,
    graphBaseUrl: `${base}/v1.0`,
    records: state.records,
    get pstnRows() {
      return state.pstnRows;
    },
    set pstnRows(v) {
      state.pstnRows = v;
    },
    get directRoutingRows() {
      return state.directRoutingRows;
    },
    set directRoutingRows(v) {
      state.directRoutingRows = v;
    },
    get logPageSize() {
      return state.logPageSize;
    },
    set logPageSize(v) {
      state.logPageSize = v;
    },
    get logConsentMissing() {
      return state.logConsentMissing;
    },
    set logConsentMissing(v) {
      state.logConsentMissing = v;
    },
    logCalls,
    logPages,
    logRequestTimes,
    get clock() {
      return clockOf.now;
    },
    set clock(v) {
      clockOf.now = v;
    },
    requests: state.requests,
    tokenRequests: state.tokenRequests,
    tokenQueries: state.tokenQueries,
    get pageSize() {
      return state.pageSize;
    },
    set pageSize(v) {
      state.pageSize = v;
    },
    get sessionsPageSize() {
      return state.sessionsPageSize;
    },
    set sessionsPageSize(v) {
      state.sessionsPageSize = v;
    },
    get consentMissing() {
      return state.consentMissing;
    },
    set consentMissing(v) {
      state.consentMissing = v;
    },
    throttle(n, after, status = 429) {
      throttled = n;
      retryAfter = after;
      throttleStatus = status;
    },
    outageAfter(n) {
      outageIn = n;
    },
    expireTokensAfter(n) {
      expireIn = n;
    },
    subscriptions: subs.subscriptions,
    handshakes: subs.handshakes,
    subscriptionRequests: subs.subscriptionRequests,
    notify: subs.notify,
    lifecycle: subs.lifecycle,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
