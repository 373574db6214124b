import type { MiddlewareHandler } from 'hono';
import { DialbookError } from '../base/errors.js';
import type { CredentialService } from '../credentials/service.js';
import type { AppEnv } from '../http/env.js';

/**
 * The engine API's own authentication: an engine token (`POST /engine-tokens`, kind `engine`)
 * as `Authorization: Bearer dbk_eng_…`. Nothing else is accepted — no user session, no user API
 * token, no other kind of machine credential — so these routes are `public` in the policy table
 * and guarded here. The actor is the engine credential.
 */
export function engineTokenOnly(credentials: Pick<CredentialService, 'verifyEngineToken'>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const engine = m ? await credentials.verifyEngineToken(m[1]!) : null;
    if (!engine) {
      c.header('WWW-Authenticate', 'Bearer realm="dialbook-engine"');
      throw new DialbookError('DIALBOOK_ROUTING_ENGINE_TOKEN_REQUIRED', 'this is for telephony engines: send an engine token (POST /api/v1/engine-tokens) as "Authorization: Bearer dbk_eng_…"', { status: 401 });
    }
    c.set('actor', { type: 'service', id: engine.id, name: `engine ${engine.name}` });
    await next();
  };
}
