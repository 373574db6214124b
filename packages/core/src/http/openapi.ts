import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { unholdableIssues, validationError } from '../base/validate.js';
import { acceptsUpload } from './body-limit.js';
import type { AppEnv } from './env.js';
import type { Access } from '../base/access.js';

/**
 * Request validation failures become 422 problem+json naming each field; the prefix tells whether the
 * field was in the query (`query.q`), the path (`param.id`), a form (`form.name`) or the JSON body (`name`).
 * Valid input holding a character no field can hold (NUL, …) is refused the same way: the API's input
 * guard checks the path, the query and JSON bodies of every route; this covers what else a route validates.
 */
const defaultHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  const target = (result as { target?: string }).target;
  const prefix = target && target !== 'json' ? target : '';
  if (!result.success) throw validationError(result.error.issues, prefix);
  const unholdable = unholdableIssues(result.data);
  if (unholdable.length) throw validationError(unholdable, prefix);
};

/**
 * A router whose routes are documented in `/openapi.json` (`router.openapi(createRoute({…}), handler)`).
 * Invalid params, query or body answer 422 problem+json naming the field (`query.q`, `param.id`, `name`).
 * Plugins mount one with `ctx.http.route(path, router)`.
 *
 * Request bodies are limited to 1 MiB; `uploads: true` makes every route of the router one that takes an
 * upload, limited by `server.maxUploadBytes` instead (keep such routes in a router of their own).
 */
export const createRouter = (options: { uploads?: boolean } = {}): OpenAPIHono<AppEnv> => {
  const router = new OpenAPIHono<AppEnv>({ defaultHook });
  if (options.uploads) router.use('*', acceptsUpload);
  return router;
};

// ---- plugin routes ----

/** A plugin's router as mounted: documented (an OpenAPIHono router) or not (a plain Hono app). */
export interface MountedPluginRouter {
  /** Instance id (`ldap`, `ad`). */
  id: string;
  /** The plugin's name (`ldap`). */
  plugin: string;
  /** Where it is mounted under the API prefix: `/plugins/<id><path>`. */
  base: string;
  access: Access;
  /** The plugin's router under a core parent that applies core's validation hook; null when the app is not documented. */
  documented: OpenAPIHono<AppEnv> | null;
}

/**
 * Mount a plugin's app at `/plugins/<instance id><path>` of the API router. An OpenAPIHono app (from
 * `createRouter`) gets core's validation hook as its default and is documented by `withPluginOperations`;
 * a plain Hono app is mounted as it is, undocumented. Plugin operations are never registered on `api`
 * itself: their paths, tags, operation ids and component names are set per instance afterwards.
 */
export function mountPluginRouter(api: OpenAPIHono<AppEnv>, instance: { id: string; plugin: string }, route: { path: string; app: unknown; access?: Access | undefined }): MountedPluginRouter {
  const base = `/plugins/${instance.id}${route.path === '/' ? '' : route.path}`;
  const access = route.access ?? 'admin';
  if (!(route.app instanceof OpenAPIHono)) {
    api.route(base, route.app as Hono<AppEnv>);
    return { ...instance, base, access, documented: null };
  }
  // The parent makes core's hook the default of a router built with `new OpenAPIHono()`, and collects its
  // definitions; it is mounted through a plain Hono app so that `api` does not copy them untouched.
  const parent = createRouter();
  parent.route('/', route.app as OpenAPIHono<AppEnv>);
  api.route('/', new Hono<AppEnv>().route(base, parent));
  return { ...instance, base, access, documented: parent };
}

type Json = Record<string, unknown>;
type Document = { paths?: Record<string, Record<string, unknown>>; components?: Record<string, Record<string, unknown> | undefined>; tags?: { name: string; description?: string }[] };

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const SECURITY = [{ bearer: [] }, { session: [] }];
const camel = (s: string) => s.replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : ''));
const pascal = (s: string) => {
  const c = camel(s);
  return c.charAt(0).toUpperCase() + c.slice(1);
};

/** JSON with object keys sorted, to compare two generated schemas. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Json)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Replace `$ref`s to renamed components (`#/components/<type>/<old>` → `<new>`) everywhere in `value`. */
function rewriteRefs(value: unknown, renames: Map<string, string>): unknown {
  if (renames.size === 0) return value;
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, renames));
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === '$ref' && typeof v === 'string' && renames.has(v) ? renames.get(v) : rewriteRefs(v, renames);
    return out;
  }
  return value;
}

/**
 * Add the documented plugin routers' operations to core's document: each instance's paths under
 * `/plugins/<instance id>/…`, tagged `Plugin: <instance id>`, with operation ids prefixed by the
 * instance id (`ldapSync`, `adSync`; unique in the document), the bearer/session security (none for
 * `public` routes) and the 401/403 answers of the route policy.
 *
 * Each instance's operations are generated on their own, so two instances of one plugin never clash.
 * Their components are merged by name: one the document already has with the same content is shared
 * (`Problem`, `Contact`, a plugin's `.meta({ id })` schema used by two instances); one whose name is taken
 * by a different schema is renamed `<instance id>.<name>` and its references follow (`warn` is told).
 */
export function withPluginOperations<D>(document: D, routers: readonly MountedPluginRouter[], info: { title: string; version: string }, warn: (message: string) => void): D {
  const doc = structuredClone(document) as Document;
  const paths = (doc.paths ??= {});
  const components = (doc.components ??= {});
  const operationIds = new Set<string>();
  for (const item of Object.values(paths)) for (const [m, op] of Object.entries(item)) if (METHODS.has(m) && typeof (op as Json).operationId === 'string') operationIds.add((op as Json).operationId as string);
  const tags = new Map<string, string>();

  for (const r of routers) {
    if (!r.documented) continue;
    const sub = r.documented.getOpenAPI31Document({ openapi: '3.1.0', info }) as Document;
    const renames = new Map<string, string>();
    const incoming: [type: string, name: string, value: unknown][] = [];
    for (const [type, entries] of Object.entries(sub.components ?? {})) {
      for (const [name, value] of Object.entries(entries ?? {})) {
        const existing = components[type]?.[name];
        if (existing === undefined || canonical(existing) === canonical(value)) {
          incoming.push([type, name, value]);
          continue;
        }
        const renamed = `${r.id}.${name}`;
        warn(`plugin "${r.id}": OpenAPI component ${type}/${name} is already defined differently (by core or another plugin); documented as ${type}/${renamed} — give the schema a unique .meta({ id })`);
        renames.set(`#/components/${type}/${name}`, `#/components/${type}/${renamed}`);
        incoming.push([type, renamed, value]);
      }
    }
    for (const [type, name, value] of incoming) (components[type] ??= {})[name] = rewriteRefs(value, renames);

    const tag = `Plugin: ${r.id}`;
    tags.set(tag, `Routes of the plugin instance \`${r.id}\` (plugin \`${r.plugin}\`), under \`/plugins/${r.id}\``);
    for (const [subPath, item] of Object.entries(sub.paths ?? {})) {
      const path = `${r.base.replace(/:([^/]+)/g, '{$1}')}${subPath === '/' ? '' : subPath}` || '/';
      const target = (paths[path] ??= {});
      for (const [method, raw] of Object.entries(rewriteRefs(item, renames) as Json)) {
        if (!METHODS.has(method)) {
          target[method] = raw;
          continue;
        }
        const op = raw as Json;
        const own = typeof op.operationId === 'string' && op.operationId ? pascal(op.operationId) : `${pascal(method)}${pascal(subPath.replace(/[{}]/g, '')) || 'Root'}`;
        let operationId = `${camel(r.id)}${own}`;
        for (let n = 2; operationIds.has(operationId); n++) operationId = `${camel(r.id)}${own}${n}`;
        operationIds.add(operationId);
        const responses = { ...((op.responses as Json | undefined) ?? {}) };
        if (r.access !== 'public') {
          const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
          responses['401'] ??= problem('Not signed in');
          responses['403'] ??= problem(`Signed in without the role \`${r.access}\``);
        }
        target[method] = { ...op, operationId, tags: [tag], security: r.access === 'public' ? [] : SECURITY, responses };
      }
    }
  }
  if (tags.size) doc.tags = [...(doc.tags ?? []), ...[...tags].map(([name, description]) => ({ name, description }))];
  return doc as D;
}
