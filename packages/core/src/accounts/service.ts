import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { ApiTokenEntity, AuthLinkEntity, SessionEntity, UserEntity, UserSiteEntity, type User } from './entities.js';
import type { AuditExtra, AuditService } from '../audit/service.js';
import type { Actor } from '../base/actor.js';
import { parseInput, validationError } from '../base/validate.js';
import { conflict, DialbookError, notFound } from '../base/errors.js';
import { roleRank, type Role } from '../base/access.js';
import { dummyPasswordHash, hashPassword, newSecret, tokenHash, verifyPassword } from '../base/crypto.js';
import { SigninThrottle } from './signin-throttle.js';
export { SESSION_DAYS, type SignedIn } from './records.js';
import { assertMayAssignRole, assertMayManage, assertSites, consumeLink, endSessions, findUser, openSession, SESSION_DAYS, tokenDto, userDto, type SignedIn } from './records.js';
import { PasswordSchema, UserCreateSchema, UserUpdateSchema, type ApiTokenDto, type UserCreate, type UserDto, type UserUpdate } from './types.js';

export const SIGNUP_LINK_HOURS = 12;
export const RESET_LINK_MINUTES = 60;
/** Password checks an account gets (failed sign-ins in a row) before it locks, and for how long. */
export const LOCK_AFTER = 5;
export const LOCK_MINUTES = 15;

export interface MailSender {
  enqueue(message: { to: string; template: string; data: Record<string, string> }): Promise<unknown>;
}

export interface AccountOptions {
  /** Base URL of the web app, for links in mails (`https://dialbook.example.net`). */
  publicUrl: string;
  mail: MailSender;
  audit: Pick<AuditService, 'record'>;
}


const GENERIC_SIGNIN = 'e-mail or password is wrong, or the account is locked for a while after too many attempts';

/** The password policy, reported on the `password` field. */
function parsePassword(password: string): string {
  const r = PasswordSchema.safeParse(password);
  if (!r.success) throw validationError(r.error.issues, 'password');
  return r.data;
}

/** Time for holding answers back: `now()` in milliseconds, `sleep(ms)`. */
export interface PaceClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: PaceClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/**
 * Users, their sites, sign-up and reset links, sessions and API tokens.
 * Every secret (password, link, session, token) is stored only as a hash.
 */
export class AccountService {
  /**
   * How long a failed sign-in is held back, by its address's failures in a row (1 for the first):
   * 400, 800, 1,600 ms, then 3 s. The same for every address, with an account or not. Tests shorten it.
   */
  failureDelayMs: (failures: number) => number = (failures) => Math.min(200 * 2 ** Math.min(failures, 4), 3_000);
  /** The least time a password-reset request takes to answer, whether or not the address has an account. */
  resetAnswerMs = 250;
  /** Measures and waits out the holds above; tests replace it to see the holds without waiting them. */
  clock: PaceClock = realClock;

  private readonly throttle: SigninThrottle;

  constructor(
    private readonly orm: MikroORM,
    private readonly logger: Logger,
    private readonly options: AccountOptions,
  ) {
    this.throttle = new SigninThrottle(orm, { lockAfter: LOCK_AFTER, lockMs: LOCK_MINUTES * 60_000, rememberMs: LOCK_MINUTES * 60_000 });
    void dummyPasswordHash(); // computed now, so that the first unknown address costs no more than a known one
  }

  private em(): EntityManager {
    return this.orm.em.fork();
  }

  // ---- users ---------------------------------------------------------------------------

  /**
   * Create a user and mail them a sign-up link (valid 12 hours). Returns the link too, for
   * the CLI's first administrator. Staff may create `user` accounts only.
   */
  async createUser(body: UserCreate, actor: Actor): Promise<{ user: UserDto; signupLink: string }> {
    const input = parseInput(UserCreateSchema, body);
    assertMayAssignRole(input.role);
    const em = this.em();
    await assertSites(em, input.siteIds);
    const user = await em
      .transactional(async (tx) => {
        const u = tx.create(UserEntity, { id: randomUUID(), email: input.email, firstName: input.firstName ?? null, lastName: input.lastName ?? null, role: input.role, status: 'invited', passwordHash: null, failedSignins: 0 });
        await tx.flush(); // the user row first: user_site refers to it
        for (const siteId of new Set(input.siteIds)) tx.create(UserSiteEntity, { userId: u.id, siteId });
        await tx.flush();
        return u;
      })
      .catch((e: unknown) => {
        if (e instanceof UniqueConstraintViolationException) throw conflict('DIALBOOK_USER_EMAIL_TAKEN', 'a user with this e-mail address exists', 'email');
        throw e;
      });
    const signupLink = await this.issueLink(user, 'signup');
    await this.audit('user.created', actor, { targetId: user.id, detail: { email: user.email, role: user.role } });
    return { user: await userDto(em, user), signupLink };
  }

  /**
   * Send a fresh sign-up link to a user who has not set a password yet (earlier links stop working).
   * Staff re-invite `user` accounts only: re-inviting an administrator or staff member would void their link.
   */
  async resendInvite(id: string, actor: Actor): Promise<{ signupLink: string }> {
    const em = this.em();
    const user = await findUser(em, id);
    assertMayManage(user);
    if (user.status !== 'invited') throw conflict('DIALBOOK_USER_ACTIVE', 'this user has already set a password; use password reset');
    await em.nativeUpdate(AuthLinkEntity, { userId: id, purpose: 'signup', usedAt: null }, { usedAt: new Date() });
    const signupLink = await this.issueLink(user, 'signup');
    await this.audit('user.invited', actor, { targetId: id });
    return { signupLink };
  }

  /**
   * A fresh sign-up link for a user who has not set a password yet, returned instead of mailed (for an
   * administrator to pass on while mail is not set up). Earlier links stop working; audited as
   * `user.invite-link`. Links are stored hashed, so a link can only be issued anew, never read back.
   */
  async issueInvitationLink(id: string, actor: Actor): Promise<{ link: string; expiresAt: string }> {
    const em = this.em();
    const user = await findUser(em, id);
    assertMayManage(user);
    if (user.status !== 'invited') throw conflict('DIALBOOK_USER_ACTIVE', 'this user has already set a password; use password reset');
    await em.nativeUpdate(AuthLinkEntity, { userId: id, purpose: 'signup', usedAt: null }, { usedAt: new Date() });
    const token = newSecret('');
    const expiresAt = new Date(Date.now() + SIGNUP_LINK_HOURS * 3_600_000);
    em.create(AuthLinkEntity, { id: randomUUID(), userId: user.id, purpose: 'signup', tokenHash: tokenHash(token), expiresAt, usedAt: null, createdAt: new Date() });
    await em.flush();
    await this.audit('user.invite-link', actor, { targetId: id, detail: { email: user.email } });
    return { link: `${this.options.publicUrl.replace(/\/+$/, '')}/signup?token=${token}`, expiresAt: expiresAt.toISOString() };
  }

  async listUsers(): Promise<UserDto[]> {
    const em = this.em();
    const users = await em.find(UserEntity, {}, { orderBy: { email: 'asc' } });
    return Promise.all(users.map((u) => userDto(em, u)));
  }

  async getUser(id: string): Promise<UserDto> {
    const em = this.em();
    return userDto(em, await findUser(em, id));
  }

  async findByEmail(email: string): Promise<UserDto | null> {
    const em = this.em();
    const u = await em.findOne(UserEntity, { email: email.toLowerCase() });
    return u ? userDto(em, u) : null;
  }

  /** Staff may edit `user` accounts (names, sites, status) but never roles or administrators. */
  async updateUser(id: string, body: UserUpdate, actor: Actor): Promise<UserDto> {
    const patch = parseInput(UserUpdateSchema, body);
    const em = this.em();
    const user = await findUser(em, id);
    assertMayManage(user);
    if (patch.role !== undefined && patch.role !== user.role) assertMayAssignRole(patch.role, true);
    if (patch.siteIds) await assertSites(em, patch.siteIds);
    if (patch.firstName !== undefined) user.firstName = patch.firstName ?? null;
    if (patch.lastName !== undefined) user.lastName = patch.lastName ?? null;
    if (patch.role) user.role = patch.role;
    if (patch.status) {
      if (patch.status === 'active' && user.status === 'invited') throw new DialbookError('DIALBOOK_USER_INVITED', 'an invited user becomes active by completing the sign-up link', { status: 409, field: 'status' });
      if (user.status !== 'invited') user.status = patch.status;
    }
    if (patch.siteIds) {
      await em.nativeDelete(UserSiteEntity, { userId: id });
      for (const siteId of new Set(patch.siteIds)) em.create(UserSiteEntity, { userId: id, siteId });
    }
    await em.flush();
    if (patch.status === 'disabled' || (patch.role && roleRank(patch.role) < roleRank(user.role as Role))) await endSessions(em, id);
    await this.audit('user.updated', actor, { targetId: id, detail: { fields: Object.keys(patch) } });
    return userDto(em, user);
  }

  async deleteUser(id: string, actor: Actor): Promise<void> {
    const em = this.em();
    const user = await findUser(em, id);
    assertMayManage(user);
    if (actor.type === 'user' && actor.id === id) throw conflict('DIALBOOK_USER_SELF', 'you cannot delete your own account');
    if (user.role === 'admin' && (await em.count(UserEntity, { role: 'admin', status: { $ne: 'disabled' } })) <= 1) {
      throw conflict('DIALBOOK_USER_LAST_ADMIN', 'this is the last administrator; make someone else an administrator first');
    }
    await endSessions(em, id);
    await em.nativeDelete(ApiTokenEntity, { userId: id });
    await em.nativeDelete(AuthLinkEntity, { userId: id });
    await em.nativeDelete(UserSiteEntity, { userId: id });
    await em.nativeDelete(UserEntity, { id });
    await this.audit('user.deleted', actor, { targetId: id, detail: { email: user.email } });
  }

  /** E-mail addresses to notify about a site: administrators, staff, and users of that site. */
  async recipientsFor(siteId: string | null): Promise<{ email: string; firstName: string | null }[]> {
    const em = this.em();
    const users = await em.find(UserEntity, { status: 'active' });
    const members = siteId ? new Set((await em.find(UserSiteEntity, { siteId })).map((m) => m.userId)) : new Set<string>();
    return users.filter((u) => u.role !== 'user' || members.has(u.id)).map((u) => ({ email: u.email, firstName: u.firstName ?? null }));
  }

  // ---- links -----------------------------------------------------------------------------

  /** Complete a sign-up link: set the password, activate, sign in. Single use, 12 hours. */
  async completeSignup(token: string, password: string, client: { ip?: string | null; userAgent?: string | null } = {}): Promise<SignedIn> {
    const pw = parsePassword(password);
    const em = this.em();
    const { link, user } = await consumeLink(em, token, 'signup');
    user.passwordHash = await hashPassword(pw);
    user.status = 'active';
    user.failedSignins = 0;
    user.lockedUntil = null;
    await em.flush();
    await this.audit('user.signup', { type: 'user', id: user.id, name: user.email }, { targetId: link.id, ip: client.ip ?? null });
    return openSession(em, user, client);
  }

  /**
   * Always succeeds from the caller's view: whether the address exists is never revealed, neither by
   * the answer nor by its time: the answer is held until {@link resetAnswerMs} after the request
   * began, for unknown addresses as for known ones (whose link and mail are written meanwhile).
   */
  async requestPasswordReset(email: string, client: { ip?: string | null } = {}): Promise<void> {
    const started = this.clock.now();
    try {
      const em = this.em();
      const user = await em.findOne(UserEntity, { email: email.trim().toLowerCase() });
      if (!user || user.status !== 'active') {
        this.logger.info({ ip: client.ip }, 'password reset asked for an unknown or inactive address; nothing sent');
        return;
      }
      await em.nativeUpdate(AuthLinkEntity, { userId: user.id, purpose: 'reset', usedAt: null }, { usedAt: new Date() });
      await this.issueLink(user, 'reset');
      await this.audit('user.reset-requested', { type: 'user', id: user.id, name: user.email }, { ip: client.ip ?? null });
    } finally {
      const hold = this.resetAnswerMs - (this.clock.now() - started);
      if (hold > 0) await this.clock.sleep(hold);
    }
  }

  /** Set a new password from a reset link (single use, 60 minutes); ends every session of the user. */
  async completePasswordReset(token: string, password: string, client: { ip?: string | null } = {}): Promise<void> {
    const pw = parsePassword(password);
    const em = this.em();
    const { user } = await consumeLink(em, token, 'reset');
    user.passwordHash = await hashPassword(pw);
    user.failedSignins = 0;
    user.lockedUntil = null;
    await em.flush();
    await endSessions(em, user.id);
    await em.nativeUpdate(ApiTokenEntity, { userId: user.id, revokedAt: null }, { revokedAt: new Date() });
    await this.audit('user.password-reset', { type: 'user', id: user.id, name: user.email }, { ip: client.ip ?? null });
  }

  // ---- sessions -------------------------------------------------------------------------------

  /**
   * Check e-mail and password. Every address, with an account or not, gets the same answer after
   * the same work (one scrypt check, the same statements) and is held back by the same schedule:
   * {@link failureDelayMs} of the address's failures in a row, counted per address. An account is
   * checked at most {@link LOCK_AFTER} times before it locks for {@link LOCK_MINUTES} minutes, however
   * many requests arrive at once and on however many instances (see {@link SigninThrottle}); a right
   * password is refused while the account is locked.
   */
  async signIn(email: string, password: string, client: { ip?: string | null; userAgent?: string | null } = {}): Promise<SignedIn> {
    const started = this.clock.now();
    const address = email.trim().toLowerCase();
    const em = this.em();
    const user = await em.findOne(UserEntity, { email: address });
    const reservation = await this.throttle.reserve(user?.id ?? null);
    const checked = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    const right = !!user?.passwordHash && checked && user.status === 'active';
    // A right password counts only if the account was not locked when it came, nor is now.
    const accepted = !!user && right && reservation.admitted && (await this.throttle.confirm(user.id, reservation));
    if (user && accepted) {
      user.lastSigninAt = new Date();
      await this.audit('auth.signin', { type: 'user', id: user.id, name: user.email }, { ip: client.ip ?? null });
      return openSession(em, user, client); // its flush writes lastSigninAt
    }
    const failures = await this.throttle.fail(address, user?.id ?? null);
    const locked = !!user && (!reservation.admitted || right);
    await this.audit('auth.signin-failed', { type: 'anonymous', id: 'anonymous', name: email.slice(0, 320) }, { ip: client.ip ?? null, detail: { locked } });
    // Held until `started + delay`, not for `delay` after the work: what the work took does not show.
    const hold = this.failureDelayMs(failures) - (this.clock.now() - started);
    if (hold > 0) await this.clock.sleep(hold);
    throw new DialbookError('DIALBOOK_AUTH_FAILED', GENERIC_SIGNIN, { status: 401 });
  }

  /** The user behind a session cookie, sliding its expiry; null when unknown, expired or the user is not active. */
  async resolveSession(token: string): Promise<{ user: UserDto; csrfToken: string; sessionId: string } | null> {
    const em = this.em();
    const session = await em.findOne(SessionEntity, { tokenHash: tokenHash(token) });
    const now = new Date();
    if (!session || session.expiresAt <= now) return null;
    const user = await em.findOne(UserEntity, { id: session.userId });
    if (!user || user.status !== 'active') return null;
    if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
      session.lastSeenAt = now;
      session.expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
      await em.flush();
    }
    return { user: await userDto(em, user), csrfToken: session.csrfToken, sessionId: session.id };
  }

  async signOut(token: string): Promise<void> {
    await this.em().nativeDelete(SessionEntity, { tokenHash: tokenHash(token) });
  }

  // ---- API tokens ---------------------------------------------------------------------------

  /** A bearer token acting with its owner's rights; shown once, stored hashed. */
  async createApiToken(userId: string, name: string, expiresAt: Date | null, actor: Actor): Promise<{ token: string; info: ApiTokenDto }> {
    const em = this.em();
    await findUser(em, userId);
    const token = newSecret('dbk_api_');
    const row = em.create(ApiTokenEntity, { id: randomUUID(), userId, name, tokenHash: tokenHash(token), prefix: token.slice(0, 12), createdAt: new Date(), lastUsedAt: null, expiresAt, revokedAt: null });
    await em.flush();
    await this.audit('token.created', actor, { targetId: row.id, detail: { name } });
    return { token, info: tokenDto(row) };
  }

  async listApiTokens(userId: string): Promise<ApiTokenDto[]> {
    return (await this.em().find(ApiTokenEntity, { userId }, { orderBy: { createdAt: 'desc' } })).map(tokenDto);
  }

  /** Only the owner revokes (the id of someone else's token is reported as unknown). */
  async revokeApiToken(userId: string, id: string, actor: Actor): Promise<void> {
    const n = await this.em().nativeUpdate(ApiTokenEntity, { id, userId, revokedAt: null }, { revokedAt: new Date() });
    if (!n) throw notFound('API token', id);
    await this.audit('token.revoked', actor, { targetId: id });
  }

  async resolveApiToken(token: string): Promise<{ user: UserDto; tokenId: string } | null> {
    if (!token.startsWith('dbk_api_')) return null;
    const em = this.em();
    const row = await em.findOne(ApiTokenEntity, { tokenHash: tokenHash(token) });
    const now = new Date();
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
    const user = await em.findOne(UserEntity, { id: row.userId });
    // An invited user can hold a token only from `dialbook token create` (the API makes you sign in first).
    if (!user || user.status === 'disabled') return null;
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
      row.lastUsedAt = now;
      await em.flush();
    }
    return { user: await userDto(em, user), tokenId: row.id };
  }

  /** Record an account event in the audit log. */
  audit(action: string, actor: Actor, extra: AuditExtra = {}): Promise<void> {
    return this.options.audit.record(action, actor, extra);
  }

  // ---- internals -------------------------------------------------------------------------------

  private async issueLink(user: User, purpose: 'signup' | 'reset'): Promise<string> {
    const em = this.em();
    const token = newSecret('');
    const ttl = purpose === 'signup' ? SIGNUP_LINK_HOURS * 3_600_000 : RESET_LINK_MINUTES * 60_000;
    const expiresAt = new Date(Date.now() + ttl);
    em.create(AuthLinkEntity, { id: randomUUID(), userId: user.id, purpose, tokenHash: tokenHash(token), expiresAt, usedAt: null, createdAt: new Date() });
    await em.flush();
    const link = `${this.options.publicUrl.replace(/\/+$/, '')}/${purpose === 'signup' ? 'signup' : 'reset-password'}?token=${token}`;
    const mail = this.options.mail;
    if (mail) {
      await mail.enqueue({
        to: user.email,
        template: purpose === 'signup' ? 'signup' : 'password_reset',
        data: { first_name: user.firstName ?? '', last_name: user.lastName ?? '', email: user.email, link, expires: expiresAt.toISOString() },
      });
    } else {
      this.logger.warn({ user: user.id, purpose }, 'no mail service: the link was not sent by mail');
    }
    return link;
  }
}
