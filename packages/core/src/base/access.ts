import { AsyncLocalStorage } from 'node:async_hooks';
import { DialbookError } from './errors.js';

export type Role = 'admin' | 'staff' | 'user';
export const ROLES: readonly Role[] = ['user', 'staff', 'admin'];
export const roleRank = (r: Role): number => ROLES.indexOf(r);
/** Who may call a route: anyone (`public`), or at least this role. */
export type Access = 'public' | Role;

/**
 * What the current request may touch. `siteIds: null` means every site (admins,
 * staff, and code running outside a request: plugins, jobs, the CLI).
 */
export interface AccessScope {
  role: Role;
  userId: string | null;
  siteIds: ReadonlySet<string> | null;
}

const storage = new AsyncLocalStorage<AccessScope>();

/** Run `fn` with a request's scope; every domain service consults it. */
export const runWithAccess = <T>(scope: AccessScope, fn: () => T): T => storage.run(scope, fn);

export const currentAccess = (): AccessScope | undefined => storage.getStore();

/** Site ids the current scope is limited to, or null when it may see every site. */
export const allowedSites = (): ReadonlySet<string> | null => storage.getStore()?.siteIds ?? null;

/**
 * Check that the current scope may touch `siteId`. Outside the scope the thing
 * is reported as not found (404), never as forbidden: ids of other sites do not leak.
 */
export function assertSiteAccess(siteId: string, what: string, id: string): void {
  const sites = allowedSites();
  if (sites && !sites.has(siteId)) throw new DialbookError('DIALBOOK_NOT_FOUND', `${what} ${id} does not exist`, { status: 404, details: { id } });
}

/** For a body field naming a site (create): 422 on the field rather than 404. */
export function assertSiteField(siteId: string, field = 'siteId'): void {
  const sites = allowedSites();
  if (sites && !sites.has(siteId)) throw new DialbookError('DIALBOOK_SITE_UNKNOWN', `site ${siteId} does not exist`, { status: 422, field });
}

/** SQL condition limiting a query to the scope's sites (`1 = 1` when unlimited). */
export function siteCondition(column: string): { sql: string; params: string[] } {
  const sites = allowedSites();
  if (!sites) return { sql: '1 = 1', params: [] };
  if (!sites.size) return { sql: '1 = 0', params: [] };
  return { sql: `${column} in (${[...sites].map(() => '?').join(', ')})`, params: [...sites] };
}

/** Refuse unless the current scope has at least `role`. */
export function requireRole(role: Role): void {
  const scope = storage.getStore();
  if (scope && roleRank(scope.role) < roleRank(role)) {
    throw new DialbookError('DIALBOOK_AUTH_FORBIDDEN', `this needs the ${role} role`, { status: 403 });
  }
}
