import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { roleRank, runWithAccess, type AccessScope, type Role } from '../base/access.js';
import { safeEqual } from '../base/crypto.js';
import { anonymousActor, type Actor } from '../base/actor.js';
import type { AccountService } from '../accounts/service.js';
import { SESSION_COOKIE } from '../accounts/auth-routes.js';
import type { AuditService } from '../audit/service.js';
import type { Logger } from 'pino';
import { clientIp, clip } from '../http/request.js';
import { printable } from '../base/unholdable.js';
import { DialbookError } from '../base/errors.js';
import type { AppEnv } from '../http/env.js';
import type { PolicyLookup } from './policy.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The longest request path the audit log keeps; a longer one is cut and ends in `…`. */
const MAX_AUDIT_PATH = 500;

export interface AuthDeps {
  accounts: Pick<AccountService, 'resolveApiToken' | 'resolveSession'>;
  audit: Pick<AuditService, 'record'>;
  /** The route's access: the policy table and the plugins' mounts. */
  policy: PolicyLookup;
  trustProxy: boolean;
  logger: Logger;
}

/**
 * The one place where every `/api/v1` request is authenticated and authorised:
 * bearer API token or session cookie (+ `X-CSRF-Token` on cookie writes) → the route's
 * role from the policy table → the request's site scope, which every domain service
 * applies. Writes are recorded in the audit log with their actor.
 */
export function authMiddleware(deps: AuthDeps): MiddlewareHandler<AppEnv> {
  const { trustProxy } = deps;
  return async (c, next) => {
    const method = c.req.method;
    const path = c.req.path.slice('/api/v1'.length) || '/';
    const policy = deps.policy(method, path);
    if (policy?.access === 'public') {
      c.set('actor', anonymousActor);
      return next();
    }

    const who = await authenticate(c, deps.accounts);
    if (!who) {
      c.header('WWW-Authenticate', 'Bearer realm="dialbook"');
      throw new DialbookError('DIALBOOK_AUTH_REQUIRED', 'sign in, or send an API token as "Authorization: Bearer …"', { status: 401 });
    }
    if (who.via === 'session' && UNSAFE.has(method)) {
      const sent = c.req.header('x-csrf-token');
      if (!sent || !safeEqual(sent, who.csrfToken)) {
        throw new DialbookError('DIALBOOK_AUTH_CSRF', 'missing or wrong X-CSRF-Token header (GET /api/v1/auth/session returns it)', { status: 403 });
      }
    }
    if (!policy) {
      // Not in the table: no such route (every real route has a policy; a test checks it). Never run it.
      throw new DialbookError('DIALBOOK_HTTP_NOT_FOUND', `no route ${method} ${c.req.path}`, { status: 404 });
    }
    if (roleRank(who.role) < roleRank(policy.access)) {
      throw new DialbookError('DIALBOOK_AUTH_FORBIDDEN', `this needs the ${policy.access} role`, { status: 403 });
    }

    const scope: AccessScope = { role: who.role, userId: who.userId, siteIds: who.role === 'user' ? new Set(who.siteIds) : null };
    c.set('actor', who.actor);
    c.set('auth', { userId: who.userId, role: who.role, via: who.via, csrfToken: who.via === 'session' ? who.csrfToken : null });
    let failed: unknown;
    await runWithAccess(scope, async () => {
      try {
        await next();
      } catch (err) {
        failed = err;
      }
    });
    if (UNSAFE.has(method)) {
      // Refused writes too (422, 413, …), with the path as sent (`%00`, not a NUL the database cannot hold), cut to what the log keeps.
      const status = failed ? ((failed as DialbookError).status ?? 500) : c.res.status;
      await deps.audit
        .record(`${method} ${policy.pattern}`, who.actor, { method, path: clip(printable(c.req.path), MAX_AUDIT_PATH), status, ip: clientIp(c, trustProxy) })
        .catch((err: unknown) => deps.logger.error({ err }, 'could not write the audit event'));
    }
    if (failed) throw failed;
  };
}

type Who = { userId: string; role: Role; siteIds: string[]; actor: Actor } & ({ via: 'session'; csrfToken: string } | { via: 'token' });

async function authenticate(c: Context, accounts: AuthDeps['accounts']): Promise<Who | null> {
  const header = c.req.header('authorization');
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const found = m ? await accounts.resolveApiToken(m[1]!) : null;
    if (!found) throw new DialbookError('DIALBOOK_AUTH_INVALID', 'the API token is unknown, revoked or expired', { status: 401 });
    const u = found.user;
    return { via: 'token', userId: u.id, role: u.role, siteIds: u.siteIds, actor: { type: 'apiKey', id: found.tokenId, name: u.email } };
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie) return null;
  const s = await accounts.resolveSession(cookie);
  if (!s) return null;
  return { via: 'session', csrfToken: s.csrfToken, userId: s.user.id, role: s.user.role, siteIds: s.user.siteIds, actor: { type: 'user', id: s.user.id, name: s.user.email } };
}
