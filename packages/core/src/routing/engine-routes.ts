import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { CredentialService } from '../credentials/service.js';
import { body, errors, json, problemResponse } from '../http/common.js';
import { createRouter } from '../http/openapi.js';
import { engineTokenOnly } from './engine-auth.js';
import type { RoutingEngine } from './engine.js';

const tags = ['Routing engine'];
const security = [{ bearer: [] }];
const unauthorized = problemResponse('No engine token (user sessions and API tokens are refused)');
const CallId = z.string().regex(/^[A-Za-z0-9._:@-]{1,200}$/, 'Enter the engine\'s call id: 1 to 200 letters, digits or . _ : @ -');
const CallParam = z.object({ callId: CallId.meta({ param: { name: 'callId', in: 'path' } }) });

const TargetSchema = z.object({ linkId: z.uuid(), clientId: z.uuid(), ringTimeout: z.number().int().meta({ description: 'Seconds to ring' }) });
const SkippedSchema = z.object({ linkId: z.uuid(), reason: z.string().meta({ description: '`closed`, `concurrency`, `cap_day`, `client_cap_hour`, `duplicate_other_client`, `attempts_exhausted`, …' }) });
const DecisionSchema = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('route'), campaignId: z.uuid(), targets: z.array(TargetSchema), skipped: z.array(SkippedSchema) }),
    z.object({ action: z.literal('reject'), campaignId: z.uuid().nullable(), reason: z.enum(['no_campaign', 'anonymous_blocked', 'duplicate_blocked', 'no_links', 'closed', 'all_capped', 'filtered']), skipped: z.array(SkippedSchema) }),
  ])
  .meta({ id: 'RoutingDecision' });
const DecideSchema = z
  .object({
    did: z.string().trim().min(1).max(64).meta({ description: 'The number dialled' }),
    caller: z.string().trim().max(64).nullable().meta({ description: 'The caller id; null, empty or `anonymous` when withheld' }),
    callId: CallId.meta({ description: 'The engine\'s id of the call; the lifecycle reports use it' }),
  })
  .meta({ id: 'RoutingDecide' });
const SlotSchema = z.object({ callId: z.string(), linkId: z.uuid(), clientId: z.uuid(), leaseExpiresAt: z.iso.datetime() }).meta({ id: 'RoutingSlot' });
const Lease = z.object({ leaseExpiresAt: z.iso.datetime().nullable() });

/** The engine API: decisions and the call lifecycle, for engine tokens only (`engine-auth.ts`). */
export function engineRoutes(engine: RoutingEngine, credentials: CredentialService) {
  const app = createRouter();
  const guard = engineTokenOnly(credentials);
  app.use('/routing/decide', guard);
  app.use('/routing/calls/*', guard);

  app.openapi(
    createRoute({
      method: 'post', path: '/routing/decide', tags, security, summary: 'Route a ringing call (telephony engines)',
      description: 'The ordered targets to ring, each with its ring timeout, or `reject` with a reason; `skipped` says why each other link is not there. An unknown DID is `reject` / `no_campaign`. Engine token only.',
      request: body(DecideSchema), responses: { 200: json(DecisionSchema, 'The decision'), 401: unauthorized, 422: errors[422] },
    }),
    async (c) => c.json(await engine.decide(c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({
      method: 'post', path: '/routing/calls/{callId}/attempt', tags, security, summary: 'Reserve a slot on a client before ringing it',
      description: 'Takes a concurrency slot atomically and counts the call as routed (once per call and client). A link at a cap, closed or disabled is 409 `DIALBOOK_ROUTING_CAPPED` with `details.reason`: ring the next target. The slot is held for the lease; `answered` and `renew` extend it.',
      request: { params: CallParam, ...body(z.object({ clientId: z.uuid() }).meta({ id: 'RoutingAttempt' })) },
      responses: { 200: json(SlotSchema, 'The slot'), 401: unauthorized, 404: errors[404], 409: errors[409], 422: errors[422] },
    }),
    async (c) => c.json(await engine.attempt(c.req.valid('param').callId, c.req.valid('json').clientId), 200),
  );
  app.openapi(
    createRoute({
      method: 'post', path: '/routing/calls/{callId}/answered', tags, security, summary: 'The client answered',
      description: 'Renews the slot\'s lease and counts the call as connected (once).',
      request: { params: CallParam }, responses: { 200: json(Lease, 'Renewed (null: the lease had run out)'), 401: unauthorized, 404: errors[404], 409: errors[409] },
    }),
    async (c) => c.json(await engine.answered(c.req.valid('param').callId), 200),
  );
  app.openapi(
    createRoute({
      method: 'post', path: '/routing/calls/{callId}/renew', tags, security, summary: 'Keep the slot of a call that is still up',
      description: 'Call it well within the lease (every minute, say). A slot whose lease ran out is 409 `DIALBOOK_ROUTING_LEASE_LOST`.',
      request: { params: CallParam }, responses: { 200: json(z.object({ leaseExpiresAt: z.iso.datetime() }), 'Renewed'), 401: unauthorized, 404: errors[404], 409: errors[409] },
    }),
    async (c) => c.json(await engine.renew(c.req.valid('param').callId), 200),
  );
  app.openapi(
    createRoute({
      method: 'post', path: '/routing/calls/{callId}/ended', tags, security, summary: 'The call ended',
      description: 'Gives the slot back. With `talkSeconds` from the link\'s minimum the call counts as converted (once, however often this is sent).',
      request: { params: CallParam, ...body(z.object({ status: z.enum(['completed', 'no_answer', 'busy', 'failed', 'canceled']), talkSeconds: z.number().int().min(0).max(604_800).default(0) }).meta({ id: 'RoutingEnded' })) },
      responses: { 200: json(z.object({ converted: z.boolean() }), 'Recorded'), 401: unauthorized, 404: errors[404], 409: errors[409], 422: errors[422] },
    }),
    async (c) => {
      const { status, talkSeconds } = c.req.valid('json');
      return c.json(await engine.ended(c.req.valid('param').callId, status, talkSeconds), 200);
    },
  );
  return app;
}
