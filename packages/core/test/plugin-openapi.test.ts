import { OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRoute, createRouter, definePlugin, errors, json, jsonBody, z } from '@dialbook/core';
import { createTestCore, type TestCore, type TestUser } from '@dialbook/core/testing';

/**
 * A plugin's documented routes (`ctx.http.route(path, createRouter())`) appear in `/openapi.json`
 * per instance, are validated by core (422 problem+json naming the field) and guarded by the
 * route policy; a plain Hono app is served as before, undocumented.
 */

// Created once: both instances use the same component.
const NoteSchema = z.object({ id: z.uuid(), title: z.string(), instance: z.string() }).meta({ id: 'NotesNote' });
const NoteInput = z.object({ title: z.string().trim().min(1).max(80) });
const IdParam = z.object({ id: z.uuid().meta({ param: { name: 'id', in: 'path' } }) });

const notes = definePlugin({
  name: 'notes',
  setup(ctx) {
    // Created per instance: the same content shares the component, a different one is renamed.
    const Counter = z.object({ count: z.number().int() }).meta({ id: 'NotesCounter' });
    const Report = (ctx.id === 'north' ? z.object({ north: z.boolean() }) : z.object({ south: z.string() })).meta({ id: 'NotesReport' });

    const api = createRouter();
    api.openapi(
      createRoute({ method: 'post', path: '/notes', operationId: 'createNote', summary: 'Create a note', request: jsonBody(NoteInput), responses: { 201: json(NoteSchema, 'Created'), 422: errors[422] } }),
      (c) => c.json({ id: '00000000-0000-4000-8000-000000000001', title: c.req.valid('json').title, instance: ctx.id }, 201),
    );
    api.openapi(
      createRoute({ method: 'get', path: '/notes', request: { query: z.object({ limit: z.coerce.number().int().min(1).max(10).default(5) }) }, responses: { 200: json(z.object({ items: z.array(NoteSchema), limit: z.number() }), 'Notes') } }),
      (c) => c.json({ items: [], limit: c.req.valid('query').limit }, 200),
    );
    api.openapi(
      createRoute({ method: 'get', path: '/notes/{id}', operationId: 'readNote', request: { params: IdParam }, responses: { 200: json(NoteSchema, 'The note'), 404: errors[404] } }),
      (c) => c.json({ id: c.req.valid('param').id, title: 'x', instance: ctx.id }, 200),
    );
    api.openapi(createRoute({ method: 'get', path: '/counter', operationId: 'counter', responses: { 200: json(Counter, 'Count') } }), (c) => c.json({ count: 1 }, 200));
    api.openapi(createRoute({ method: 'get', path: '/report', operationId: 'report', responses: { 200: json(Report, 'Report') } }), (c) =>
      c.json((ctx.id === 'north' ? { north: true } : { south: 'yes' }) as never, 200),
    );
    ctx.http.route('/', api, { access: 'staff' });

    // A router built without core's helper still gets core's validation hook when mounted.
    const bare = new OpenAPIHono();
    bare.openapi(createRoute({ method: 'get', path: '/ping', operationId: 'ping', request: { query: z.object({ n: z.coerce.number().int() }) }, responses: { 200: json(z.object({ n: z.number() }), 'Pong') } }), (c) =>
      c.json({ n: c.req.valid('query').n }, 200),
    );
    ctx.http.route('/public', bare, { access: 'public' });

    // A plain Hono app: served, not documented.
    ctx.http.route('/plain', new Hono().get('/hello', (c) => c.json({ hello: ctx.id })), { access: 'user' });
  },
});

type Operation = { operationId?: string; tags?: string[]; security?: unknown[]; responses: Record<string, { content?: Record<string, { schema: unknown }> }>; parameters?: { name: string; in: string }[] };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> }; tags?: { name: string; description: string }[] };

let core: TestCore;
let doc: Doc;
let user: TestUser;
let staff: TestUser;
const warnings: string[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) });
  core = await createTestCore({ plugins: { north: notes, south: notes }, logger });
  user = await core.createUser({ role: 'user', siteIds: [core.site.id] });
  staff = await core.createUser({ role: 'staff' });
  const res = await core.request('/openapi.json');
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
});
afterAll(() => core?.close());

const schemaRef = (op: Operation, status: string) => op.responses[status]!.content!['application/json']!.schema;

describe('plugin routes in /openapi.json', () => {
  test('each instance with its own paths, tag and operation ids; the bearer/session security', () => {
    const pluginPaths = Object.keys(doc.paths).filter((p) => p.startsWith('/plugins/'));
    expect(pluginPaths.sort()).toEqual(['/plugins/north/counter', '/plugins/north/notes', '/plugins/north/notes/{id}', '/plugins/north/public/ping', '/plugins/north/report', '/plugins/south/counter', '/plugins/south/notes', '/plugins/south/notes/{id}', '/plugins/south/public/ping', '/plugins/south/report']);
    const north = doc.paths['/plugins/north/notes']!;
    const south = doc.paths['/plugins/south/notes']!;
    expect(north.post).toMatchObject({ operationId: 'northCreateNote', tags: ['Plugin: north'], security: [{ bearer: [] }, { session: [] }], summary: 'Create a note' });
    expect(south.post).toMatchObject({ operationId: 'southCreateNote', tags: ['Plugin: south'] });
    // Without an operationId of its own: method and path.
    expect(north.get!.operationId).toBe('northGetNotes');
    expect(doc.paths['/plugins/south/notes/{id}']!.get).toMatchObject({ operationId: 'southReadNote', parameters: [{ name: 'id', in: 'path' }] });
    // The policy's answers are documented.
    expect(Object.keys(north.post!.responses).sort()).toEqual(['201', '401', '403', '422']);
    // A public route needs no credentials.
    expect(doc.paths['/plugins/north/public/ping']!.get).toMatchObject({ operationId: 'northPing', security: [] });
    expect(doc.paths['/plugins/north/public/ping']!.get!.responses['401']).toBeUndefined();

    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId).filter(Boolean));
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.tags).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Plugin: north' }), expect.objectContaining({ name: 'Plugin: south' })]));
  });

  test('a component both instances register is one component; one named alike but different is renamed', () => {
    expect(schemaRef(doc.paths['/plugins/north/notes']!.post!, '201')).toEqual({ $ref: '#/components/schemas/NotesNote' });
    expect(schemaRef(doc.paths['/plugins/south/notes']!.post!, '201')).toEqual({ $ref: '#/components/schemas/NotesNote' });
    expect(schemaRef(doc.paths['/plugins/south/counter']!.get!, '200')).toEqual({ $ref: '#/components/schemas/NotesCounter' });
    expect(doc.components.schemas.NotesNote).toMatchObject({ type: 'object', required: ['id', 'title', 'instance'] });

    expect(schemaRef(doc.paths['/plugins/north/report']!.get!, '200')).toEqual({ $ref: '#/components/schemas/NotesReport' });
    expect(schemaRef(doc.paths['/plugins/south/report']!.get!, '200')).toEqual({ $ref: '#/components/schemas/south.NotesReport' });
    expect(doc.components.schemas.NotesReport).toMatchObject({ properties: { north: { type: 'boolean' } } });
    expect(doc.components.schemas['south.NotesReport']).toMatchObject({ properties: { south: { type: 'string' } } });
    expect(warnings.filter((w) => w.includes('OpenAPI'))).toEqual([expect.stringContaining('plugin "south": OpenAPI component schemas/NotesReport is already defined differently')]);
    // Core's own components are untouched.
    expect(doc.components.schemas.Problem).toBeDefined();
    expect(Object.keys(doc.components.schemas).filter((k) => k.includes('Problem'))).toEqual(['Problem']);
  });

  test('a plain Hono app is served but not documented', async () => {
    expect(Object.keys(doc.paths).some((p) => p.includes('/plain'))).toBe(false);
    expect(await (await user.request('/api/v1/plugins/south/plain/hello')).json()).toEqual({ hello: 'south' });
  });
});

describe('plugin routes at run time', () => {
  test('each instance answers for itself', async () => {
    const res = await core.request('/api/v1/plugins/south/notes', { method: 'POST', json: { title: ' Hello ' } });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: '00000000-0000-4000-8000-000000000001', title: 'Hello', instance: 'south' });
    expect(await (await core.request('/api/v1/plugins/north/notes?limit=3')).json()).toEqual({ items: [], limit: 3 });
  });

  test('invalid input is 422 problem+json naming the field (body, query, path)', async () => {
    const body = await core.request('/api/v1/plugins/north/notes', { method: 'POST', json: { title: '' } });
    expect(body.status).toBe(422);
    expect(body.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await body.json()).toMatchObject({ code: 'DIALBOOK_VALIDATION', status: 422, field: 'title', errors: [{ field: 'title' }] });

    const query = await core.request('/api/v1/plugins/north/notes?limit=99');
    expect(query.status).toBe(422);
    expect(await query.json()).toMatchObject({ code: 'DIALBOOK_VALIDATION', field: 'query.limit' });

    const param = await core.request('/api/v1/plugins/south/notes/not-a-uuid');
    expect(param.status).toBe(422);
    expect(await param.json()).toMatchObject({ code: 'DIALBOOK_VALIDATION', field: 'param.id' });

    // A router made with `new OpenAPIHono()` gets core's hook too.
    const bare = await core.request('/api/v1/plugins/north/public/ping?n=x', { anonymous: true });
    expect(bare.status).toBe(422);
    expect(await bare.json()).toMatchObject({ code: 'DIALBOOK_VALIDATION', field: 'query.n' });
    expect(await (await core.request('/api/v1/plugins/north/public/ping?n=4', { anonymous: true })).json()).toEqual({ n: 4 });
  });

  test('the route policy still applies: anonymous 401, user 403, staff allowed', async () => {
    for (const path of ['/api/v1/plugins/north/notes', '/api/v1/plugins/south/counter', '/api/v1/plugins/south/notes/00000000-0000-4000-8000-000000000001']) {
      expect((await core.request(path, { anonymous: true })).status).toBe(401);
      expect((await user.request(path)).status).toBe(403);
      expect((await staff.request(path)).status).toBe(200);
    }
    // Refused before validation: an anonymous bad request learns nothing about the input.
    expect((await core.request('/api/v1/plugins/north/notes', { method: 'POST', json: { title: '' }, anonymous: true })).status).toBe(401);
    expect((await user.request('/api/v1/plugins/north/notes', { method: 'POST', json: { title: 'x' } })).status).toBe(403);
    expect((await core.request('/api/v1/plugins/north/plain/hello', { anonymous: true })).status).toBe(401);
  });
});
