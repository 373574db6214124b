import type { Role } from '../base/access.js';
import type { Dialbook } from './dialbook.js';

export type Access = 'public' | Role;

/**
 * Who may call what, for every route under `/api/v1`, in one table. Site limits are
 * applied below this by the domain services (a `user` sees only their sites).
 * A route missing here is refused; a test checks every documented route has an entry.
 */
export const POLICIES: readonly (readonly [method: string, pattern: string, access: Access])[] = [
  ['POST', '/auth/signin', 'public'],
  ['POST', '/auth/signup', 'public'],
  ['POST', '/auth/password-reset', 'public'],
  ['POST', '/auth/password-reset/complete', 'public'],
  ['GET', '/auth/session', 'user'],
  ['POST', '/auth/signout', 'user'],
  ['GET', '/auth/tokens', 'user'],
  ['POST', '/auth/tokens', 'user'],
  ['DELETE', '/auth/tokens/:id', 'user'],

  ['GET', '/sites', 'user'],
  ['GET', '/sites/:id', 'user'],
  ['POST', '/sites', 'staff'],
  ['PATCH', '/sites/:id', 'staff'],
  ['DELETE', '/sites/:id', 'staff'],

  ['GET', '/phonebooks', 'user'],
  ['POST', '/phonebooks', 'user'],
  ['GET', '/phonebooks/:id', 'user'],
  ['PATCH', '/phonebooks/:id', 'user'],
  ['DELETE', '/phonebooks/:id', 'user'],
  ['GET', '/phonebooks/:id/members', 'user'],
  ['POST', '/phonebooks/:id/members', 'user'],
  ['DELETE', '/phonebooks/:id/members/:contactId', 'user'],
  ['GET', '/phonebooks/:id/credentials', 'user'],
  ['POST', '/phonebooks/:id/credentials', 'staff'],
  ['GET', '/phonebooks/:id/directory', 'user'],
  ['PUT', '/phonebooks/:id/directory/:vendor', 'user'],
  ['GET', '/phonebooks/:id/vendors', 'user'],
  ['GET', '/phonebooks/:id/vendors/:vendor', 'user'],
  ['POST', '/phonebooks/:id/vendors/:vendor/setup', 'staff'],
  ['PUT', '/phonebooks/:id/vendors/:vendor/configuration', 'staff'],
  ['POST', '/phonebooks/:id/vendors/:vendor/enable', 'staff'],
  ['POST', '/phonebooks/:id/vendors/:vendor/disable', 'staff'],
  ['GET', '/vendor-services', 'staff'],

  ['GET', '/contacts', 'user'],
  ['POST', '/contacts', 'user'],
  ['GET', '/contacts/lookup', 'user'],
  ['GET', '/contacts/facets', 'user'],
  ['GET', '/contacts/:id', 'user'],
  ['PATCH', '/contacts/:id', 'user'],
  ['DELETE', '/contacts/:id', 'user'],
  ['POST', '/contacts/:id/restore', 'user'],
  ['DELETE', '/contacts/:id/permanent', 'user'],
  ['GET', '/contacts/:id/history', 'user'],

  ['GET', '/notifications', 'user'],
  ['GET', '/notifications/unread-count', 'user'],
  ['POST', '/notifications/mark-all-read', 'user'],
  ['DELETE', '/notifications', 'user'],

  ['GET', '/users', 'staff'],
  ['POST', '/users', 'staff'],
  ['GET', '/users/:id', 'staff'],
  ['PATCH', '/users/:id', 'staff'],
  ['DELETE', '/users/:id', 'staff'],
  ['POST', '/users/:id/invite', 'staff'],
  ['POST', '/users/:id/invitation-link', 'admin'],

  ['GET', '/credentials', 'staff'],
  ['DELETE', '/credentials/:id', 'staff'],
  ['POST', '/service-keys', 'admin'],
  ['POST', '/engine-tokens', 'admin'],
  ['GET', '/audit', 'staff'],

  ['GET', '/plugins', 'user'],
  ['GET', '/jobs', 'staff'],
  ['GET', '/sources', 'staff'],
  ['POST', '/sources/:id/sync', 'staff'],
  ['POST', '/actions/:actionId', 'staff'],

  ['GET', '/settings', 'admin'],
  ['GET', '/settings/:category', 'admin'],
  ['PATCH', '/settings/:category', 'admin'],
  ['GET', '/mail/outbox', 'admin'],
  ['POST', '/mail/templates/:id/preview', 'admin'],
  ['POST', '/mail/test', 'admin'],
];

const compile = (pattern: string) => new RegExp(`^${pattern.replace(/:[A-Za-z]+/g, '[^/]+')}/?$`);
const compiled = POLICIES.map(([method, pattern, access]) => ({ method, pattern, access, re: compile(pattern) }));

/**
 * The policy for a request: the table above, then plugin routes (`/plugins/<id>/…`), which
 * need the access the plugin declared when mounting them (default `admin`; the longest mount path
 * that contains the request's path decides).
 */
export function findPolicy(method: string, path: string, dialbook?: Dialbook): { pattern: string; access: Access } | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  const hit = compiled.find((p) => p.method === m && p.re.test(path));
  if (hit) return hit;
  const plugin = /^\/plugins\/([^/]+)(\/.*)?$/.exec(path);
  if (plugin && dialbook) {
    const p = dialbook.plugins.find((x) => x.id === plugin[1]);
    // The most specific mount wins (`/public` before `/`), matched on whole path segments.
    const rest = plugin[2] ?? '/';
    const route = p?.routes.filter((r) => r.path === '/' || rest === r.path || rest.startsWith(`${r.path.replace(/\/+$/, '')}/`)).sort((a, b) => b.path.length - a.path.length)[0];
    if (route) return { pattern: `/plugins/${p!.id}${route.path}*`, access: route.access ?? 'admin' };
  }
  return undefined;
}
