/**
 * The plugin's routes in the core's `/openapi.json`: every route of every instance, with its
 * request and answer schemas, and a document whose references all resolve.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import ldap from '@dialbook/plugin-ldap';

type Operation = { operationId: string; tags: string[]; security: unknown[]; parameters?: { name: string; in: string; required?: boolean }[]; requestBody?: { required?: boolean; content: Record<string, { schema: unknown }> }; responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };

let core: TestCore;
let doc: Doc;

beforeAll(async () => {
  core = await createTestCore({ plugins: { ldap, ad: ldap } });
  doc = (await (await core.request('/openapi.json')).json()) as Doc;
});
afterAll(() => core?.close());

const ROUTES = [
  ['post', '/test', 'Test'],
  ['post', '/sync', 'Sync'],
  ['get', '/status', 'Status'],
  ['get', '/search', 'Search'],
  ['post', '/import', 'Import'],
  ['get', '/conflicts', 'ListConflicts'],
  ['post', '/conflicts/{cid}/resolve', 'ResolveConflict'],
] as const;

describe('plugin-ldap in /openapi.json', () => {
  it('lists every route of each instance, tagged per instance, for signed-in callers', () => {
    for (const id of ['ldap', 'ad']) {
      const paths = Object.keys(doc.paths).filter((p) => p.startsWith(`/plugins/${id}/`));
      expect(paths.sort()).toEqual(ROUTES.map(([, path]) => `/plugins/${id}${path}`).sort());
      for (const [method, path, op] of ROUTES) {
        const operation = doc.paths[`/plugins/${id}${path}`]![method]!;
        expect(operation, `${method} ${path}`).toMatchObject({ operationId: `${id}${op}`, tags: [`Plugin: ${id}`], security: [{ bearer: [] }, { session: [] }] });
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403', '422']));
      }
    }
  });

  it('describes requests and answers with the plugin’s schemas, shared by the instances', () => {
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    const answer = (path: string, method: string, status = '200') => doc.paths[path]![method]!.responses[status]!.content!['application/json']!.schema;
    for (const id of ['ldap', 'ad']) {
      expect(answer(`/plugins/${id}/test`, 'post')).toEqual(ref('LdapProbeReport'));
      expect(answer(`/plugins/${id}/sync`, 'post')).toEqual(ref('LdapSyncOutcome'));
      expect(answer(`/plugins/${id}/status`, 'get')).toEqual(ref('LdapSiteStatus'));
      expect(answer(`/plugins/${id}/search`, 'get')).toMatchObject({ properties: { items: { items: ref('LdapSearchHit') } } });
      expect(answer(`/plugins/${id}/conflicts`, 'get')).toMatchObject({ properties: { items: { items: ref('LdapConflict') } } });
      expect(answer(`/plugins/${id}/import`, 'post', '201')).toMatchObject({ properties: { contact: ref('Contact'), created: { type: 'boolean' } } });
      expect(answer(`/plugins/${id}/conflicts/{cid}/resolve`, 'post')).toMatchObject({ properties: { conflict: ref('LdapConflict') } });
    }
    expect(doc.components.schemas.LdapSyncOutcome!.properties).toHaveProperty('deletionBlocked');
    expect(doc.components.schemas.LdapProbeReport!.properties).toHaveProperty('steps');
    // No component had to be renamed per instance (`ad.LdapConflict`): the instances share them.
    expect(Object.keys(doc.components.schemas).filter((k) => k.includes('.'))).toEqual([]);

    const search = doc.paths['/plugins/ad/search']!.get!;
    expect(search.parameters!.map((p) => [p.in, p.name, p.required ?? false])).toEqual([
      ['query', 'siteId', true],
      ['query', 'q', true],
      ['query', 'limit', false],
    ]);
    expect(doc.paths['/plugins/ad/conflicts/{cid}/resolve']!.post!.parameters).toEqual([expect.objectContaining({ in: 'path', name: 'cid', required: true })]);
    const sync = doc.paths['/plugins/ldap/sync']!.post!.requestBody!;
    expect(sync.required).toBe(true);
    expect(sync.content['application/json']!.schema).toMatchObject({ required: ['siteId'], properties: { mode: { enum: ['full', 'incremental', 'auto'] } } });
    expect(doc.paths['/plugins/ldap/test']!.post!.requestBody!.required).toBeFalsy();
  });

  it('every reference in the document resolves', () => {
    const refs = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string') refs.add(x);
          else walk(x);
        }
      }
    };
    walk(doc);
    const missing = [...refs].filter((r) => !doc.components.schemas[r.replace('#/components/schemas/', '')]);
    expect(missing).toEqual([]);
  });
});

describe('plugin-ldap route input (unchanged answers)', () => {
  it('a body that is not JSON is 422 naming `body`, as before', async () => {
    const res = await core.request('/api/v1/plugins/ad/sync', { method: 'POST', body: '{"siteId":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'DIALBOOK_VALIDATION', detail: 'the request body is not valid JSON', field: 'body' });
  });

  it('import needs either dn or externalId; a bad conflict id is named', async () => {
    const both = await core.request('/api/v1/plugins/ldap/import', { method: 'POST', json: { siteId: core.site.id, dn: 'uid=a,dc=x', externalId: 'x' } });
    expect(both.status).toBe(422);
    expect(await both.json()).toMatchObject({ field: 'dn', detail: 'dn: give either dn or externalId' });
    const cid = await core.request('/api/v1/plugins/ldap/conflicts/nope/resolve', { method: 'POST', json: { action: 'keep' } });
    expect(cid.status).toBe(422);
    expect(await cid.json()).toMatchObject({ field: 'param.cid' });
  });

  it('test connection takes an empty request', async () => {
    const res = await core.request('/api/v1/plugins/ldap/test', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: false, stage: 'settings' });
  });
});
