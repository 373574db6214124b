/** `GET /api/v1/plugins/<instance>/asterisk-config` (staff): the Asterisk snippets for this instance. */
import { createRoute, createRouter, json, z, type AppEnv, type OpenAPIHono } from '@dialbook/core';
import type { AsteriskOptions } from '../options.js';
import { configSnippets } from './snippets.js';

const SnippetSchema = z.object({ file: z.string(), purpose: z.string(), content: z.string() });

const route = createRoute({
  method: 'get',
  path: '/asterisk-config',
  operationId: 'asteriskConfig',
  summary: 'Asterisk configuration snippets',
  description: 'extconfig.conf, sorcery.conf, res_pgsql.conf, cdr_pgsql.conf and a sample extensions.conf context, filled with the plugin options. Database passwords are never included (a placeholder names the option holding them).',
  responses: { 200: json(z.object({ items: z.array(SnippetSchema), message: z.string() }), 'The snippets') },
});

export function configRoutes(options: AsteriskOptions, listeningPort: () => number | undefined): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(route, (c) => c.json({ items: configSnippets(options, listeningPort()), message: 'Copy each file into /etc/asterisk (merge with what is there), then `core reload`.' }, 200));
  return app;
}
