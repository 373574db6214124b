import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { UserCreateSchema, UserSchema, UserUpdateSchema } from './types.js';
import { requireRole } from '../base/access.js';
import type { SettingsService } from '../settings/service.js';
import type { AccountService } from './service.js';
import { createRouter } from '../http/openapi.js';
import { body, errors, IdParam, json } from '../http/common.js';

export function userRoutes(accounts: AccountService, settings: SettingsService) {
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
    async (c) => c.json({ items: await accounts.listUsers(), mail: await mailState(settings) }, 200),
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
      const { user } = await accounts.createUser(c.req.valid('json'), c.var.actor);
      c.header('Location', `/api/v1/users/${user.id}`);
      return c.json({ user }, 201);
    },
  );
  app.openapi(createRoute({ method: 'get', path: '/users/{id}', tags, summary: 'Read a user', request: { params: IdParam }, responses: { 200: json(UserSchema, 'The user'), 404: errors[404] } }), async (c) =>
    c.json(await accounts.getUser(c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({ method: 'patch', path: '/users/{id}', tags, summary: 'Update names, sites, role (administrators) or status', request: { params: IdParam, ...body(UserUpdateSchema) }, responses: { 200: json(UserSchema, 'Updated'), 403: errors[409], 404: errors[404], 409: errors[409], 422: errors[422] } }),
    async (c) => c.json(await accounts.updateUser(c.req.valid('param').id, c.req.valid('json'), c.var.actor), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/users/{id}', tags, summary: 'Delete a user (their sessions and tokens end)', request: { params: IdParam }, responses: { 204: { description: 'Gone' }, 403: errors[409], 404: errors[404], 409: errors[409] } }),
    async (c) => {
      await accounts.deleteUser(c.req.valid('param').id, c.var.actor);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({ method: 'post', path: '/users/{id}/invite', tags, summary: 'Send a fresh sign-up link (earlier ones stop working)', request: { params: IdParam }, responses: { 202: { description: 'Sent' }, 404: errors[404], 409: errors[409] } }),
    async (c) => {
      await accounts.resendInvite(c.req.valid('param').id, c.var.actor);
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
      return c.json(await accounts.issueInvitationLink(c.req.valid('param').id, c.var.actor), 201);
    },
  );

  return app;
}

/** Whether invitation mails can go out: the `email` settings name an SMTP server and a sender. */
async function mailState(settings: SettingsService): Promise<{ configured: boolean; missing: string[] }> {
  const { values } = await settings.read('email');
  const v = values as { smtp?: { host?: unknown }; from?: { address?: unknown } };
  const missing = [!v.smtp?.host && 'email.smtp.host', !v.from?.address && 'email.from.address'].filter((m): m is string => !!m);
  return { configured: missing.length === 0, missing };
}
