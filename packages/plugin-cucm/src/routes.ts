/**
 * The plugin's HTTP routes, mounted under `/api/v1/plugins/<instance id>` for `staff` and
 * documented in `/openapi.json` (tag `Plugin: <instance id>`, operation ids prefixed with the
 * instance id: `cucmLookupPhone`). Thin: core validates the input (422 naming the field), `Phones`
 * does the work, a CucmError becomes problem+json with its code (502 for CUCM's failures, 503
 * throttled, 504 timeout, 422 a malformed MAC, 409 not set up).
 */
import { createRoute, createRouter, errors, json, problemResponse, type AppEnv, type OpenAPIHono } from '@dialbook/core';
import type { Phones } from './phones.js';
import type { CucmRuntime } from './runtime.js';
import { ConnectionReportSchema, ContactQuery, LookupQuery, OwnedQuery, PhoneAnswerSchema, SearchAnswerSchema, SearchQuery, TestInput } from './schemas.js';

const cucmErrors = {
  404: problemResponse('Unknown site or contact, or (phones of a user) a user CUCM does not know'),
  409: problemResponse('Not set up for the site (`DIALBOOK_CUCM_NOT_CONFIGURED`, naming the missing keys)'),
  422: errors[422],
  502: problemResponse('CUCM failed: `DIALBOOK_CUCM_AUTH`, `_PERMISSION`, `_VERSION`, `_TLS`, `_UNREACHABLE`, `_FAULT`, `_PROTOCOL`'),
  503: problemResponse('CUCM is throttling (`DIALBOOK_CUCM_THROTTLED`) beyond the retries'),
  504: problemResponse('CUCM did not answer in time (`DIALBOOK_CUCM_TIMEOUT`)'),
};

const routes = {
  lookup: createRoute({
    method: 'get',
    path: '/phones/lookup',
    operationId: 'lookupPhone',
    summary: 'A phone by MAC address',
    description: 'getPhone by MAC in any written form (or device name), with model, description, owner, device pool, lines and the registration state from RisPort70. An unknown phone answers `items: []` with a message; a malformed MAC 422 `DIALBOOK_CUCM_INVALID_MAC`.',
    request: { query: LookupQuery },
    responses: { 200: json(PhoneAnswerSchema, 'The phone (or none)'), ...cucmErrors },
  }),
  search: createRoute({
    method: 'get',
    path: '/phones/search',
    operationId: 'searchPhones',
    summary: 'Search phones',
    description: 'listPhone by name and/or description (LIKE), optionally only those of one owner, paged through CUCM with skip/first until `limit` rows; with lines (up to 100 rows) and registration state.',
    request: { query: SearchQuery },
    responses: { 200: json(SearchAnswerSchema, 'Matching phones'), ...cucmErrors },
  }),
  owned: createRoute({
    method: 'get',
    path: '/phones/owned',
    operationId: 'phonesOfUser',
    summary: 'The phones of a CUCM user',
    description: "The user's associated (controlled) devices from getUser and the phones whose Owner User ID they are, with lines and registration state.",
    request: { query: OwnedQuery },
    responses: { 200: json(PhoneAnswerSchema, 'Their phones'), ...cucmErrors },
  }),
  contact: createRoute({
    method: 'get',
    path: '/phones/contact',
    operationId: 'phonesOfContact',
    summary: 'The phones of a contact',
    description: "As /phones/owned, for the CUCM user id in the contact's configured attribute (setting userIdAttribute). A contact without one answers `items: []` with a message.",
    request: { query: ContactQuery },
    responses: { 200: json(PhoneAnswerSchema, 'Their phones'), ...cucmErrors },
  }),
  test: createRoute({
    method: 'post',
    path: '/test',
    operationId: 'test',
    summary: 'Test the connection',
    description: 'DNS, TCP, TLS, authentication, schema version, the AXL permission and RisPort (one request of the budget), with the saved settings of a site (or the shared ones); says which step failed. CUCM problems are answered 200 with `ok: false`.',
    request: { body: { content: { 'application/json': { schema: TestInput } }, required: false } },
    responses: { 200: json(ConnectionReportSchema, 'What each step did'), 404: cucmErrors[404], 422: errors[422] },
  }),
};

export function createRoutes(rt: CucmRuntime, phones: Phones): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(routes.lookup, async (c) => {
    const q = c.req.valid('query');
    return c.json(await phones.lookup(q.siteId ?? null, q.mac), 200);
  });
  app.openapi(routes.search, async (c) => c.json(await phones.search(c.req.valid('query')), 200));
  app.openapi(routes.owned, async (c) => {
    const q = c.req.valid('query');
    return c.json(await phones.ownedBy(q.siteId ?? null, q.user), 200);
  });
  app.openapi(routes.contact, async (c) => c.json(await phones.ofContact(c.req.valid('query').contactId), 200));
  app.openapi(routes.test, async (c) => {
    const input = c.req.valid('json') as { siteId?: string } | undefined;
    return c.json(await rt.test(input?.siteId ?? null), 200);
  });
  return app;
}
