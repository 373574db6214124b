import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import { systemActor } from '@dialbook/core';
import ldap from '@dialbook/plugin-ldap';
import cucm from '@dialbook/plugin-cucm';
import placetel from '@dialbook/plugin-placetel';
import teams from '@dialbook/plugin-teams';
import { findPolicy } from '../src/app/modules.js';

/**
 * Hostile input on every route of `/openapi.json` (core's and those of plugin-ldap, plugin-cucm, plugin-placetel and plugin-teams), as the administrator and
 * anonymously: NUL, the other C0 controls, unpaired surrogates, U+FFFE/U+FFFF, over-long strings,
 * wrong types, deep nesting and bodies over the limit, in every string body field, query parameter
 * and path parameter. Expected:
 * - never a 5xx;
 * - a character no field can hold is a 422 naming the field (`phones.0.number`, `query.q`, `param.vendor`);
 * - an over-long or wrongly typed body field is a 4xx; a body over 1 MiB a 413;
 * - nothing changes (sites, phonebooks, contacts, users, credentials, …);
 * - every refused write of the signed-in administrator is in the audit log with the status it got
 *   (none is lost), and anonymous refusals write no audit row.
 * Runs on SQLite and on PostgreSQL (`npm test -- packages/core/test/fuzz-routes.test.ts`).
 */

type Schema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: Schema | boolean;
};
type Parameter = { name: string; in: string; required?: boolean; schema?: Schema };
type Operation = { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema: Schema }> } };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

type Case = {
  label: string;
  method: string;
  path: string;
  /** A raw JSON text body (sent with content-type application/json). */
  body?: string;
  /** The 422 must name this field. */
  field?: string;
  /** What the answer must be: exactly this status, or any 4xx. Never a 5xx, in any case. */
  expect?: number | '4xx';
};

const MiB = 1024 * 1024;
const TABLES = ['site', 'phonebook', 'phonebook_member', 'contact', 'contact_phone', 'history', 'notification', 'app_user', 'user_site', 'machine_credential', 'setting', 'vendor_service_pair', 'contact_secret', 'contact_enrichment', 'call_record'];
/** Tables whose rows change in the background (the mail worker's attempts): only their row count is compared. */
const COUNTED = ['mail_outbox', 'api_token', 'auth_link'];

/** Characters no field can hold, inside otherwise ordinary text, as JSON string content. */
const BAD_IN_JSON = ['Fu\u0000zz', '\u0000', 'a\u0001b', 'tab\u0008', 'esc\u001b[0m', 'x\u001f', 'half \ud800 pair', 'low \udfff', 'non\ufffe', '\uffff'];
/** The same in a URL (percent-encoded UTF-8): NUL, C0 controls, U+FFFE/U+FFFF. */
const BAD_IN_URL = ['a%00b', '%00', '%07', '%1B', '%0B', '%EF%BF%BE', '%EF%BF%BF'];
/** Odd but holdable in a URL: an undecodable escape stays as it is (no surrogate can come from a URL). */
const ODD_IN_URL = ['%ED%A0%80', '%ff', '%', 'x'.repeat(100_000)];

let core: TestCore;
let doc: Doc;
const ids: Record<string, string> = {};

/** A hash of each guarded table's rows: which table changed shows in a failure. */
async function digest(): Promise<Record<string, string>> {
  const conn = core.dialbook.orm.em.fork().getConnection();
  const out: Record<string, string> = {};
  for (const table of TABLES) out[table] = createHash('sha256').update(JSON.stringify(await conn.execute(`select * from ${table} order by 1, 2`))).digest('hex');
  for (const table of COUNTED) out[table] = String(((await conn.execute(`select count(*) as n from ${table}`)) as { n: number | string }[])[0]!.n);
  return out;
}

type AuditRow = { id: number; method: string | null; path: string | null; status: number | null };
/** The audit rows of API writes since `after` (an accepted `GET /calls/export` also writes one, `calls.exported`: a read, not a write). */
const auditRows = async (after: number): Promise<AuditRow[]> =>
  (await core.dialbook.orm.em.fork().getConnection().execute(`select id, method, path, status from audit_event where id > ${after} and action <> 'calls.exported' order by id`)) as AuditRow[];
const lastAuditId = async (): Promise<number> => Number(((await core.dialbook.orm.em.fork().getConnection().execute('select max(id) as m from audit_event')) as { m: number | null }[])[0]?.m ?? 0);

beforeAll(async () => {
  core = await createTestCore({ plugins: { ldap, cucm, placetel: { plugin: placetel, options: { syncCron: null } }, teams } });
  const d = core.dialbook;
  const contact = await d.contacts.create({ siteId: core.site.id, firstName: 'Fuzz', lastName: 'Target', phones: [{ number: '030 1234567' }] }, systemActor);
  const book = await d.phonebooks.create({ siteId: core.site.id, name: 'Fuzz book', filter: {} });
  await d.notifications.notify({ siteId: core.site.id, title: 'Fuzz notice' });
  const user = await core.createUser({ role: 'user', siteIds: [core.site.id] });
  const spare = await d.accounts.createApiToken(core.admin.user.id, 'spare', null, systemActor);
  Object.assign(ids, {
    site: core.site.id,
    contact: contact.id,
    phonebook: book.id,
    user: user.user.id,
    credential: (await d.credentials.createForPhonebook(book.id, 'fuzz phone', systemActor)).credential.id,
    token: spare.info.id,
  });
  doc = (await (await core.request('/openapi.json')).json()) as Doc;
});
afterAll(() => core?.close());

// ---- the document → cases ----

function resolve(s: Schema | undefined): Schema {
  let schema = s ?? {};
  for (let n = 0; schema.$ref && n < 10; n++) schema = doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')] ?? {};
  const variant = schema.anyOf ?? schema.oneOf;
  if (variant) return resolve(variant.find((v) => resolve(v).type !== 'null') ?? variant[0]);
  if (schema.allOf) return schema.allOf.map(resolve).reduce((a, b) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties }, required: [...(a.required ?? []), ...(b.required ?? [])] }), {});
  return schema;
}
const typeOf = (s: Schema): string | undefined => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type) ?? (s.properties ? 'object' : undefined);

/** A valid-looking value for a field, so that the one hostile field is what a request is refused for. */
function sample(s0: Schema | undefined, name = ''): unknown {
  const s = resolve(s0);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  switch (typeOf(s)) {
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties?.[k], k)]));
    case 'array':
      return [sample(s.items, name.replace(/s$/, ''))];
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      return sampleString(s, name);
    default:
      return {};
  }
}

function sampleString(s: Schema, name: string): string {
  if (s.format === 'uuid') return ({ siteId: ids.site, site: ids.site, contactId: ids.contact, contact: ids.contact, phonebookId: ids.phonebook } as Record<string, string>)[name] ?? randomUUID();
  if (s.format === 'email') return 'fuzz@test.invalid';
  if (s.format === 'date-time') return '2030-01-01T00:00:00Z';
  if (s.format === 'date') return '2030-01-01';
  if (s.format === 'uri' || s.format === 'url') return 'https://example.invalid/';
  if (name === 'password') return 'fuzz-password-1234';
  if (s.pattern) return ['fuzz', 'DE', '+49 30 1234567', 'fuzz-value', 'manual'].find((v) => new RegExp(s.pattern!).test(v)) ?? 'fuzz';
  return 'Fuzz value'.padEnd(s.minLength ?? 0, 'x').slice(0, s.maxLength ?? 200);
}

/** Every leaf field of a body schema, as a path (`phones.0.number`) with its schema. */
function leaves(s0: Schema | undefined, path: string[] = [], depth = 0): { path: string[]; schema: Schema }[] {
  const s = resolve(s0);
  const t = typeOf(s);
  if (depth > 5) return [];
  if (t === 'object' && s.properties) return Object.entries(s.properties).flatMap(([k, v]) => leaves(v, [...path, k], depth + 1));
  if (t === 'object') return []; // free-form (settings, options): covered by the extra fields below
  if (t === 'array') return leaves(s.items, [...path, '0'], depth + 1);
  return path.length ? [{ path, schema: s }] : [];
}

/** `base` with `value` at `path`, the containers on the way filled with valid-looking values. */
function withValue(schema: Schema, base: unknown, path: string[], value: unknown): unknown {
  if (!path.length) return value;
  const s = resolve(schema);
  const [head, ...rest] = path as [string, ...string[]];
  if (typeOf(s) === 'array') {
    const item = sample(s.items);
    return [withValue(s.items ?? {}, Array.isArray(base) && base[0] !== undefined ? base[0] : item, rest, value)];
  }
  const obj = base && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Record<string, unknown>) } : {};
  const child = s.properties?.[head] ?? {};
  obj[head] = withValue(child, obj[head] ?? sample(child, head), rest, value);
  return obj;
}

/** A concrete value for a path parameter: a real id of the test's data, so the other parameters are not what a request is refused for. */
function param(path: string, name: string): string {
  if (name === 'contactId') return ids.contact!;
  if (name === 'actionId') return 'nope.action';
  if (name === 'category') return 'email';
  if (name === 'vendor') return 'yealink';
  if (name === 'cid') return randomUUID();
  if (path.startsWith('/contacts')) return ids.contact!;
  if (path.startsWith('/phonebooks')) return ids.phonebook!;
  if (path.startsWith('/sites')) return ids.site!;
  if (path.startsWith('/users')) return ids.user!;
  if (path.startsWith('/credentials')) return ids.credential!;
  if (path.startsWith('/auth/tokens')) return ids.token!;
  if (path.startsWith('/mail/templates')) return 'signup';
  if (path.startsWith('/sources')) return 'ldap';
  return randomUUID();
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const [template, ops] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(ops)) {
      const method = m.toUpperCase();
      const params = op.parameters ?? [];
      const pathParams = params.filter((p) => p.in === 'path').map((p) => p.name);
      const queryParams = params.filter((p) => p.in === 'query');
      const url = (overrides: Record<string, string> = {}, query: Record<string, string> = {}) => {
        const path = template.replace(/\{(\w+)\}/g, (_m, n: string) => overrides[n] ?? encodeURIComponent(param(template, n)));
        const q = { ...Object.fromEntries(queryParams.filter((p) => p.required).map((p) => [p.name, encodeURIComponent(String(sample(p.schema, p.name)))])), ...query };
        const qs = Object.entries(q).map(([k, v]) => `${k}=${v}`).join('&');
        return `/api/v1${path}${qs ? `?${qs}` : ''}`;
      };
      const schema = op.requestBody?.content?.['application/json']?.schema;
      const base = schema ? sample(schema) : undefined;
      const bodyText = base === undefined ? undefined : JSON.stringify(base);
      const at = `${method} ${template}`;
      const add = (c: Omit<Case, 'method'>) => out.push({ method, ...(bodyText !== undefined && !('body' in c) ? { body: bodyText } : {}), ...c });

      for (const name of pathParams) {
        for (const v of BAD_IN_URL) add({ label: `${at} param ${name}=${v}`, path: url({ [name]: v }), field: `param.${name}`, expect: 422 });
        for (const v of ODD_IN_URL) add({ label: `${at} param ${name}=${v.slice(0, 12)}`, path: url({ [name]: v }) });
      }
      for (const p of queryParams) {
        for (const v of BAD_IN_URL) add({ label: `${at} query ${p.name}=${v}`, path: url({}, { [p.name]: v }), field: `query.${p.name}`, expect: 422 });
        for (const v of ODD_IN_URL) add({ label: `${at} query ${p.name}=${v.slice(0, 12)}`, path: url({}, { [p.name]: v }) });
      }
      add({ label: `${at} unknown query parameter`, path: url({}, { fuzz: '%00' }), field: 'query.fuzz', expect: 422 });
      // A body over the JSON limit, sent to every write (read or not by the route).
      if (method !== 'GET') add({ label: `${at} body of 1 MiB + 1`, path: url(), body: `{"fuzz":"${'x'.repeat(MiB + 1 - '{"fuzz":""}'.length)}"}`, expect: 413 });
      if (!schema) continue;

      for (const leaf of leaves(schema)) {
        const field = leaf.path.join('.');
        const set = (value: unknown) => JSON.stringify(withValue(schema, base, leaf.path, value));
        if (typeOf(leaf.schema) === 'string') {
          for (const v of BAD_IN_JSON) add({ label: `${at} ${field}=${JSON.stringify(v)}`, path: url(), body: set(v), field, expect: 422 });
          add({ label: `${at} ${field} of 100,000 characters`, path: url(), body: set('x'.repeat(100_000)), expect: '4xx' });
          add({ label: `${at} ${field} of 1 MiB + 1 characters`, path: url(), body: set('x'.repeat(MiB + 1)), expect: 413 });
          // The same character written as a JSON escape (`\u0000`, `\ud800`), which is how a lone surrogate arrives.
          add({ label: `${at} ${field}="\\ud800" escaped`, path: url(), body: set('@@@').replace('@@@', 'a\\ud800b'), field, expect: 422 });
          add({ label: `${at} ${field}="\\u0000" escaped`, path: url(), body: set('@@@').replace('@@@', '\\u0000'), field, expect: 422 });
        }
        for (const v of typeOf(leaf.schema) === 'string' ? [12345, {}, [], true] : ['fuzz', {}, -1.5]) add({ label: `${at} ${field}=${JSON.stringify(v)} (wrong type)`, path: url(), body: set(v), expect: '4xx' });
      }
      const obj = base && typeof base === 'object' && !Array.isArray(base) ? (base as Record<string, unknown>) : {};
      add({ label: `${at} extra field with NUL`, path: url(), body: JSON.stringify({ ...obj, fuzzExtra: 'a\u0000' }), field: 'fuzzExtra', expect: 422 });
      add({ label: `${at} nested extra field with NUL`, path: url(), body: JSON.stringify({ ...obj, fuzzExtra: { list: ['ok', '\u0000'] } }), field: 'fuzzExtra.list.1', expect: 422 });
      add({ label: `${at} field name with NUL`, path: url(), body: JSON.stringify({ ...obj, 'fu\u0000zz': 1 }), expect: 422 });
      for (const whole of ['[]', '"text"', 'null', '12', '{"a":', '\u0000']) add({ label: `${at} body ${JSON.stringify(whole)}`, path: url(), body: whole, expect: '4xx' });
      add({ label: `${at} deeply nested body`, path: url(), body: `{"fuzz":${'['.repeat(20_000)}${']'.repeat(20_000)}}`, expect: '4xx' });
    }
  }
  return out;
}

async function run(list: Case[], anonymous: boolean): Promise<{ failures: string[]; audited: string[] }> {
  const failures: string[] = [];
  const audited: string[] = [];
  for (const c of list) {
    const init: RequestInit = { method: c.method, ...(c.body !== undefined && c.method !== 'GET' ? { body: c.body, headers: { 'content-type': 'application/json' } } : {}) };
    const res = await core.request(c.path, { ...init, anonymous });
    const text = await res.text();
    const policy = findPolicy(c.method, c.path.slice('/api/v1'.length).split('?')[0]!, core.dialbook)!;
    const refusedUnsigned = anonymous && policy?.access !== 'public';
    const wanted = refusedUnsigned ? 401 : c.expect;
    const problem = (() => {
      try {
        return JSON.parse(text) as { field?: string; code?: string };
      } catch {
        return {};
      }
    })();
    const got = `${res.status} ${text.slice(0, 160)}`;
    if (res.status >= 500) failures.push(`${c.label}: ${got}`);
    else if (wanted === '4xx' ? res.status < 400 : wanted !== undefined && res.status !== wanted) failures.push(`${c.label}: expected ${wanted}, got ${got}`);
    else if (c.field && !refusedUnsigned && problem.field !== c.field) failures.push(`${c.label}: expected field ${c.field}, got ${got}`);
    if (!anonymous && policy && policy.access !== 'public' && c.method !== 'GET') audited.push(`${c.method} ${res.status}`);
  }
  return { failures, audited };
}

describe('fuzzing every OpenAPI route', () => {
  test('the document lists core and the plugins\' routes, with path, query and body fields to fuzz', () => {
    const all = cases();
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/plugins/ldap/')).length).toBeGreaterThan(5);
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/plugins/cucm/')).length).toBeGreaterThan(3);
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/plugins/placetel/')).length).toBeGreaterThan(3);
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/plugins/teams/')).length).toBeGreaterThanOrEqual(2);
    expect(all.filter((c) => c.path.startsWith('/api/v1/plugins/placetel/') || c.path.startsWith('/plugins/placetel/')).length).toBeGreaterThan(10);
    expect(all.filter((c) => c.field?.startsWith('param.')).length).toBeGreaterThan(50);
    expect(all.filter((c) => c.field?.startsWith('query.')).length).toBeGreaterThan(50);
    expect(all.some((c) => c.field === 'phones.0.number')).toBe(true);
  });

  test('as the administrator: no 5xx, every bad character a 422 naming its field, nothing changes, every refused write audited', async () => {
    const before = await digest();
    const auditFrom = await lastAuditId();
    const { failures, audited } = await run(cases(), false);
    expect(failures).toEqual([]);
    expect(await digest()).toEqual(before);
    const rows = await auditRows(auditFrom);
    expect(rows.map((r) => `${r.method} ${r.status}`).sort()).toEqual(audited.sort());
    // Refused requests whose path held a NUL are audited too, with the path as it was sent.
    expect(rows.some((r) => r.path?.includes('%00'))).toBe(true);
  }, 600_000);

  test('anonymously: no 5xx, public routes refuse bad characters by field, the others are 401; nothing changes and nothing is audited', async () => {
    const before = await digest();
    const auditFrom = await lastAuditId();
    const { failures } = await run(cases(), true);
    expect(failures).toEqual([]);
    expect(await digest()).toEqual(before);
    expect(await auditRows(auditFrom)).toEqual([]);
  }, 600_000);

  test('phone directory routes (outside /api/v1): no 5xx for bad characters in path segments', async () => {
    const failures: string[] = [];
    for (const template of ['/directory/t/{token}/{vendor}', '/directory/t/{token}/{vendor}/{variant}', '/directory/{phonebookId}/{vendor}', '/directory/{phonebookId}/{vendor}/{variant}']) {
      for (const name of template.match(/\{(\w+)\}/g)!.map((s) => s.slice(1, -1))) {
        for (const v of [...BAD_IN_URL, ...ODD_IN_URL]) {
          const path = template.replace(/\{(\w+)\}/g, (_m, n: string) => (n === name ? v : n === 'phonebookId' ? ids.phonebook! : n === 'vendor' ? 'yealink' : 'fuzz'));
          const res = await core.request(path, { anonymous: true, headers: { authorization: `Basic ${Buffer.from('fuzz:fuzz').toString('base64')}` } });
          if (res.status >= 500) failures.push(`${path.slice(0, 80)}: ${res.status} ${(await res.text()).slice(0, 160)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
