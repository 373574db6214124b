/**
 * The change-notification part of the Graph double (test/double.ts), after calls.md §1.5 and §6 and
 * microsoft-graph-docs-contrib `api-reference/v1.0/api/subscription-post-subscriptions.md`,
 * `subscription-update.md`, `subscription-delete.md`, `concepts/change-notifications-delivery-webhooks.md`
 * and `concepts/changenotifications-for-callrecords.md`:
 * - `POST /v1.0/subscriptions` first POSTs the validationToken handshake to the notificationUrl and
 *   the lifecycleNotificationUrl (an empty text/plain body, the token URL-encoded in the query, as
 *   Graph words it: "Validation: Testing client application reachability …") and refuses the create
 *   (400 ValidationError) unless each answers 200 text/plain with the decoded token within 10 s;
 *   an expirationDateTime past 4,230 minutes, another resource or changeType → 400; else 201;
 * - `PATCH /v1.0/subscriptions/{id}` renews (404 when unknown or run out: Graph forgets it), `DELETE` (204 / 404);
 * - `notify` and `lifecycle` post notifications to Dialbook in the documented shape.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

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

/** Graph's longest lifetime of a callRecord subscription. */
const MAX_SUBSCRIPTION_MINUTES = 4230;

/** POST a body to a URL and read the whole answer (the double's side of a delivery). */
async function post(url: string, body: string, contentType: string, timeoutMs = 10_000): Promise<PostAnswer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

/** The subscription endpoints and the deliveries; `handle` serves `/v1.0/subscriptions…` after the token check. */
export function subscriptionsDouble(o: { now: () => number; tenant: string; clientId: string; base: () => string }) {
  const { now, tenant, clientId } = o;
  const subscriptions = new Map<string, DoubleSubscription>();
  const handshakes: DoubleHandshake[] = [];
  const subscriptionRequests: { method: string; id: string | null; status: number }[] = [];
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    });

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
      return answer(201, { '@odata.context': `${o.base()}/v1.0/$metadata#subscriptions/$entity`, ...sub, applicationId: clientId, creatorId: randomUUID(), latestSupportedTlsVersion: 'v1_2' });
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

  return {
    subscriptions,
    handshakes,
    subscriptionRequests,
    handle: (req: IncomingMessage, res: ServerResponse, url: URL) => void subscription(req, res, url),
    /** Post a change notification (`created` by default) naming these callRecords to the subscription's notificationUrl. */
    notify(subscriptionId: string, recordIds: string[], n: { clientState?: string | null; changeType?: string; subscriptionIdInBody?: string } = {}): Promise<PostAnswer> {
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
    /** Post a lifecycle notification to the subscription's lifecycleNotificationUrl (`subscriptionRemoved` also drops it, as Graph has). */
    lifecycle(subscriptionId: string, event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed', n: { clientState?: string | null } = {}): Promise<PostAnswer> {
      const sub = subscriptions.get(subscriptionId);
      if (!sub?.lifecycleNotificationUrl) throw new Error(`the double has no subscription ${subscriptionId} with a lifecycle URL`);
      if (event === 'subscriptionRemoved') subscriptions.delete(subscriptionId);
      const value = [{ subscriptionId: sub.id, subscriptionExpirationDateTime: sub.expirationDateTime, tenantId: tenant, ...(n.clientState === null ? {} : { clientState: n.clientState ?? sub.clientState }), lifecycleEvent: event }];
      return post(sub.lifecycleNotificationUrl, JSON.stringify({ value }), 'application/json; charset=utf-8');
    },
  };
}
