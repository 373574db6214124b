/**
 * The public routes Microsoft Graph posts to (calls.md §1.5, §6), under
 * `/api/v1/plugins/<instance>/notifications`:
 * - `POST /notifications?validationToken=…` and `POST /notifications/lifecycle?validationToken=…`:
 *   the handshake, answered at once `200 text/plain` with the decoded token;
 * - `POST /notifications` with `{ value: [ … ] }`: each item's clientState checked against its
 *   subscription's (constant time); the accepted items' callRecords are queued for a background
 *   job and the answer is `202` at once; when every item is refused, `403`;
 * - `POST /notifications/lifecycle`: `reauthorizationRequired` renews the subscription,
 *   `subscriptionRemoved` subscribes again, `missed` runs the scheduled sync (its overlap reads
 *   what was missed) — all in the background after the `202`.
 * Bodies over {@link MAX_NOTIFICATION_BYTES} (413) or with more than {@link MAX_ITEMS} items (413) are refused.
 */
import { createRoute, createRouter, problemResponse, z, type AppEnv, type OpenAPIHono } from '@dialbook/core';
import { TeamsError } from './errors.js';
import { runScheduledSync } from './jobs.js';
import type { NotificationQueue } from './notification-queue.js';
import type { TeamsRuntime } from './runtime.js';
import type { Subscriptions } from './subscriptions.js';

export const MAX_NOTIFICATION_BYTES = 256 * 1024;
export const MAX_ITEMS = 500;
const RECORD = /^\/?communications\/callRecords\/([A-Za-z0-9-]{1,64})$/;

const Query = z.object({ validationToken: z.string().min(1).max(2048).optional().meta({ description: "Graph's handshake: the token to echo as text/plain" }) });
const Answer = z.object({ accepted: z.number(), refused: z.number() }).meta({ id: 'TeamsNotificationAnswer' });
const answers = (what: string) => ({
  200: { description: 'The handshake: the decoded validationToken as text/plain', content: { 'text/plain': { schema: z.string() } } },
  202: { description: `Accepted: ${what}`, content: { 'application/json': { schema: Answer } } },
  400: problemResponse('Not a JSON object with a `value` array (`DIALBOOK_TEAMS_NOTIFICATION_BODY`)'),
  403: problemResponse('Every item refused: unknown subscription or wrong clientState (`DIALBOOK_TEAMS_CLIENT_STATE`)'),
  413: problemResponse(`Over ${MAX_NOTIFICATION_BYTES / 1024} KiB or ${MAX_ITEMS} items (\`DIALBOOK_TEAMS_NOTIFICATION_TOO_LARGE\`)`),
  422: problemResponse('A bad validationToken'),
});

const routes = {
  notifications: createRoute({ method: 'post', path: '/', operationId: 'notifications', summary: 'Graph change notifications on call records', description: "Microsoft Graph's notificationUrl (`{ value: [{ subscriptionId, clientState, changeType, resource, … }] }`), or its validationToken handshake.", request: { query: Query }, responses: answers('the records are read in the background') }),
  lifecycle: createRoute({ method: 'post', path: '/lifecycle', operationId: 'lifecycleNotifications', summary: 'Graph lifecycle notifications', description: "Microsoft Graph's lifecycleNotificationUrl (`reauthorizationRequired`, `subscriptionRemoved`, `missed`), or its validationToken handshake.", request: { query: Query }, responses: answers('acted on in the background') }),
};

type Item = { subscriptionId?: unknown; clientState?: unknown; resource?: unknown; resourceData?: { id?: unknown } | null; lifecycleEvent?: unknown };

async function itemsOf(rt: TeamsRuntime, c: { req: { header(name: string): string | undefined; arrayBuffer(): Promise<ArrayBuffer> } }): Promise<Item[]> {
  const tooLarge = () => new TeamsError('DIALBOOK_TEAMS_NOTIFICATION_TOO_LARGE', `a notification body may hold at most ${MAX_NOTIFICATION_BYTES / 1024} KiB and ${MAX_ITEMS} items`, { plugin: rt.ctx.id });
  if (Number(c.req.header('content-length') ?? NaN) > MAX_NOTIFICATION_BYTES) throw tooLarge();
  const raw = new Uint8Array(await c.req.arrayBuffer());
  if (raw.byteLength > MAX_NOTIFICATION_BYTES) throw tooLarge();
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    body = null;
  }
  const value = body && typeof body === 'object' ? (body as { value?: unknown }).value : undefined;
  if (!Array.isArray(value)) throw new TeamsError('DIALBOOK_TEAMS_NOTIFICATION_BODY', 'expected a JSON object with a value array, as Microsoft Graph posts', { field: 'value', plugin: rt.ctx.id });
  if (value.length > MAX_ITEMS) throw tooLarge();
  return value.map((v) => (v && typeof v === 'object' ? (v as Item) : {}));
}

/** The items whose subscription is known and whose clientState matches, with their site. */
async function verified(rt: TeamsRuntime, subs: Subscriptions, items: Item[]): Promise<{ siteId: string; item: Item }[]> {
  const out: { siteId: string; item: Item }[] = [];
  // A batch names few subscriptions: each (subscription, clientState) pair is looked up once.
  const seen = new Map<string, Promise<string | null>>();
  for (const item of items) {
    const id = typeof item.subscriptionId === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(item.subscriptionId) ? item.subscriptionId : null;
    const key = JSON.stringify([id, typeof item.clientState === 'string' ? item.clientState : null]);
    if (id && !seen.has(key)) seen.set(key, subs.rows.verify(id, item.clientState));
    const siteId = id ? await seen.get(key)! : null;
    if (siteId) out.push({ siteId, item });
  }
  if (items.length && !out.length) throw new TeamsError('DIALBOOK_TEAMS_CLIENT_STATE', 'no item of the notification names a known subscription with its clientState', { field: 'clientState', plugin: rt.ctx.id });
  if (out.length < items.length) rt.ctx.logger.warn({ refused: items.length - out.length }, 'Teams: refused change notification item(s) of an unknown subscription or with a wrong clientState');
  return out;
}

const background = (rt: TeamsRuntime, what: string, work: Promise<unknown>) => void work.catch((err: unknown) => rt.ctx.logger.warn({ code: (err as { code?: string }).code }, `Teams: ${what} failed: ${err instanceof Error ? err.message : String(err)}`));

export function createNotificationRoutes(rt: TeamsRuntime, subs: Subscriptions, queue: NotificationQueue): OpenAPIHono<AppEnv> {
  const app = createRouter();
  // The token echoed as plain text only (nosniff: a browser never reads it as a page).
  const handshake = (token: string) => new Response(token, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' } });

  app.openapi(routes.notifications, async (c) => {
    const { validationToken } = c.req.valid('query');
    if (validationToken !== undefined) return handshake(validationToken) as never;
    const items = await itemsOf(rt, c);
    const ok = await verified(rt, subs, items);
    const bySite = new Map<string, string[]>();
    for (const { siteId, item } of ok) {
      const fromResource = typeof item.resource === 'string' ? RECORD.exec(item.resource)?.[1] : undefined;
      const fromData = typeof item.resourceData?.id === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(item.resourceData.id) ? item.resourceData.id : undefined;
      const id = fromResource ?? fromData;
      if (id) bySite.set(siteId, [...(bySite.get(siteId) ?? []), id]);
    }
    const now = new Date(rt.now());
    for (const siteId of new Set(ok.map((o) => o.siteId))) await subs.rows.touched(siteId, now);
    for (const [siteId, ids] of bySite) queue.add(siteId, ids);
    return c.json({ accepted: ok.length, refused: items.length - ok.length }, 202);
  });

  app.openapi(routes.lifecycle, async (c) => {
    const { validationToken } = c.req.valid('query');
    if (validationToken !== undefined) return handshake(validationToken) as never;
    const items = await itemsOf(rt, c);
    const ok = await verified(rt, subs, items);
    for (const { siteId, item } of ok) {
      const event = typeof item.lifecycleEvent === 'string' ? item.lifecycleEvent : '';
      rt.ctx.logger.info({ site: siteId, lifecycleEvent: event.slice(0, 64) }, 'Teams: lifecycle notification');
      if (event === 'reauthorizationRequired') background(rt, 'renewing the subscription', subs.renew(siteId));
      else if (event === 'subscriptionRemoved') background(rt, 'subscribing again', subs.resubscribe(siteId));
      else if (event === 'missed') background(rt, 'the sync after missed notifications', rt.site(siteId).then((s) => runScheduledSync(rt, siteId, s.slug)));
    }
    return c.json({ accepted: ok.length, refused: items.length - ok.length }, 202);
  });
  return app;
}
