/**
 * `POST /api/v1/plugins/<instance>/webhook/<site token>` (public): Placetel's Notify API and
 * subscription webhooks. In this order, each step refusing with problem+json before anything is
 * written: the site by its token (404) → the body's size (413 over 64 KiB) and type (415) → the
 * signature over the raw bytes (403; without a secret 403 unless unsigned delivery is allowed) →
 * the event (400 unreadable, 422 unknown event or bad field) → the replay guard (the same body
 * within 24 h: 200, nothing changed) → one upsert of the call by `call_id`.
 * With call control on, `IncomingCall` is answered with the routing XML (a replay too: Placetel
 * retries a routing request it got no answer to).
 */
import { createHash } from 'node:crypto';
import { createRoute, createRouter, problemResponse, z, type AppEnv, type OpenAPIHono } from '@dialbook/core';
import { decisionXml, ruleDecision, type RouteDecision } from './call-control.js';
import { PlacetelError } from './errors.js';
import { bodyKind, readFields, toEvent, type PlacetelEvent } from './event.js';
import { webhookRecord } from './mapping.js';
import { directionOf } from './parties.js';
import { routeDecision } from './route-decision.js';
import type { PlacetelRuntime } from './runtime.js';
import type { PlacetelSettings } from './settings.js';
import { SIGNATURE_HEADER, verify } from './signature.js';

/** The largest webhook body accepted. */
export const MAX_WEBHOOK_BYTES = 64 * 1024;

const Answer = z
  .object({
    ok: z.boolean(),
    event: z.string(),
    callId: z.string(),
    replay: z.boolean().meta({ description: 'The same body was accepted before (within the replay window): nothing changed' }),
    created: z.boolean(),
    changed: z.boolean(),
    status: z.string().nullable().meta({ description: "The call's status after the event" }),
  })
  .meta({ id: 'PlacetelWebhookAnswer' });

const route = createRoute({
  method: 'post',
  path: '/{token}',
  operationId: 'webhook',
  summary: 'Placetel webhook (one URL per site)',
  description:
    'Placetel posts call events here: the Notify API as `application/x-www-form-urlencoded`, subscriptions as `application/json`, with the same fields (`event`, `call_id`, `from`, `to`, `direction`, `peer`, `type`, `duration`). `X-PLACETEL-SIGNATURE` is the hex HMAC-SHA256 of the raw body with the site\'s secret. With call control on, `IncomingCall` is answered with `application/xml` (`<Response><Forward>…` or `<Reject/>`).',
  request: { params: z.object({ token: z.string().min(1).max(128).meta({ description: "The site's webhook token (from the plugin's Webhooks page)" }) }) },
  responses: {
    200: { description: 'Recorded (JSON), or the call control answer (XML)', content: { 'application/json': { schema: Answer }, 'application/xml': { schema: z.string() } } },
    400: problemResponse('The body could not be read (`DIALBOOK_PLACETEL_BODY`)'),
    403: problemResponse('Missing or wrong signature (`DIALBOOK_PLACETEL_SIGNATURE`), or no secret set and unsigned delivery not allowed (`DIALBOOK_PLACETEL_UNSIGNED`)'),
    404: problemResponse('No site has this token (`DIALBOOK_PLACETEL_SITE_UNKNOWN`)'),
    413: problemResponse('The body is over 64 KiB (`DIALBOOK_PLACETEL_TOO_LARGE`)'),
    415: problemResponse('Neither form-urlencoded nor JSON (`DIALBOOK_PLACETEL_MEDIA_TYPE`)'),
    422: problemResponse('Unknown event (`DIALBOOK_PLACETEL_EVENT`) or a bad field (`DIALBOOK_PLACETEL_FIELD`), named in `field`'),
  },
});

const tooLarge = () => new PlacetelError('DIALBOOK_PLACETEL_TOO_LARGE', `the body is larger than ${MAX_WEBHOOK_BYTES / 1024} KiB; Placetel's events are far smaller`);

/**
 * The body, at most MAX_WEBHOOK_BYTES: refused from Content-Length before reading, else after
 * (core's body limit stops a chunked body at 1 MiB while it is read; Hono keeps the bytes read,
 * so a JSON body other middleware looked at is still the raw bytes).
 */
async function rawBody(c: { req: { header(name: string): string | undefined; arrayBuffer(): Promise<ArrayBuffer> } }): Promise<Uint8Array> {
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (declared > MAX_WEBHOOK_BYTES) throw tooLarge();
  const body = new Uint8Array(await c.req.arrayBuffer());
  if (body.byteLength > MAX_WEBHOOK_BYTES) throw tooLarge();
  return body;
}

function checkSignature(rt: PlacetelRuntime, settings: PlacetelSettings, body: Uint8Array, header: string | undefined, slug: string): void {
  if (settings.secret) {
    if (!verify(settings.secret, body, header)) {
      throw new PlacetelError('DIALBOOK_PLACETEL_SIGNATURE', header ? 'X-PLACETEL-SIGNATURE does not match the body: is the secret in Placetel the same as in Dialbook?' : 'the request has no X-PLACETEL-SIGNATURE header; set the shared secret in Placetel\'s Notify API settings', { field: 'X-PLACETEL-SIGNATURE', plugin: rt.ctx.id });
    }
    return;
  }
  if (!settings.allowUnsigned) {
    throw new PlacetelError('DIALBOOK_PLACETEL_UNSIGNED', `no shared secret is set for site "${slug}": set the setting secret (and the same secret in Placetel), or allow unsigned delivery (allowUnsigned) for testing`, { field: 'secret', plugin: rt.ctx.id });
  }
}

export function createWebhook(rt: PlacetelRuntime): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(route, async (c) => {
    const siteId = await rt.tokens.siteOf(c.req.valid('param').token);
    if (!siteId) throw new PlacetelError('DIALBOOK_PLACETEL_SITE_UNKNOWN', 'no site has this webhook URL; copy it again from the Placetel page of the admin app', { plugin: rt.ctx.id });
    const body = await rawBody(c);
    const kind = bodyKind(c.req.header('content-type'));
    if (!kind) throw new PlacetelError('DIALBOOK_PLACETEL_MEDIA_TYPE', 'send application/x-www-form-urlencoded (Notify API) or application/json (subscriptions)', { field: 'content-type', plugin: rt.ctx.id });
    const { site, settings, parties } = await rt.sites.get(siteId);
    checkSignature(rt, settings, body, c.req.header(SIGNATURE_HEADER), site.slug);
    const event = toEvent(readFields(kind, body));

    const hash = createHash('sha256').update(siteId).update('\n').update(body).digest('hex');
    const fresh = await rt.replay.claim(hash);
    let answer: z.infer<typeof Answer> = { ok: true, event: event.event, callId: event.callId, replay: !fresh, created: false, changed: false, status: null };
    if (fresh) {
      try {
        const r = await rt.ctx.calls.upsert(siteId, rt.source, webhookRecord(event, new Date(rt.now()), parties));
        answer = { ...answer, created: r.created, changed: r.changed, status: r.call.status };
      } catch (err) {
        await rt.replay.release(hash).catch(() => undefined);
        throw err;
      }
    }

    if (event.event === 'IncomingCall' && settings.callControl.enabled) {
      const decision = await decide(rt, siteId, settings, event, parties);
      if (decision) return c.body(decisionXml(decision), 200, { 'content-type': 'application/xml; charset=utf-8' }) as never;
    }
    return c.json(answer, 200);
  });
  return app;
}

async function decide(rt: PlacetelRuntime, siteId: string, settings: PlacetelSettings, event: PlacetelEvent, parties: Parameters<typeof directionOf>[3]): Promise<RouteDecision> {
  return routeDecision(rt.ctx.hooks, { actor: rt.ctx.actor }, {
    siteId,
    source: rt.source,
    call: { externalId: event.callId, direction: directionOf(event.direction, event.from, event.to, parties, 'in'), from: event.from, to: event.to },
    decision: ruleDecision(settings.callControl),
  });
}
