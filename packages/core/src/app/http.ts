import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Scalar } from '@scalar/hono-api-reference';
import { Hono } from 'hono';
import { anonymousActor } from '../base/actor.js';
import type { Dialbook } from './dialbook.js';
import type { AppEnv } from '../http/env.js';
import { createRouter, mountPluginRouter, withPluginOperations } from '../http/openapi.js';
import { errorToProblem, problem } from '../http/problem.js';
import { bodyLimits } from '../http/body-limit.js';
import { inputGuard } from '../http/input-guard.js';
import { authMiddleware } from './authenticate.js';
import { policyLookup } from './policy.js';
import { webAppHandler } from './web-app.js';

export const API_PREFIX = '/api/v1';

/**
 * The HTTP surface: `/healthz`, `/readyz`, `/openapi.json`, `/docs`, the REST API
 * under `/api/v1`, and each plugin's routes under `/api/v1/plugins/<instance id>`.
 */
export function createApp(dialbook: Dialbook): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const log = (err: unknown) => dialbook.logger.error({ err }, 'request failed');

  app.onError((err, c) => errorToProblem(err, c, log));
  // Where no route matched: the admin app (@dialbook/web) for page and asset GETs, else a 404 problem.
  const webApp = webAppHandler();
  app.notFound(async (c) => (await webApp(c)) ?? problem(c, 404, 'DIALBOOK_HTTP_NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));
  app.use('*', async (c, next) => {
    c.set('actor', anonymousActor);
    await next();
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const r = await dialbook.readiness();
    return c.json(r, r.ready ? 200 : 503);
  });

  // What machines fetch with their own credentials, outside /api/v1 (desk phones: directory/routes.ts).
  for (const m of dialbook.modules) {
    const root = m.rootRoutes?.(dialbook.container);
    if (root) app.route('/', root);
  }

  // Authentication first (it reads no body), so that refused writes below are audited with their status;
  // then the body limit (413 before a body over it is read) and the input guard (422 for a character no
  // field can hold, in the path, the query or a JSON body), for every API route, plugin routes included.
  const policy = policyLookup(
    dialbook.modules.flatMap((m) => m.policies ?? []),
    dialbook.plugins.map((p) => ({ id: p.id, routes: p.routes })),
  );
  app.use(`${API_PREFIX}/*`, authMiddleware({ accounts: dialbook.accounts, audit: dialbook.audit, policy, trustProxy: dialbook.config.server.trustProxy, logger: dialbook.logger }));
  app.use(`${API_PREFIX}/*`, bodyLimits({ uploadBytes: dialbook.config.server.maxUploadBytes }));
  app.use(`${API_PREFIX}/*`, inputGuard());
  const api = createRouter();
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An API token from POST /auth/tokens' });
  api.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'dialbook_session', description: 'The session cookie from POST /auth/signin; writes also need the X-CSRF-Token header' });
  // Every area's routes, in the order of the module list.
  for (const m of dialbook.modules) {
    const routers = m.routes?.(dialbook.container) ?? [];
    for (const router of Array.isArray(routers) ? routers : [routers]) api.route('/', router);
  }
  // Plugin routers: documented in /openapi.json when built with createRouter (an OpenAPIHono), else mounted as they are.
  const pluginRouters = dialbook.plugins.flatMap((p) => p.routes.map((r) => mountPluginRouter(api, { id: p.id, plugin: p.plugin.name }, r)));
  app.route(API_PREFIX, api);

  const info = { title: 'Dialbook API', version: dialbook.version, description: 'Contacts, phonebooks, calls and routes for business telephony. Errors are RFC 9457 problem+json.' };
  const document = () =>
    withPluginOperations(
      api.getOpenAPI31Document({ openapi: '3.1.0', info, servers: [{ url: API_PREFIX }], security: [{ bearer: [] }, { session: [] }] }),
      pluginRouters,
      info,
      (message) => dialbook.logger.warn(message),
    );
  let cached: ReturnType<typeof document> | undefined;
  app.get('/openapi.json', (c) => c.json((cached ??= document())));
  // The reference page's script is served from here, not a CDN: telephony networks are often offline.
  let script: Promise<Buffer> | undefined;
  app.get('/docs/assets/api-reference.js', async (c) => {
    script ??= readFile(createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js'));
    return c.body(new Uint8Array(await script), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' });
  });
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'Dialbook API', cdn: '/docs/assets/api-reference.js' }));
  return app;
}
