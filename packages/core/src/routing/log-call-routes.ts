import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { DialbookError } from '../base/errors.js';
import { parseInput } from '../base/validate.js';
import type { CredentialService } from '../credentials/service.js';
import type { AppEnv } from '../http/env.js';
import { problem } from '../http/problem.js';
import type { RoutingCallLog } from './call-log.js';
import { engineTokenOnly } from './engine-auth.js';
import { LogCallSchema } from './log-call-schema.js';

/**
 * `POST /api/internal/log_call`: the seed's CDR endpoint, outside `/api/v1` as the seed had it,
 * for engine tokens only (`engine-auth.ts`). Body: callId, did, caller, clientId?, status,
 * talkSeconds, startedAt, answeredAt?, endedAt. 200 with the call-log record; `created: false`
 * when the call was logged before (nothing counted again).
 */
export function logCallRoutes(callLog: RoutingCallLog, credentials: CredentialService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/api/internal/log_call', engineTokenOnly(credentials), bodyLimit({ maxSize: 16 * 1024, onError: (c) => problem(c, 413, 'DIALBOOK_HTTP_PAYLOAD_TOO_LARGE', 'a call log entry is at most 16 KiB') }), async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new DialbookError('DIALBOOK_VALIDATION', 'the body must be JSON', { status: 422 });
    }
    return c.json(await callLog.logCall(parseInput(LogCallSchema, body)), 200);
  });
  return app;
}
