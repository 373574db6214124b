/**
 * The replay guard: a body accepted once is claimed by its hash for `hours`; the same body
 * again within them is acknowledged without changing anything. The claim is an insert (the
 * primary key makes two identical deliveries at the same moment one claim), released again when
 * the work it guards fails, so a redelivery after a failure is still processed.
 */
import type { EntityManager } from '@dialbook/core';
import { ReplayEntity } from './store.js';

export class ReplayGuard {
  constructor(
    private readonly em: () => EntityManager,
    private readonly instance: string,
    private readonly hours: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Claim a hash: true when it is new (or its earlier claim expired), false for a replay. */
  async claim(hash: string): Promise<boolean> {
    const expiresAt = new Date(this.now() + this.hours() * 3_600_000);
    try {
      await this.em().insert(ReplayEntity, { instance: this.instance, hash, expiresAt });
      return true;
    } catch (err) {
      const em = this.em();
      const row = await em.findOne(ReplayEntity, { instance: this.instance, hash });
      if (!row) throw err;
      if (row.expiresAt.getTime() > this.now()) return false;
      // Expired but not purged yet: claimed anew (a compare-and-set on the old expiry).
      return (await em.nativeUpdate(ReplayEntity, { instance: this.instance, hash, expiresAt: row.expiresAt }, { expiresAt })) === 1;
    }
  }

  /** Give a claim back (the work failed): the same body may come again. */
  async release(hash: string): Promise<void> {
    await this.em().nativeDelete(ReplayEntity, { instance: this.instance, hash });
  }

  /** Forget expired claims; returns how many. */
  purge(): Promise<number> {
    return this.em().nativeDelete(ReplayEntity, { instance: this.instance, expiresAt: { $lte: new Date(this.now()) } });
  }
}
