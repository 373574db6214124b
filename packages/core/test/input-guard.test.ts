import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRoute, createRouter, definePlugin, DialbookError, json, systemActor, z } from '@dialbook/core';
import { createTestCore, testDatabaseKind, type TestCore } from '@dialbook/core/testing';

/**
 * Characters no field can hold (NUL, other C0 controls, unpaired surrogates, U+FFFE/U+FFFF) are refused
 * at validation with a 422 naming the field, wherever they come: a JSON body, a query string, a path
 * segment, a plugin's route, or a plugin handing a contact to the domain. Field errors read as sentences,
 * and a problem keeps the `details` its error carries. (fuzz-routes.test.ts tries every route.)
 */
type Problem = { status: number; code: string; field?: string; detail: string; errors?: { field: string; message: string }[]; details?: Record<string, unknown> };

const probe = definePlugin({
  name: 'probe',
  setup(ctx) {
    const api = createRouter();
    api.openapi(createRoute({ method: 'get', path: '/sync-failure', operationId: 'syncFailure', responses: { 200: json(z.object({ ok: z.boolean() }), 'Never') } }), () => {
      throw new DialbookError('DIALBOOK_PROBE_BIND', 'bind: the directory refused the bind DN', { status: 502, plugin: ctx.id, cause: new Error('password=hunter2'), details: { stage: 'bind', detail: 'invalid credentials' } });
    });
    api.openapi(createRoute({ method: 'get', path: '/crash', operationId: 'crash', responses: { 200: json(z.object({ ok: z.boolean() }), 'Never') } }), () => {
      throw Object.assign(new Error('connection string postgres://app:hunter2@db/app'), { details: { secret: 'hunter2' } });
    });
    api.openapi(createRoute({ method: 'get', path: '/odd-details', operationId: 'oddDetails', responses: { 200: json(z.object({ ok: z.boolean() }), 'Never') } }), () => {
      throw new DialbookError('DIALBOOK_PROBE_ODD', 'odd', { status: 409, details: { big: 1n } });
    });
    ctx.http.route('/', api, { access: 'staff' });
    // A plain Hono app (undocumented): the guard is in front of it too.
    const plain = new Hono()
      .get('/echo/:word', (c) => c.json({ word: c.req.param('word'), q: c.req.query('q') ?? null }))
      .post('/echo', async (c) => c.json(await c.req.json()));
    ctx.http.route('/plain', plain, { access: 'user' });
  },
});

let core: TestCore;
let phonebookId: string;

beforeAll(async () => {
  core = await createTestCore({ plugins: { probe } });
  phonebookId = (await core.dialbook.phonebooks.create({ siteId: core.site.id, name: 'Lobby', filter: {} })).id;
});
afterAll(() => core?.close());

const raw = (path: string, method: string, body: string, anonymous = false) => core.request(path, { method, body, headers: { 'content-type': 'application/json' }, anonymous });
async function problemOf(res: Response, status = 422): Promise<Problem> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  return JSON.parse(text) as Problem;
}
const contactCount = async () => (await core.dialbook.contacts.list({ pageSize: 1, status: 'all' })).total;

describe(`characters no field can hold (${testDatabaseKind()})`, () => {
  test('sign-in with a NUL e-mail (a JSON \\u0000 escape), anonymously: 422 naming email, not a 500', async () => {
    const p = await problemOf(await raw('/api/v1/auth/signin', 'POST', '{"email":"\\u0000","password":"x"}', true));
    expect(p).toMatchObject({ code: 'DIALBOOK_VALIDATION', field: 'email', errors: [{ field: 'email', message: 'must not contain the control character U+0000' }] });
    expect(p.detail).toBe('email: must not contain the control character U+0000');
  });

  test('an unpaired surrogate from a JSON escape, other C0 controls and U+FFFE are refused the same way', async () => {
    expect((await problemOf(await raw('/api/v1/auth/signin', 'POST', '{"email":"a\\ud800@example.test","password":"x"}', true))).errors).toEqual([{ field: 'email', message: 'must not contain the unpaired surrogate U+D800' }]);
    expect((await problemOf(await raw('/api/v1/auth/password-reset', 'POST', '{"email":"a\\u001b@example.test"}', true))).field).toBe('email');
    expect((await problemOf(await raw('/api/v1/auth/signin', 'POST', '{"email":"a@example.test","password":"\\ufffe"}', true))).errors).toEqual([{ field: 'password', message: 'must not contain the non-character U+FFFE' }]);
    // TAB, LF and CR are text.
    expect((await raw('/api/v1/auth/signin', 'POST', '{"email":"a@example.test","password":"x\\ty\\r\\nz"}', true)).status).toBe(401);
  });

  test('a nested field is named by its dotted path, and nothing is created', async () => {
    const before = await contactCount();
    const p = await problemOf(await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'Anna', phones: [{ number: '030 1234' }, { number: '040\u00005678' }] } }));
    expect(p).toMatchObject({ field: 'phones.1.number', detail: 'phones.1.number: must not contain the control character U+0000' });
    // Also in free-form fields no schema looks into, and in field names.
    expect((await problemOf(await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'Anna', attributes: { acme: { note: 'a\u0007b' } } } }))).field).toBe('attributes.acme.note');
    expect((await problemOf(await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'Anna', attributes: { 'ac\u0000me': {} } } }))).field).toBe('attributes.ac%00me');
    expect(await contactCount()).toBe(before);
  });

  test('query strings: the parameter is named, declared or not', async () => {
    for (const name of ['q', 'department', 'tag']) expect((await problemOf(await core.request(`/api/v1/contacts?${name}=a%00b`))).field).toBe(`query.${name}`);
    for (const name of ['action', 'actor']) expect((await problemOf(await core.request(`/api/v1/audit?${name}=%01`))).field).toBe(`query.${name}`);
    expect((await problemOf(await core.request('/api/v1/contacts?utm=%EF%BF%BF'))).field).toBe('query.utm');
  });

  test('path segments: the path parameter is named', async () => {
    const p = await problemOf(await core.request(`/api/v1/phonebooks/${phonebookId}/vendors/%00`));
    expect(p).toMatchObject({ field: 'param.vendor', detail: 'param.vendor: must not contain the control character U+0000' });
    expect((await problemOf(await core.request('/api/v1/contacts/%1F'))).field).toBe('param.id');
  });

  test("plugin routes, documented or a plain Hono app, are guarded like core's", async () => {
    expect((await problemOf(await core.request('/api/v1/plugins/probe/plain/echo/a%00?q=x'))).field).toBe('param.word');
    expect((await problemOf(await core.request('/api/v1/plugins/probe/plain/echo/ok?q=%00'))).field).toBe('query.q');
    expect(await (await core.request('/api/v1/plugins/probe/plain/echo/ok%20go?q=fine')).json()).toEqual({ word: 'ok go', q: 'fine' });
    // A JSON body sent without a content type, which the handler reads all the same.
    const untyped = (text: string) => core.request('/api/v1/plugins/probe/plain/echo', { method: 'POST', body: new TextEncoder().encode(text) });
    expect((await problemOf(await untyped('{"word":"a\\u0000"}'))).field).toBe('word');
    expect(await (await untyped('{"word":"fine"}')).json()).toEqual({ word: 'fine' });
  });

  test('a refused write is audited with its status and the path as sent', async () => {
    const res = await core.request(`/api/v1/phonebooks/${phonebookId}/vendors/%00/setup`, { method: 'POST' });
    expect(res.status).toBe(422);
    const audit = (await (await core.request(`/api/v1/audit?action=${encodeURIComponent('POST /phonebooks/:id/vendors/:vendor/setup')}`)).json()) as { items: { status: number; path: string }[] };
    expect(audit.items[0]).toMatchObject({ status: 422, path: `/api/v1/phonebooks/${phonebookId}/vendors/%00/setup` });
  });

  test('a plugin handing the domain a contact with a NUL gets the same 422 (parseInput)', async () => {
    await expect(core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'An\u0000na' }, systemActor)).rejects.toMatchObject({ status: 422, field: 'firstName', message: 'firstName: must not contain the control character U+0000' });
  });
});

describe('field errors are sentences', () => {
  test('no raw zod message reaches the caller', async () => {
    const emptyEmail = await problemOf(await raw('/api/v1/auth/signin', 'POST', '{"email":"","password":"x"}', true));
    expect(emptyEmail.errors).toEqual([{ field: 'email', message: 'must not be empty' }]);
    const missing = await problemOf(await raw('/api/v1/auth/signin', 'POST', '{"password":"x"}', true));
    expect(missing.errors).toEqual([{ field: 'email', message: 'is required' }]);
    const long = await problemOf(await core.request('/api/v1/sites', { method: 'POST', json: { name: 'x'.repeat(201) } }));
    expect(long.errors).toEqual([{ field: 'name', message: 'must have at most 200 characters' }]);
    const email = await problemOf(await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'A', emails: ['nope'] } }));
    expect(email.errors).toEqual([{ field: 'emails.0', message: 'must be a valid e-mail address' }]);
    const port = await problemOf(await core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { port: 70000 } } }));
    expect(port.errors).toEqual([{ field: 'smtp.port', message: 'must be at most 65535' }]);
    const id = await problemOf(await core.request('/api/v1/contacts/not-an-id'));
    expect(id.errors).toEqual([{ field: 'param.id', message: expect.stringMatching(/^must be an id \(a UUID such as /) }]);
    const page = await problemOf(await core.request('/api/v1/contacts?pageSize=0&sort=colour'));
    expect(page.errors).toEqual([
      { field: 'query.sort', message: 'must be one of "name", "firstName", "lastName", "organization", "department", "createdAt", "updatedAt"' },
      { field: 'query.pageSize', message: 'must be at least 1' },
    ]);
    for (const p of [emptyEmail, missing, long, email, port, id, page]) expect(p.detail).not.toMatch(/Too (small|big)|Invalid (input|option|string)|expected \w+, received|[<>]=/);
  });
});

describe('problem details', () => {
  test("a failed directory connection's 502 keeps details.stage; the cause stays in the log", async () => {
    const p = await problemOf(await core.request('/api/v1/plugins/probe/sync-failure'), 502);
    expect(p).toMatchObject({ code: 'DIALBOOK_PROBE_BIND', details: { stage: 'bind', detail: 'invalid credentials' } });
    expect(JSON.stringify(p)).not.toContain('hunter2');
  });

  test('an unknown id is named in details; a 422 lists its fields once, in errors', async () => {
    const id = randomUUID();
    expect((await problemOf(await core.request(`/api/v1/contacts/${id}`), 404)).details).toEqual({ id });
    expect((await problemOf(await raw('/api/v1/auth/signin', 'POST', '{"email":""}', true))).details).toBeUndefined();
  });

  test('an internal error shows nothing of itself; details JSON cannot carry are left out', async () => {
    const crash = await problemOf(await core.request('/api/v1/plugins/probe/crash'), 500);
    expect(crash).toMatchObject({ code: 'DIALBOOK_INTERNAL', detail: 'an unexpected error occurred; the server log has the details' });
    expect(crash.details).toBeUndefined();
    expect(JSON.stringify(crash)).not.toContain('hunter2');
    const odd = await problemOf(await core.request('/api/v1/plugins/probe/odd-details'), 409);
    expect(odd).toMatchObject({ code: 'DIALBOOK_PROBE_ODD' });
    expect(odd.details).toBeUndefined();
  });

  test('the Problem schema of /openapi.json documents details', async () => {
    const doc = (await (await core.request('/openapi.json')).json()) as { components: { schemas: { Problem: { properties: Record<string, unknown> } } } };
    expect(doc.components.schemas.Problem.properties).toHaveProperty('details');
  });
});
