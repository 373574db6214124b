import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { listAuditEvents } from '../audit/service.js';
import { CredentialSchema, UserCreateSchema, UserSchema, UserUpdateSchema } from './types.js';
import { requireRole } from '../base/access.js';
import type { Dialbook } from '../app/dialbook.js';
import { createRouter } from '../http/openapi.js';
import { body, errors, IdParam, json, pageOf } from '../http/common.js';

export function userRoutes() {
  const app = createRouter();
  const tags = ['Users'];
  const Created = z.object({ user: UserSchema }).meta({ id: 'UserCreated' });

  const MailState = z
    .object({
      configured: z.boolean().meta({ description: 'Whether sign-up links can go out by mail: an SMTP server and a sender address are set (settings `email`)' }),
      missing: z.array(z.string()).meta({ description: 'What is still to set, as settings keys (`email.smtp.host`, `email.from.address`)' }),
    })
    .meta({ id: 'InvitationMail' });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/users',
      tags,
      summary: 'List users',
      description: '`mail` says whether invitations can be mailed; while they cannot, administrators copy the link instead (`POST /users/{id}/invitation-link`).',
      responses: { 200: json(z.object({ items: z.array(UserSchema), mail: MailState }), 'Users') },
    }),
    async (c) => c.json({ items: await c.var.dialbook.accounts.listUsers(), mail: await mailState(c.var.dialbook) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/users',
      tags,
      summary: 'Create a user and mail them a sign-up link (valid 12 hours)',
      description: 'Staff create `user` accounts; only administrators give other roles.',
      request: body(UserCreateSchema),
      responses: { 201: json(Created, 'Created; the link went out by mail'), 403: errors[409], 409: errors[409], 422: errors[422] },
    }),
    async (c) => {
      const { user } = await c.var.dialbook.accounts.createUser(c.req.valid('json'), c.var.actor);
      c.header('Location', `/api/v1/users/${user.id}`);
      return c.json({ user }, 201);
    },
  );
  app.openapi(createRoute({ method: 'get', path: '/users/{id}', tags, summary: 'Read a user', request: { params: IdParam }, responses: { 200: json(UserSchema, 'The user'), 404: errors[404] } }), async (c) =>
    c.json(await c.var.dialbook.accounts.getUser(c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({ method: 'patch', path: '/users/{id}', tags, summary: 'Update names, sites, role (administrators) or status', request: { params: IdParam, ...body(UserUpdateSchema) }, responses: { 200: json(UserSchema, 'Updated'), 403: errors[409], 404: errors[404], 409: errors[409], 422: errors[422] } }),
    async (c) => c.json(await c.var.dialbook.accounts.updateUser(c.req.valid('param').id, c.req.valid('json'), c.var.actor), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/users/{id}', tags, summary: 'Delete a user (their sessions and tokens end)', request: { params: IdParam }, responses: { 204: { description: 'Gone' }, 403: errors[409], 404: errors[404], 409: errors[409] } }),
    async (c) => {
      await c.var.dialbook.accounts.deleteUser(c.req.valid('param').id, c.var.actor);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({ method: 'post', path: '/users/{id}/invite', tags, summary: 'Send a fresh sign-up link (earlier ones stop working)', request: { params: IdParam }, responses: { 202: { description: 'Sent' }, 404: errors[404], 409: errors[409] } }),
    async (c) => {
      await c.var.dialbook.accounts.resendInvite(c.req.valid('param').id, c.var.actor);
      return c.body(null, 202);
    },
  );

  const InvitationLink = z
    .object({
      link: z.string().meta({ description: 'The sign-up link (`<publicUrl>/signup?token=…`): whoever opens it sets the password, so hand it over privately' }),
      expiresAt: z.iso.datetime(),
    })
    .meta({ id: 'InvitationLink' });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/invitation-link',
      tags,
      summary: 'Issue a fresh sign-up link for an invited user and return it (administrators; nothing is mailed)',
      description:
        'For passing the invitation on by hand, e.g. while mail is not set up. Links are stored only as hashes, so each call issues a new one and earlier links stop working. Audited as `user.invite-link`. Administrators only; 409 once the user has set a password.',
      request: { params: IdParam },
      responses: { 201: json(InvitationLink, 'The new link'), 403: errors[409], 404: errors[404], 409: errors[409] },
    }),
    async (c) => {
      requireRole('admin');
      return c.json(await c.var.dialbook.accounts.issueInvitationLink(c.req.valid('param').id, c.var.actor), 201);
    },
  );

  const AuditDevice = z
    .object({ vendor: z.string(), model: z.string().meta({ description: 'As the phone names itself: `SIP-T46S`, `W60B`' }), firmware: z.string().nullable(), mac: z.string().nullable().meta({ description: 'Lower case, colon-separated' }) })
    .meta({ id: 'AuditDevice', description: "The device, parsed from a phone's User-Agent" });
  const AuditDetail = z
    .looseObject({
      vendor: z.string().optional().meta({ description: '`directory.served`: the directory renderer (`yealink`)' }),
      variant: z.string().optional().meta({ description: "`directory.served`: the renderer's variant, `''` for its default" }),
      kind: z.enum(['fetch', 'search', 'lookup']).optional().meta({ description: '`directory.served`: the directory, a search (`?q=`) or a caller-ID lookup' }),
      bytes: z.number().int().optional().meta({ description: '`directory.served`: body size (0 for a 304)' }),
      userAgent: z.string().nullable().optional().meta({ description: "`directory.served`: the phone's User-Agent (first 500 characters)" }),
      device: AuditDevice.nullable().optional().meta({ description: '`directory.served`: the device parsed from the User-Agent, null when the vendor does not recognise it' }),
      via: z.string().optional().meta({ description: '`directory.served`: `core`, or `service:<instance>` for a remote vendor service' }),
    })
    .meta({
      id: 'AuditDetail',
      description:
        'What else the action recorded; an open object whose keys depend on the action. For `directory.served` the keys below (the phonebook is `targetId`, the HTTP status `status`, the client address `ip`). Others, e.g. `user.created` (`email`, `role`), `user.updated` (`fields`), `auth.signin-failed` (`locked`).',
    });
  const AuditSchema = z
    .object({
      id: z.number().int(),
      at: z.iso.datetime(),
      actor: z.string().meta({ description: '`user:<id>`, `apiKey:<id>`, `phone:<credential id>`, `system:system`, …' }),
      actorName: z.string().nullable().meta({ description: "The user's e-mail; for a phone its model and MAC" }),
      action: z.string().meta({ description: '`directory.served`, `auth.signin`, `user.created`, …, or `<METHOD> <route>` for an API write (`PATCH /contacts/:id`)' }),
      method: z.string().nullable(),
      path: z.string().nullable(),
      status: z.number().int().nullable().meta({ description: 'HTTP status of the answer (directory fetches: 200, 304, or 404 for a lookup nobody matched)' }),
      siteId: z.uuid().nullable().meta({ description: 'The site the event belongs to (directory fetches: the phonebook\'s site)' }),
      targetId: z.string().nullable().meta({ description: 'What the action was about (directory fetches: the phonebook id)' }),
      ip: z.string().nullable().meta({ description: 'Client address' }),
      detail: AuditDetail.nullable(),
    })
    .meta({ id: 'AuditEvent' });
  const actionList = /^[^,]{1,100}(,[^,]{1,100}){0,19}$/;
  const AuditQuery = z
    .object({
      action: z
        .string()
        .trim()
        .regex(actionList, 'one to 20 action names (up to 100 characters each) separated by commas')
        .optional()
        .meta({ description: 'Exact action name, or several separated by commas: `directory.served`, `user.created,user.deleted`, `PATCH /contacts/:id`' }),
      phonebookId: z.uuid().optional().meta({ description: "This phonebook's directory fetches, and API writes under `/api/v1/phonebooks/{id}`" }),
      actor: z.string().trim().min(1).max(320).optional().meta({ description: 'An actor key (`user:<id>`, `phone:<credential id>`) or an actor name (e-mail, `SIP-T46S 80:5e:c0:12:34:56`), exactly' }),
      from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Events at or after this time (ISO 8601 with `Z` or an offset)' }),
      to: z.iso.datetime({ offset: true }).optional().meta({ description: 'Events before this time (ISO 8601 with `Z` or an offset)' }),
      page: z.coerce.number().int().min(1).default(1),
      pageSize: z.coerce.number().int().min(1).max(500).default(100),
    })
    .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: '`to` must be later than `from`' });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/audit',
      tags: ['Audit'],
      summary: 'Who did what, newest first',
      description: 'API writes, sign-ins, account changes and every phone directory fetch (`directory.served`, written in batches within about a second). Filters combine; time, then id, newest first.',
      request: { query: AuditQuery },
      responses: { 200: json(pageOf(AuditSchema, 'AuditPage'), 'A page of audit events'), 422: errors[422] },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await listAuditEvents(c.var.dialbook.orm, {
        ...(q.action ? { actions: q.action.split(',').map((a) => a.trim()).filter(Boolean) } : {}),
        ...(q.phonebookId ? { phonebookId: q.phonebookId } : {}),
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        page: q.page,
        pageSize: q.pageSize,
      });
      return c.json(page, 200);
    },
  );
  return app;
}

/** Whether invitation mails can go out: the `email` settings name an SMTP server and a sender. */
async function mailState(dialbook: Dialbook): Promise<{ configured: boolean; missing: string[] }> {
  const { values } = await dialbook.settings.read('email');
  const v = values as { smtp?: { host?: unknown }; from?: { address?: unknown } };
  const missing = [!v.smtp?.host && 'email.smtp.host', !v.from?.address && 'email.from.address'].filter((m): m is string => !!m);
  return { configured: missing.length === 0, missing };
}

export function credentialRoutes() {
  const app = createRouter();
  const tags = ['Machine credentials'];
  const Issued = z
    .object({
      credential: CredentialSchema,
      secret: z.string().meta({ description: 'Shown once. Phonebooks: the basic-auth password, and the token for URLs' }),
      username: z.string().nullable().meta({ description: 'Basic-auth user name (phonebook credentials)' }),
    })
    .meta({ id: 'CredentialIssued' });
  const Name = z.object({ name: z.string().trim().min(1).max(200) });

  app.openapi(
    createRoute({ method: 'get', path: '/phonebooks/{id}/credentials', tags, summary: "A phonebook's phone credentials (never the secrets)", request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(CredentialSchema) }), 'Credentials'), 404: errors[404] } }),
    async (c) => {
      const { id } = c.req.valid('param');
      await c.var.dialbook.phonebooks.get(id); // 404 outside the caller's sites
      return c.json({ items: await c.var.dialbook.credentials.list({ kind: 'phonebook', phonebookId: id }) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/phonebooks/{id}/credentials',
      tags,
      summary: 'Create a credential desk phones use to fetch this phonebook (shown once)',
      description: 'Phones send it as HTTP basic (`username` / `secret`) or, when they cannot, as a token in the directory URL. It is good for this phonebook only.',
      request: { params: IdParam, ...body(Name.meta({ id: 'PhonebookCredentialCreate' })) },
      responses: { 201: json(Issued, 'Issued'), 404: errors[404], 422: errors[422] },
    }),
    async (c) => c.json(await c.var.dialbook.credentials.createForPhonebook(c.req.valid('param').id, c.req.valid('json').name, c.var.actor), 201),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/credentials', tags, summary: 'All machine credentials', request: { query: z.object({ kind: z.enum(['phonebook', 'service', 'engine']).optional() }) }, responses: { 200: json(z.object({ items: z.array(CredentialSchema) }), 'Credentials'), 422: errors[422] } }),
    async (c) => c.json({ items: await c.var.dialbook.credentials.list(c.req.valid('query')) }, 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/credentials/{id}', tags, summary: 'Revoke a machine credential', request: { params: IdParam }, responses: { 200: json(CredentialSchema, 'Revoked'), 404: errors[404] } }),
    async (c) => c.json(await c.var.dialbook.credentials.revoke(c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/service-keys',
      tags,
      summary: 'Create an API key for a remote vendor service (shown once)',
      request: body(Name.extend({ service: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a vendor service id such as yealink'), phonebookId: z.uuid().nullish() }).meta({ id: 'ServiceKeyCreate' })),
      responses: { 201: json(Issued, 'Issued'), 422: errors[422] },
    }),
    async (c) => {
      const b = c.req.valid('json');
      return c.json(await c.var.dialbook.credentials.createServiceKey(b.service, b.phonebookId ?? null, b.name, c.var.actor), 201);
    },
  );
  app.openapi(
    createRoute({ method: 'post', path: '/engine-tokens', tags, summary: 'Create an internal token for a telephony engine (shown once)', request: body(Name.meta({ id: 'EngineTokenCreate' })), responses: { 201: json(Issued, 'Issued'), 422: errors[422] } }),
    async (c) => c.json(await c.var.dialbook.credentials.createEngineToken(c.req.valid('json').name, c.var.actor), 201),
  );
  return app;
}
