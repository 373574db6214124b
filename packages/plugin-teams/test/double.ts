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
 * - change notifications (calls.md §1.5 and §6; contrib `api-reference/v1.0/api/subscription-post-subscriptions.md`,
 *   `subscription-update.md`, `subscription-delete.md`, `concepts/change-notifications-delivery-webhooks.md`,
 *   `concepts/changenotifications-for-callrecords.md`): `POST /v1.0/subscriptions` first POSTs the
 *   validationToken handshake to the notificationUrl and to the lifecycleNotificationUrl (empty
 *   text/plain body, the token URL-encoded in the query) and refuses the create (400
 *   ValidationError) unless each answers 200 text/plain with the decoded token within 10 s; it
 *   refuses an expirationDateTime past 4,230 minutes or a resource other than callRecords (400);
 *   answers 201 with the subscription. `PATCH /v1.0/subscriptions/{id}` renews (404 when unknown
 *   or run out), `DELETE` removes (204, 404 when unknown). `notify` and `lifecycle` post
 *   notifications shaped as the docs show them to Dialbook.
 */
import { constants, randomBytes, randomUUID, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DirectRoutingLogRow, GraphCallRecord, PstnCallLogRow } from '../src/graph-types.js';

/** A subscription as the double keeps it (Graph's fields). */
export interface DoubleSubscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expirationDateTime: string;
}

/** One validationToken handshake the double made, and what it got back. */
export interface DoubleHandshake {
  url: string;
  token: string;
  status: number | null;
  contentType: string | null;
  body: string | null;
  ok: boolean;
}

/** What Dialbook answered a notification post. */
export interface PostAnswer {
  status: number;
  contentType: string | null;
  text: string;
}

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

/** Graph's longest lifetime of a callRecord subscription. */
const MAX_SUBSCRIPTION_MINUTES = 4230;

/** POST a body to a URL and read the whole answer (the double's side of a delivery). */
async function post(url: string, body: string, contentType: string, timeoutMs = 10_000): Promise<PostAnswer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

export async function startGraphDouble(o: { tenant?: string; clientId?: string; clientSecret?: string; certificate?: DoubleCertificate; now?: () => number } = {}): Promise<GraphDouble> {
  const now = o.now ?? Date.now;
  const subscriptions = new Map<string, DoubleSubscription>();
  const handshakes: DoubleHandshake[] = [];
  const subscriptionRequests: { method: string; id: string | null; status: number }[] = [];
  const tenant = o.tenant ?? 'dc368399-474c-4d40-900c-6265431fd81f';
  const clientId = o.clientId ?? '6731de76-14a6-49ae-97bc-6eba6914391e';
  const clientSecret = o.clientSecret ?? 'Zx8Q~double-client-secret-value';
  const tokens = new Set<string>();
  let throttled = 0;
  let throttleStatus = 429;
  let retryAfter: string | null = null;
  let expireIn: number | null = null;
  let outageIn: number | null = null;
  const state = { records: new Map<string, GraphCallRecord>(), requests: [] as string[], tokenRequests: [] as Record<string, string>[], tokenQueries: [] as string[], pageSize: 60, sessionsPageSize: 60, consentMissing: false, pstnRows: [] as PstnCallLogRow[], directRoutingRows: [] as DirectRoutingLogRow[], logPageSize: 1000, logConsentMissing: false };
  let base = '';

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

  /** Graph's handshake: POST …?validationToken=<token>, expecting 200 text/plain with the token within 10 s. */
  const handshake = async (target: string): Promise<boolean> => {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const url = new URL(target);
    url.searchParams.set('validationToken', token);
    const seen: DoubleHandshake = { url: target, token, status: null, contentType: null, body: null, ok: false };
    handshakes.push(seen);
    try {
      const a = await post(url.toString(), '', 'text/plain; charset=utf-8');
      Object.assign(seen, { status: a.status, contentType: a.contentType, body: a.text });
      seen.ok = a.status === 200 && /^text\/plain\b/i.test(a.contentType ?? '') && a.text === token;
    } catch {
      seen.ok = false;
    }
    return seen.ok;
  };

  const subscription = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const id = /^\/v1\.0\/subscriptions\/([^/]+)$/.exec(url.pathname)?.[1] ?? null;
    const answer = (status: number, body?: unknown) => {
      subscriptionRequests.push({ method: req.method ?? '', id, status });
      if (status === 204) return void (res.writeHead(204), res.end());
      send(res, status, body);
    };
    const bad = (message: string) => answer(400, { error: { code: 'InvalidRequest', message } });
    const body = (await readBody(req).then((t) => (t ? JSON.parse(t) : {})).catch(() => null)) as Record<string, unknown> | null;
    if (!body) return bad('Unable to read JSON request payload.');
    const expiry = (v: unknown): string | null => {
      const at = typeof v === 'string' ? Date.parse(v) : NaN;
      if (Number.isNaN(at) || at <= now()) return null;
      return at - now() > MAX_SUBSCRIPTION_MINUTES * 60_000 ? null : new Date(at).toISOString();
    };
    if (req.method === 'POST' && !id) {
      const resource = String(body.resource ?? '');
      if (!/^\/?communications\/callRecords$/.test(resource)) return bad(`Unsupported resource '${resource}'.`);
      const changeType = String(body.changeType ?? '');
      if (!changeType || changeType.split(',').some((t) => !['created', 'updated'].includes(t))) return bad(`Invalid changeType '${changeType}'.`);
      const expirationDateTime = expiry(body.expirationDateTime);
      if (!expirationDateTime) return bad(`Subscription expiration can only be ${MAX_SUBSCRIPTION_MINUTES} minutes in the future.`);
      if (body.clientState !== undefined && (typeof body.clientState !== 'string' || body.clientState.length > 128)) return bad('clientState must be a string of at most 128 characters.');
      if (typeof body.notificationUrl !== 'string' || !/^https?:\/\//.test(body.notificationUrl)) return bad('Invalid notification URL.');
      const lifecycleUrl = typeof body.lifecycleNotificationUrl === 'string' ? body.lifecycleNotificationUrl : null;
      if (!(await handshake(body.notificationUrl)) || (lifecycleUrl && !(await handshake(lifecycleUrl))))
        return answer(400, { error: { code: 'ValidationError', message: 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.' } });
      const sub: DoubleSubscription = { id: randomUUID(), resource, changeType, notificationUrl: body.notificationUrl, lifecycleNotificationUrl: lifecycleUrl, clientState: (body.clientState as string | undefined) ?? null, expirationDateTime };
      subscriptions.set(sub.id, sub);
      return answer(201, { '@odata.context': `${base}/v1.0/$metadata#subscriptions/$entity`, ...sub, applicationId: clientId, creatorId: randomUUID(), latestSupportedTlsVersion: 'v1_2' });
    }
    const sub = id ? subscriptions.get(id) : undefined;
    // Graph forgets a subscription once it has run out: renewing it then is a 404 (a missed renewal).
    if (sub && Date.parse(sub.expirationDateTime) <= now()) subscriptions.delete(sub.id);
    if (!sub || !subscriptions.has(sub.id)) return answer(404, { error: { code: 'ResourceNotFound', message: 'The object was not found.' } });
    if (req.method === 'PATCH') {
      const expirationDateTime = expiry(body.expirationDateTime);
      if (!expirationDateTime) return bad(`Subscription expiration can only be ${MAX_SUBSCRIPTION_MINUTES} minutes in the future.`);
      sub.expirationDateTime = expirationDateTime;
      return answer(200, { ...sub, applicationId: clientId });
    }
    if (req.method === 'DELETE') {
      subscriptions.delete(sub.id);
      return answer(204);
    }
    return answer(405, { error: { code: 'MethodNotAllowed', message: 'Method not allowed.' } });
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
    if (/^\/v1\.0\/subscriptions(\/|$)/.test(url.pathname)) return void subscription(req, res, url);
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
    subscriptions,
    handshakes,
    subscriptionRequests,
    notify(subscriptionId, recordIds, n = {}) {
      const sub = subscriptions.get(subscriptionId);
      if (!sub) throw new Error(`the double has no subscription ${subscriptionId}`);
      const value = recordIds.map((id) => ({
        subscriptionId: n.subscriptionIdInBody ?? sub.id,
        subscriptionExpirationDateTime: sub.expirationDateTime,
        changeType: n.changeType ?? 'created',
        resource: `communications/callRecords/${id}`,
        resourceData: { '@odata.type': '#microsoft.graph.callrecord', '@odata.id': `communications/callRecords/${id}`, id },
        ...(n.clientState === null ? {} : { clientState: n.clientState ?? sub.clientState }),
        tenantId: tenant,
      }));
      return post(sub.notificationUrl, JSON.stringify({ value }), 'application/json; charset=utf-8');
    },
    lifecycle(subscriptionId, event, n = {}) {
      const sub = subscriptions.get(subscriptionId);
      if (!sub?.lifecycleNotificationUrl) throw new Error(`the double has no subscription ${subscriptionId} with a lifecycle URL`);
      if (event === 'subscriptionRemoved') subscriptions.delete(subscriptionId);
      const value = [{ subscriptionId: sub.id, subscriptionExpirationDateTime: sub.expirationDateTime, tenantId: tenant, ...(n.clientState === null ? {} : { clientState: n.clientState ?? sub.clientState }), lifecycleEvent: event }];
      return post(sub.lifecycleNotificationUrl, JSON.stringify({ value }), 'application/json; charset=utf-8');
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
