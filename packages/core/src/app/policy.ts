import type { Access } from '../base/access.js';
import type { Policy } from '../module.js';

export type { Access } from '../base/access.js';

/** A plugin's routes as mounted, as plain data: its instance id and each mount's path and access. */
export interface PluginMounts {
  id: string;
  routes: readonly { path: string; access?: Access | undefined }[];
}

/** The access a request needs (`METHOD`, path under `/api/v1`), or undefined for no such route. */
export type PolicyLookup = (method: string, path: string) => { pattern: string; access: Access } | undefined;

const compile = (pattern: string) => new RegExp(`^${pattern.replace(/:[A-Za-z]+/g, '[^/]+')}/?$`);

/**
 * Who may call what under `/api/v1`: the areas' access tables (each area declares its routes'
 * access beside them), then plugin routes (`/plugins/<id>/…`), which need the access the plugin
 * declared when mounting them (default `admin`; the longest mount path that contains the request's
 * path decides). A route in neither is refused; a test checks every documented route has an entry.
 * Site limits are applied below this, by the services (a `user` sees only their sites).
 */
export function policyLookup(table: readonly Policy[], plugins: readonly PluginMounts[] = []): PolicyLookup {
  const compiled = table.map(([method, pattern, access]) => ({ method, pattern, access, re: compile(pattern) }));
  return (method, path) => {
    const m = method === 'HEAD' ? 'GET' : method;
    const hit = compiled.find((p) => p.method === m && p.re.test(path));
    if (hit) return hit;
    const plugin = /^\/plugins\/([^/]+)(\/.*)?$/.exec(path);
    const p = plugin ? plugins.find((x) => x.id === plugin[1]) : undefined;
    if (!p) return undefined;
    // The most specific mount wins (`/public` before `/`), matched on whole path segments.
    const rest = plugin![2] ?? '/';
    const route = p.routes.filter((r) => r.path === '/' || rest === r.path || rest.startsWith(`${r.path.replace(/\/+$/, '')}/`)).sort((a, b) => b.path.length - a.path.length)[0];
    return route ? { pattern: `/plugins/${p.id}${route.path}*`, access: route.access ?? 'admin' } : undefined;
  };
}
