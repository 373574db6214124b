import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { runWithAccess } from '../base/access.js';
import { numberKey } from '../contacts/reads.js';
import type { ContactService } from '../contacts/service.js';
import type { JobService } from '../jobs/service.js';
import { CallRecordEntity } from './entities.js';

/** Distinct unresolved numbers looked up per batch of the background job. */
const NUMBER_BATCH = 200;
/** Everything here runs outside any request's site scope (a user's request may have queued it). */
const UNRESTRICTED = { role: 'admin', userId: null, siteIds: null } as const;

export interface Unresolved {
  e164: string | null;
  digits: string | null;
}

/**
 * Matching calls' remote numbers to contacts of their site, through the contacts' number lookup —
 * never in the write path: a recorded call is queued and resolved in the background right after
 * its write (`queue`), and when a site's contacts change (`siteChanged`, debounced) the site's
 * unresolved calls are tried again by the job `calls.resolve:<site id>`, a batch of distinct
 * numbers at a time. A number several contacts share resolves to the first in name order.
 */
export class CallResolution {
  /** How long contact changes of a site are gathered before its calls are tried again (ms). */
  debounceMs = 1000;
  private readonly queued = new Map<string, Map<string, Unresolved>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly again = new Set<string>();
  private readonly running = new Set<Promise<unknown>>();
  private draining: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly contacts: ContactService,
    private readonly jobs: JobService,
    private readonly logger: Logger,
  ) {}

  /** The remote numbers of calls just written without a contact: resolved in the background (a batch lookup per site, no read of the calls). */
  queue(siteId: string, numbers: readonly Unresolved[]): void {
    if (this.stopped || !numbers.length) return;
    let pending = this.queued.get(siteId);
    if (!pending) this.queued.set(siteId, (pending = new Map()));
    for (const n of numbers) if (n.e164 || n.digits) pending.set(keyOf(n), { e164: n.e164 ?? null, digits: n.digits ?? null });
    this.draining ??= runWithAccess(UNRESTRICTED, () => this.drain()).finally(() => {
      this.draining = null;
      if (this.queued.size) this.queue(this.queued.keys().next().value!, []);
    });
  }

  /** A site's contacts changed: try its unresolved calls again once changes have stopped for {@link debounceMs}. */
  siteChanged(siteId: string): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(siteId));
    this.timers.set(siteId, setTimeout(() => {
      this.timers.delete(siteId);
      this.track(runWithAccess(UNRESTRICTED, () => this.resolveSite(siteId)));
    }, this.debounceMs));
  }

  /**
   * Every unresolved call of the site with a remote number, by distinct number: looked up, and the
   * calls of each number that found a contact set to it. Runs as the job `calls.resolve:<site id>`
   * (none when the site has no unresolved call); asked again while it runs, it runs once more afterwards.
   */
  async resolveSite(siteId: string): Promise<{ numbers: number; resolved: number }> {
    // Most contact changes happen in sites without unresolved calls: no job for those.
    if (!(await this.orm.em.fork().findOne(CallRecordEntity, { site: siteId, contactId: null, remoteDigits: { $ne: null } }, { fields: ['id'] }))) return { numbers: 0, resolved: 0 };
    try {
      return await this.jobs.track(`calls.resolve:${siteId}`, 'Match calls to contacts', 'core', async (progress) => {
        let after = '';
        let numbers = 0;
        let resolved = 0;
        for (;;) {
          const batch = await this.unresolvedNumbers(siteId, after);
          resolved += await this.resolveNumbers(siteId, batch);
          numbers += batch.length;
          progress(numbers, undefined, `${resolved} call(s) matched`);
          if (batch.length < NUMBER_BATCH) return { numbers, resolved };
          after = keyOf(batch[batch.length - 1]!);
        }
      });
    } catch (err) {
      if ((err as { code?: string }).code !== 'DIALBOOK_JOB_RUNNING') throw err;
      this.again.add(siteId);
      return { numbers: 0, resolved: 0 };
    } finally {
      if (this.again.delete(siteId) && !this.stopped) this.siteChanged(siteId);
    }
  }

  /** Resolves when nothing queued, debounced or running is left (tests, a graceful stop). */
  async settled(): Promise<void> {
    for (;;) {
      if (this.draining) await this.draining;
      else if (this.running.size) await Promise.allSettled([...this.running]);
      else return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await this.settled();
  }

  private track(p: Promise<unknown>): void {
    const done = p.catch((err: unknown) => this.logger.error({ err }, 'matching calls to contacts failed')).finally(() => this.running.delete(done));
    this.running.add(done);
  }

  private async drain(): Promise<void> {
    while (this.queued.size && !this.stopped) {
      const [siteId, numbers] = this.queued.entries().next().value!;
      this.queued.delete(siteId);
      try {
        await this.resolveNumbers(siteId, [...numbers.values()]);
      } catch (err) {
        this.logger.error({ err, siteId }, 'matching recorded calls to contacts failed');
      }
    }
  }

  private async unresolvedNumbers(siteId: string, after: string): Promise<Unresolved[]> {
    const em = this.orm.em.fork();
    const rows: { e164: string | null; digits: string | null }[] = await em.getConnection().execute(
      `select remote_e164 as e164, remote_digits as digits, coalesce(remote_e164, '') || '|' || coalesce(remote_digits, '') as k from call_record
       where site_id = ? and contact_id is null and (remote_e164 is not null or remote_digits is not null)
       and coalesce(remote_e164, '') || '|' || coalesce(remote_digits, '') > ?
       group by remote_e164, remote_digits order by k limit ?`,
      [siteId, after, NUMBER_BATCH],
    );
    return rows.map((r) => ({ e164: r.e164, digits: r.digits }));
  }

  /** Look numbers up among the site's contacts (one query per 500); set the contact on the site's unresolved calls with each that matched. How many calls got one. */
  private async resolveNumbers(siteId: string, numbers: readonly Unresolved[]): Promise<number> {
    if (!numbers.length) return 0;
    const found = await this.contacts.lookupMany(siteId, numbers);
    let resolved = 0;
    for (const n of numbers) {
      const contactId = found.get(keyOf(n));
      if (!contactId) continue;
      const where = n.e164 ? { site: siteId, contactId: null, remoteE164: n.e164 } : { site: siteId, contactId: null, remoteE164: null, remoteDigits: n.digits };
      resolved += await this.orm.em.fork().nativeUpdate(CallRecordEntity, where, { contactId });
    }
    return resolved;
  }
}

const keyOf = numberKey;
