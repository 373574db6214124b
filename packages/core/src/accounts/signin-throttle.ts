import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';

/** No user has this id: the statements of an unknown address run against it, so they cost what a known one costs. */
const NOBODY = '00000000-0000-0000-0000-000000000000';

export interface ThrottlePolicy {
  /** Password checks an account gets before it locks. */
  lockAfter: number;
  /** How long a lock lasts. */
  lockMs: number;
  /** How long an address's failures are remembered after its last one (its row then expires). */
  rememberMs: number;
}

/** One sign-in attempt's place in its account's count. */
export interface Reservation {
  /** Whether the password may be checked at all: the account is not locked and this attempt is within the budget. */
  admitted: boolean;
  /** The account's attempts so far in this window, this one included (0 for an address without an account). */
  attempt: number;
}

/**
 * The sign-in lockout and the per-address failure count, as single atomic statements with bound
 * parameters, so that concurrent requests, on one instance or on several sharing a PostgreSQL
 * database, can neither lose an update nor slip past the lock.
 *
 * - **Lockout, per account** (`app_user.failed_signins`, `locked_until`). Every attempt is counted
 *   *before* its password is checked ({@link reserve}); only the first `lockAfter` attempts are
 *   checked, and the `lockAfter`-th failure (or the first attempt over the budget) locks the account
 *   for `lockMs`. A right password is accepted only if the account is still unlocked at the moment it
 *   is accepted ({@link confirm}): one that a concurrent burst locked meanwhile is refused.
 * - **Failure count, per address** (`signin_attempt`, keyed by the SHA-256 of the normalised e-mail
 *   address, whether or not an account has it). The back-off delay is read from this count, so an
 *   unknown address is held back exactly as a known one; a success does not reset it (that would tell
 *   a real account apart), the row simply expires `rememberMs` after the address's last failure.
 *   Rows exist only for addresses that failed in that window (each failure costs the caller a scrypt
 *   check and its delay), and expired rows are deleted at most once a minute ({@link purge}).
 */
export class SigninThrottle {
  private lastPurge = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly policy: ThrottlePolicy,
  ) {}

  /** The key of an address in `signin_attempt`: never the address itself. */
  static addressKey(address: string): string {
    return createHash('sha256').update(`dialbook signin:${address}`, 'utf8').digest('hex');
  }

  private async run<T>(sql: string, params: unknown[]): Promise<T[]> {
    return (await this.orm.em.fork().getConnection().execute(sql, params, 'all')) as T[];
  }

  /**
   * Count this attempt against the account (`userId`, or null for an address without one) before
   * its password is checked. A lock that has run out starts a fresh count.
   */
  async reserve(userId: string | null, now = new Date()): Promise<Reservation> {
    const rows = await this.run<{ failed_signins: number | string; locked_until: unknown }>(
      `update app_user set
         failed_signins = case when locked_until is not null and locked_until <= ? then 1 else failed_signins + 1 end,
         locked_until = case when locked_until is not null and locked_until <= ? then null
                             when locked_until is null and failed_signins >= ? then ?
                             else locked_until end
       where id = ?
       returning failed_signins, locked_until`,
      [now, now, this.policy.lockAfter, new Date(now.getTime() + this.policy.lockMs), userId ?? NOBODY],
    );
    const row = rows[0];
    if (!row) return { admitted: false, attempt: 0 };
    const attempt = Number(row.failed_signins);
    return { admitted: row.locked_until == null && attempt <= this.policy.lockAfter, attempt };
  }

  /**
   * Accept a right password: forgive the attempts counted up to this one (later, concurrent ones
   * stay counted), unless the account has locked meanwhile. False: refuse the sign-in.
   */
  async confirm(userId: string, reservation: Reservation, now = new Date()): Promise<boolean> {
    const rows = await this.run<{ id: string }>(
      `update app_user set
         failed_signins = case when failed_signins > ? then failed_signins - ? else 0 end,
         locked_until = null
       where id = ? and (locked_until is null or locked_until <= ?)
       returning id`,
      [reservation.attempt, reservation.attempt, userId, now],
    );
    return rows.length === 1;
  }

  /**
   * Record a failed attempt: lock the account if this was its last allowed check, and count the
   * failure against the address. Returns the address's failures in a row, this one included: the
   * number the delay is read from.
   */
  async fail(address: string, userId: string | null, now = new Date()): Promise<number> {
    await this.run(`update app_user set locked_until = ? where id = ? and locked_until is null and failed_signins >= ?`, [
      new Date(now.getTime() + this.policy.lockMs),
      userId ?? NOBODY,
      this.policy.lockAfter,
    ]);
    const expires = new Date(now.getTime() + this.policy.rememberMs);
    const rows = await this.run<{ failures: number | string }>(
      `insert into signin_attempt (address_hash, failures, expires_at) values (?, 1, ?)
       on conflict (address_hash) do update set
         failures = case when signin_attempt.expires_at <= ? then 1 else signin_attempt.failures + 1 end,
         expires_at = ?
       returning failures`,
      [SigninThrottle.addressKey(address), expires, now, expires],
    );
    this.purgeSoon(now);
    return Number(rows[0]?.failures ?? 1);
  }

  /** Delete the rows of addresses whose failures are forgotten. */
  async purge(now = new Date()): Promise<void> {
    await this.run('delete from signin_attempt where expires_at <= ?', [now]);
  }

  /** At most once a minute per instance, off the request's path. */
  private purgeSoon(now: Date): void {
    if (now.getTime() - this.lastPurge < 60_000) return;
    this.lastPurge = now.getTime();
    this.purge(now).catch(() => {
      this.lastPurge = 0; // try again with the next failure
    });
  }
}
