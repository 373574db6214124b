import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { currentAccess, type Role } from '../base/access.js';
import { newSecret, tokenHash } from '../base/crypto.js';
import { DialbookError, notFound } from '../base/errors.js';
import { SiteEntity } from '../sites/entities.js';
import { ApiTokenEntity, AuthLinkEntity, SessionEntity, UserEntity, UserSiteEntity, type User } from './entities.js';
import type { ApiTokenDto, UserDto } from './types.js';

export const SESSION_DAYS = 14;

/** Users by id as reports name them: first and last name, else the e-mail address (unknown ids are left out). */
export async function userNames(em: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const users = await em.find(UserEntity, { id: { $in: [...ids] } }, { fields: ['id', 'email', 'firstName', 'lastName'] });
  return new Map(users.map((u) => [u.id, [u.firstName, u.lastName].filter(Boolean).join(' ') || u.email]));
}

export interface SignedIn {
  user: UserDto;
  /** Goes into the HttpOnly session cookie. */
  sessionToken: string;
  /** Must accompany cookie-authenticated writes as `X-CSRF-Token`. */
  csrfToken: string;
  expiresAt: Date;
}

/** The accounts area's row work, shared by its service: users, links, sessions, tokens, and who may manage whom. */

export async function consumeLink(em: EntityManager, token: string, purpose: 'signup' | 'reset') {
  const link = await em.findOne(AuthLinkEntity, { tokenHash: tokenHash(token) });
  const invalid = () =>
    new DialbookError('DIALBOOK_AUTH_LINK_INVALID', 'this link is invalid, was already used or has expired; ask for a new one', { status: 410, field: 'token' });
  if (!link || link.purpose !== purpose || link.usedAt || link.expiresAt <= new Date()) throw invalid();
  const user = await em.findOne(UserEntity, { id: link.userId });
  if (!user || user.status === 'disabled') throw invalid();
  // Mark used atomically: of two concurrent uses, one wins.
  const claimed = await em.nativeUpdate(AuthLinkEntity, { id: link.id, usedAt: null }, { usedAt: new Date() });
  if (!claimed) throw invalid();
  return { link, user };
}

export async function openSession(em: EntityManager, user: User, client: { ip?: string | null; userAgent?: string | null }): Promise<SignedIn> {
  const sessionToken = newSecret('');
  const csrfToken = newSecret('', 24);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
  em.create(SessionEntity, { id: randomUUID(), userId: user.id, tokenHash: tokenHash(sessionToken), csrfToken, createdAt: now, lastSeenAt: now, expiresAt, ip: client.ip?.slice(0, 64) ?? null, userAgent: client.userAgent?.slice(0, 300) ?? null });
  await em.flush();
  return { user: await userDto(em, user), sessionToken, csrfToken, expiresAt };
}

export async function endSessions(em: EntityManager, userId: string): Promise<void> {
  await em.nativeDelete(SessionEntity, { userId });
}

export async function findUser(em: EntityManager, id: string): Promise<User> {
  const u = await em.findOne(UserEntity, { id });
  if (!u) throw notFound('user', id);
  return u;
}

export async function assertSites(em: EntityManager, siteIds: string[]): Promise<void> {
  const unique = [...new Set(siteIds)];
  if (!unique.length) return;
  const found = new Set((await em.find(SiteEntity, { id: { $in: unique } }, { fields: ['id'] })).map((s) => s.id));
  const i = siteIds.findIndex((id) => !found.has(id));
  if (i >= 0) throw new DialbookError('DIALBOOK_SITE_UNKNOWN', `site ${siteIds[i]} does not exist`, { status: 422, field: `siteIds.${i}` });
}

/** Roles: only administrators give roles other than `user` or change roles at all. */
export function assertMayAssignRole(role: Role, changing = false): void {
  const scope = currentAccess();
  if (!scope || scope.role === 'admin') return;
  if (changing || role !== 'user') throw new DialbookError('DIALBOOK_AUTH_FORBIDDEN', 'only administrators assign or change roles', { status: 403, field: 'role' });
}

/** Staff manage `user` accounts only. */
export function assertMayManage(target: User): void {
  const scope = currentAccess();
  if (!scope || scope.role === 'admin') return;
  if (target.role !== 'user') throw new DialbookError('DIALBOOK_AUTH_FORBIDDEN', 'only administrators manage administrators and staff', { status: 403 });
}

export async function userDto(em: EntityManager, u: User): Promise<UserDto> {
  const sites = await em.find(UserSiteEntity, { userId: u.id });
  return {
    id: u.id,
    email: u.email,
    firstName: u.firstName ?? null,
    lastName: u.lastName ?? null,
    role: u.role as Role,
    status: u.status as UserDto['status'],
    siteIds: sites.map((s) => s.siteId).sort(),
    lastSigninAt: u.lastSigninAt ? u.lastSigninAt.toISOString() : null,
    createdAt: u.createdAt.toISOString(),
  };
}

export const tokenDto = (t: InstanceType<typeof ApiTokenEntity.class>): ApiTokenDto => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt ? t.lastUsedAt.toISOString() : null,
  expiresAt: t.expiresAt ? t.expiresAt.toISOString() : null,
  revoked: t.revokedAt != null,
});

/** A user's or API token's actor key (`user:<id>`, `apiKey:<id>`) as a person reads it: the user's e-mail; null when not known (e.g. a deleted user). */
export async function actorEmail(em: EntityManager, key: string): Promise<string | null> {
  const [type, ...rest] = key.split(':');
  const id = rest.join(':');
  if (type === 'user') return (await em.findOne(UserEntity, { id }, { fields: ['email'] }))?.email ?? null;
  if (type === 'apiKey') {
    const token = await em.findOne(ApiTokenEntity, { id }, { fields: ['userId'] });
    return token ? ((await em.findOne(UserEntity, { id: token.userId }, { fields: ['email'] }))?.email ?? null) : null;
  }
  return key;
}
