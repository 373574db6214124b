/**
 * The RisPort budget shared by every Dialbook instance on one database: CUCM allows 15
 * selectCmDevice requests a minute (at most 18) for the whole cluster, so instances must not
 * each spend their own 15.
 *
 * The plugin's table `cucm_ris_slot` holds `perMinute` slots per RisPort endpoint, each with the
 * time it was last taken. A take claims a slot last taken more than a window (plus a margin) ago
 * with a compare-and-set on the slot's version — a conditional UPDATE, which PostgreSQL
 * serialises per row, so two instances never claim the same slot — and otherwise waits until the
 * oldest slot leaves the window. With `perMinute` slots, no sliding minute ever holds more than
 * `perMinute` takes, wherever they came from. Takers of one process queue in order, so one
 * process polls the table at most once at a time.
 */
import { defineEntity, Migration, p, type EntityManager, type PluginDefinition } from '@dialbook/core';
import { CucmError } from './errors.js';
import { DEFAULT_RIS_PER_MINUTE, type RateBudget } from './risport/budget.js';
import { systemClock, type Clock } from './retry.js';

export const RisSlotEntity = defineEntity({
  name: 'CucmRisSlot',
  tableName: 'cucm_ris_slot',
  properties: {
    /** The RisPort endpoint (`host:port`) the budget is for: one per cluster. */
    budget: p.string().length(255).primary(),
    slot: p.integer().primary(),
    /** When the slot was last taken (the epoch for a slot never taken). */
    takenAt: p.datetime(),
    /** Raised by every take: the compare-and-set that makes a take atomic. */
    version: p.integer(),
  },
});
export type RisSlot = InstanceType<typeof RisSlotEntity.class>;

class CucmInitSqlite extends Migration {
  override name = 'cucm-0001-ris-slot';
  override up(): void {
    this.addSql('create table `cucm_ris_slot` (`budget` text not null, `slot` integer not null, `taken_at` datetime not null, `version` integer not null, primary key (`budget`, `slot`));');
  }
}

class CucmInitPostgresql extends Migration {
  override name = 'cucm-0001-ris-slot';
  override up(): void {
    this.addSql('create table "cucm_ris_slot" ("budget" varchar(255) not null, "slot" int not null, "taken_at" timestamptz not null, "version" int not null, primary key ("budget", "slot"));');
  }
}

/** The cast: `PluginDefinition.entities` is typed for `EntitySchema<AnyEntity>`, which `defineEntity`'s inferred schemas do not satisfy. */
export const entities = [RisSlotEntity] as unknown as NonNullable<PluginDefinition['entities']>;
export const migrations = {
  sqlite: [{ name: 'cucm-0001-ris-slot', class: CucmInitSqlite }],
  postgresql: [{ name: 'cucm-0001-ris-slot', class: CucmInitPostgresql }],
};

export interface DbRateBudgetOptions {
  /** Requests per window (default 15); read at every take, so a changed setting applies at once. */
  perMinute?: number | (() => number);
  windowMs?: number;
  /** Extra wait past the window: CUCM counts a request when it arrives, a little later (default 500 ms). */
  marginMs?: number;
  clock?: Clock;
  /** Longest wait between two looks at the table while every slot is taken (default 5 s). */
  pollMs?: number;
}

/**
 * A {@link RateBudget} kept in the database, shared by every instance that uses the same `budget`
 * key (the RisPort endpoint).
 *
 * @example
 * const budget = new DbRateBudget(() => ctx.db.em(), 'cucm-pub.example.net:8443', { perMinute: 15 });
 * await budget.take(); // then send one selectCmDevice
 */
export class DbRateBudget implements RateBudget {
  readonly windowMs: number;
  readonly marginMs: number;
  private readonly clock: Clock;
  private readonly pollMs: number;
  private readonly perMinute: () => number;
  private queue: Promise<void> = Promise.resolve();
  private slotsReady = 0;

  constructor(
    private readonly em: () => EntityManager,
    readonly budget: string,
    options: DbRateBudgetOptions = {},
  ) {
    const per = options.perMinute ?? DEFAULT_RIS_PER_MINUTE;
    this.perMinute = () => Math.max(1, Math.floor(typeof per === 'function' ? per() : per));
    this.windowMs = options.windowMs ?? 60_000;
    this.marginMs = options.marginMs ?? 500;
    this.clock = options.clock ?? systemClock;
    this.pollMs = options.pollMs ?? 5_000;
  }

  take(): Promise<void> {
    const turn = this.queue.then(() => this.acquire(Number.POSITIVE_INFINITY));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * For a person waiting (a phone lookup): a slot within `maxWaitMs`, else DIALBOOK_CUCM_THROTTLED
   * without taking one. Does not queue behind the background takers (the slots stay atomic).
   */
  takeWithin(maxWaitMs: number): Promise<void> {
    return this.acquire(this.clock.now() + maxWaitMs);
  }

  /** Takes within the current window, over every instance (for status lines and tests). */
  async used(): Promise<number> {
    const cutoff = this.clock.now() - this.windowMs - this.marginMs;
    const rows = await this.em().find(RisSlotEntity, { budget: this.budget, slot: { $lt: this.perMinute() } });
    return rows.filter((r) => r.takenAt.getTime() > cutoff).length;
  }

  private async ensureSlots(n: number): Promise<void> {
    if (this.slotsReady >= n) return;
    const em = this.em();
    const have = new Set((await em.find(RisSlotEntity, { budget: this.budget }, { fields: ['slot'] })).map((r) => r.slot));
    for (let slot = 0; slot < n; slot++) {
      if (have.has(slot)) continue;
      try {
        await em.insert(RisSlotEntity, { budget: this.budget, slot, takenAt: new Date(0), version: 0 });
      } catch (err) {
        // Another instance inserted it at the same moment: fine.
        if (!(await this.em().count(RisSlotEntity, { budget: this.budget, slot }))) throw err;
      }
    }
    this.slotsReady = n;
  }

  private async acquire(deadline: number): Promise<void> {
    for (;;) {
      const n = this.perMinute();
      await this.ensureSlots(n);
      const now = this.clock.now();
      const cutoff = now - this.windowMs - this.marginMs;
      const slots = await this.em().find(RisSlotEntity, { budget: this.budget, slot: { $lt: n } }, { orderBy: { takenAt: 'asc', slot: 'asc' } });
      const free = slots.find((s) => s.takenAt.getTime() <= cutoff);
      if (free) {
        const won = await this.em().nativeUpdate(RisSlotEntity, { budget: this.budget, slot: free.slot, version: free.version }, { takenAt: new Date(now), version: free.version + 1 });
        if (won === 1) return;
        continue; // another instance took it first: look again
      }
      const oldest = Math.min(...slots.map((s) => s.takenAt.getTime()));
      const wait = Math.min(this.pollMs, Math.max(20, oldest - cutoff));
      if (now + Math.max(0, oldest - cutoff) > deadline) {
        throw new CucmError('DIALBOOK_CUCM_THROTTLED', `RisPort's rate limit (${n} requests a minute, shared by every Dialbook instance) is used up right now; registration state is shown again in ${Math.ceil((oldest - cutoff) / 1000)} s.`, { service: 'risport', retryable: true, retryAfterMs: oldest - cutoff });
      }
      await this.clock.sleep(wait);
    }
  }
}
