import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { SESSION_DAYS, type SignedIn } from './service.js';
import { ApiTokenSchema, UserSchema } from './types.js';
import { DialbookError } from '../base/errors.js';
import { clientIp, isHttps } from '../http/request.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/openapi.js';
import { body, errors, IdParam, json, problemResponse } from '../http/common.js';
import type { AccountService } from './service.js';

const SessionSchema = z.object({ user: UserSchema, csrfToken: z.string().meta({ description: 'Send as `X-CSRF-Token` with every cookie-authenticated write' }) }).meta({ id: 'Session' });
const Credentials = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(200) }).meta({ id: 'SignIn' });
const LinkCompletion = z.object({ token: z.string().min(10).max(200), password: z.string().max(200) });

function startSession(c: Context<AppEnv>, signed: SignedIn, trust: boolean) {
  setCookie(c, SESSION_COOKIE, signed.sessionToken, { httpOnly: true, sameSite: 'Strict', secure: isHttps(c, trust), path: '/', maxAge: SESSION_DAYS * 86_400 });
  return c.json({ user: signed.user, csrfToken: signed.csrfToken }, 200);
}

const clientOf = (c: Context<AppEnv>, trust: boolean) => ({ ip: clientIp(c, trust), userAgent: c.req.header('user-agent') ?? null });

/** The session cookie's name. */
export const SESSION_COOKIE = 'dialbook_session';

export function authRoutes(accounts: AccountService, options: { trustProxy: boolean }) {
  const app = createRouter();
  const client = (c: Context<AppEnv>) => clientOf(c, options.trustProxy);
  const session = (c: Context<AppEnv>, signed: SignedIn) => startSession(c, signed, options.trustProxy);
  const tags = ['Authentication'];

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/signin',
      tags,
      summary: 'Sign in with e-mail and password; sets the session cookie',
      description: 'Wrong credentials, unknown addresses, and accounts locked after repeated failures all get the same 401, after a delay that grows with the failures.',
      request: body(Credentials),
      responses: { 200: json(SessionSchema, 'Signed in'), 401: problemResponse('Wrong e-mail or password, or locked'), 422: errors[422] },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json');
      return session(c, await accounts.signIn(email, password, client(c)));
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/auth/signout', tags, summary: 'End this session', responses: { 204: { description: 'Signed out' } } }),
    async (c) => {
      const token = c.req.header('cookie')?.match(new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`))?.[1];
      if (token) await accounts.signOut(decodeURIComponent(token));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/auth/session', tags, summary: 'Who is signed in, and the CSRF token for writes', responses: { 200: json(SessionSchema, 'The session'), 401: problemResponse('Not signed in') } }),
    async (c) => c.json({ user: await accounts.getUser(c.var.auth.userId), csrfToken: c.var.auth.csrfToken ?? '' }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/signup',
      tags,
      summary: 'Complete a sign-up link: set the password and sign in',
      description: 'The link from the registration mail is valid for 12 hours and works once.',
      request: body(LinkCompletion.meta({ id: 'SignUpCompletion' })),
      responses: { 200: json(SessionSchema, 'Password set, signed in'), 410: problemResponse('Link invalid, used or expired'), 422: errors[422] },
    }),
    async (c) => {
      const { token, password } = c.req.valid('json');
      return session(c, await accounts.completeSignup(token, password, client(c)));
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/password-reset',
      tags,
      summary: 'Ask for a password-reset mail',
      description: 'Always 202, whether or not the address has an account.',
      request: body(z.object({ email: z.string().trim().min(1).max(320) }).meta({ id: 'PasswordResetRequest' })),
      responses: { 202: { description: 'If the address has an active account, a link (valid 60 minutes, single use) is on its way' }, 422: errors[422] },
    }),
    async (c) => {
      await accounts.requestPasswordReset(c.req.valid('json').email, client(c));
      return c.body(null, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/password-reset/complete',
      tags,
      summary: 'Set a new password from a reset link (ends all sessions and API tokens of the user)',
      request: body(LinkCompletion.meta({ id: 'PasswordResetCompletion' })),
      responses: { 204: { description: 'Password changed' }, 410: problemResponse('Link invalid, used or expired'), 422: errors[422] },
    }),
    async (c) => {
      const { token, password } = c.req.valid('json');
      await accounts.completePasswordReset(token, password, client(c));
      return c.body(null, 204);
    },
  );

  const NewToken = z.object({ name: z.string().trim().min(1).max(200), expiresAt: z.iso.datetime().optional() }).meta({ id: 'ApiTokenCreate' });
  app.openapi(
    createRoute({ method: 'get', path: '/auth/tokens', tags, summary: 'Your API tokens', responses: { 200: json(z.object({ items: z.array(ApiTokenSchema) }), 'Tokens (never the secrets)') } }),
    async (c) => c.json({ items: await accounts.listApiTokens(c.var.auth.userId) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/tokens',
      tags,
      summary: 'Create an API token for automation (shown once)',
      description: 'Send it as `Authorization: Bearer <token>`; it acts with your rights.',
      request: body(NewToken),
      responses: { 201: json(z.object({ token: z.string(), info: ApiTokenSchema }).meta({ id: 'ApiTokenCreated' }), 'The token: store it now, it is not shown again'), 422: errors[422] },
    }),
    async (c) => {
      const { name, expiresAt } = c.req.valid('json');
      const when = expiresAt ? new Date(expiresAt) : null;
      if (when && when <= new Date()) throw new DialbookError('DIALBOOK_VALIDATION', 'expiresAt must be in the future', { status: 422, field: 'expiresAt' });
      return c.json(await accounts.createApiToken(c.var.auth.userId, name, when, c.var.actor), 201);
    },
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/auth/tokens/{id}', tags, summary: 'Revoke one of your API tokens', request: { params: IdParam }, responses: { 204: { description: 'Revoked' }, 404: errors[404] } }),
    async (c) => {
      await accounts.revokeApiToken(c.var.auth.userId, c.req.valid('param').id, c.var.actor);
      return c.body(null, 204);
    },
  );
  return app;
}
