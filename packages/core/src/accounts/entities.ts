import { defineEntity, p } from '@mikro-orm/core';

/** A person who signs in. No password until they complete the sign-up link. */
export const UserEntity = defineEntity({
  name: 'User',
  tableName: 'app_user',
  properties: {
    id: p.uuid().primary(),
    email: p.string().length(320).unique(),
    firstName: p.string().length(200).nullable(),
    lastName: p.string().length(200).nullable(),
    /** `admin`, `staff` or `user`. */
    role: p.string().length(16),
    /** `invited` (no password yet), `active` or `disabled`. */
    status: p.string().length(16),
    passwordHash: p.string().length(300).nullable(),
    failedSignins: p.integer().default(0),
    lockedUntil: p.datetime().nullable(),
    lastSigninAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type User = InstanceType<typeof UserEntity.class>;

/**
 * Failed sign-ins per e-mail address, for every address tried (with an account or not), keyed by a
 * hash of the normalised address: the back-off delay is read from here, so it follows the same
 * schedule for unknown addresses. Rows expire some minutes after an address's last failure.
 */
export const SigninAttemptEntity = defineEntity({
  name: 'SigninAttempt',
  tableName: 'signin_attempt',
  properties: {
    /** SHA-256 (hex) of the address, never the address. */
    addressHash: p.string().length(64).primary(),
    failures: p.integer(),
    expiresAt: p.datetime().index(),
  },
});

/** The sites a user may see and edit (admins and staff see every site). */
export const UserSiteEntity = defineEntity({
  name: 'UserSite',
  tableName: 'user_site',
  properties: {
    userId: p.uuid().primary(),
    siteId: p.uuid().primary().index(),
  },
});

/** Sign-up and password-reset links; only the SHA-256 of the token is stored. */
export const AuthLinkEntity = defineEntity({
  name: 'AuthLink',
  tableName: 'auth_link',
  indexes: [{ properties: ['userId'] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    /** `signup` or `reset`. */
    purpose: p.string().length(16),
    tokenHash: p.string().length(64).unique(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  },
});

/** A signed-in browser. The cookie holds a random token; the row holds its hash. */
export const SessionEntity = defineEntity({
  name: 'Session',
  tableName: 'user_session',
  indexes: [{ properties: ['userId'] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    tokenHash: p.string().length(64).unique(),
    csrfToken: p.string().length(64),
    createdAt: p.datetime(),
    lastSeenAt: p.datetime(),
    expiresAt: p.datetime(),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(300).nullable(),
  },
});

/** A bearer token for automation, owned by a user, acting with that user's rights. */
export const ApiTokenEntity = defineEntity({
  name: 'ApiToken',
  tableName: 'api_token',
  indexes: [{ properties: ['userId'] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    name: p.string().length(200),
    tokenHash: p.string().length(64).unique(),
    /** First characters of the token, to recognise it in lists. */
    prefix: p.string().length(16),
    createdAt: p.datetime(),
    lastUsedAt: p.datetime().nullable(),
    expiresAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});
