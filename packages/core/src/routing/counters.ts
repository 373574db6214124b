import type { SqlEntityManager } from '@mikro-orm/sql';
import type { LiveCounters } from './decide.js';
import { PERIODS, type CountBy } from './model.js';
import { periodKeys } from './periods.js';

/** A link and the zone its client counts periods in. */
export interface CountedLink {
  linkId: string;
  clientId: string;
  timeZone: string;
}

type SlotRow = { link_id: string; client_id: string; answered: boolean | number; n: number | string };
type CounterRow = { scope: string; owner_id: string; kind: string; period: string; count: number | string };

/**
 * The live counters in the database: concurrency slots with a lease (`routing_slot`) and call
 * counts per link and client, kind and period key (`routing_counter`). Plain SQL that means the
 * same on SQLite and PostgreSQL (but for {@link take}'s single statement on PostgreSQL); every
 * write that must not overrun a cap runs inside {@link lockForSlot}'s transaction.
 */
export const counters = {
  /**
   * The counters a decision reads for these links and their clients at `now`: unexpired slots,
   * and the counts of the current periods. A cap on connected calls also counts the link's live
   * calls not yet answered, and one on converted calls every live call: those may still count,
   * so a cap is never promised to more calls than it has room for.
   */
  async snapshot(em: SqlEntityManager, links: readonly CountedLink[], now: Date, exceptCallId: string | null = null): Promise<LiveCounters> {
    return (await snapshotWithHeld(em, links, now, exceptCallId, false)).live;
  },

  /**
   * {@link snapshot} for `attempt`, in one round trip fewer: the live counters without the call's
   * own slots, and whether the call already holds an unexpired slot on `linkId` (then the same
   * attempt again only renews it). The two reads run one after the other (one connection: the
   * transaction's); on PostgreSQL they could not overlap anyway.
   */
  async forAttempt(em: SqlEntityManager, link: CountedLink, now: Date, callId: string): Promise<{ live: LiveCounters; held: boolean }> {
    return snapshotWithHeld(em, [link], now, callId, true);
  },

  /**
   * Take the row lock that serialises slot-taking for a client and every link to it: a no-op
   * UPDATE of the client's row, which on PostgreSQL holds the row lock until the transaction
   * ends — across instances, with statements after it reading what the previous holder
   * committed — and on SQLite sits in the one writing transaction. Every slot of a link is also
   * a slot of its client, so this one lock covers the link's concurrency and counters too (one
   * lock per taker: no lock order, no deadlock). Call inside a transaction, before reading the counters.
   */
  async lockForSlot(em: SqlEntityManager, clientId: string): Promise<void> {
    await em.execute('update routing_client set enabled = enabled where id = ?', [clientId], 'run');
  },

  /**
   * Take the slot (see {@link hold}), count the call as routed on the link (see {@link count}) and
   * note the link on the call — on PostgreSQL in one statement (one round trip under the lock),
   * on SQLite statement by statement (no network in between).
   */
  async take(em: SqlEntityManager, callId: string, link: CountedLink, leaseUntil: number, now: Date, postgres: boolean): Promise<void> {
    if (!postgres) {
      await this.hold(em, callId, link, leaseUntil);
      await this.count(em, callId, link, 'routed', now);
      await em.execute('update routing_call set client_id = ?, link_id = ? where call_id = ?', [link.clientId, link.linkId, callId], 'run');
      return;
    }
    const keys = periodKeys(now, link.timeZone);
    const values: unknown[] = [];
    for (const [scope, owner] of [['link', link.linkId], ['client', link.clientId]] as const) for (const p of PERIODS) values.push(scope, owner, keys[p]);
    await em.execute(
      `with gone as (delete from routing_slot where call_id = ? and link_id <> ?),
        slot as (insert into routing_slot (call_id, link_id, client_id, answered, lease_until) values (?, ?, ?, false, ?) on conflict (call_id, link_id) do update set lease_until = excluded.lease_until),
        first as (insert into routing_counted (call_id, link_id, kind, at) values (?, ?, 'routed', ?) on conflict do nothing returning call_id),
        counted as (insert into routing_counter (scope, owner_id, kind, period, "count") select v.scope, v.owner_id::uuid, 'routed', v.period, 1 from (values ${Array(values.length / 3).fill('(?, ?, ?)').join(', ')}) as v (scope, owner_id, period) where exists (select 1 from first) on conflict (scope, owner_id, kind, period) do update set "count" = routing_counter."count" + 1)
      update routing_call set client_id = ?, link_id = ? where call_id = ?`,
      [callId, link.linkId, callId, link.linkId, link.clientId, leaseUntil, callId, link.linkId, now.getTime(), ...values, link.clientId, link.linkId, callId],
      'run',
    );
  },

  /** Drop the expired slots of a client's links (they count for nothing already; this keeps the table small). */
  async dropExpired(em: SqlEntityManager, clientId: string, now: Date): Promise<void> {
    await em.execute('delete from routing_slot where client_id = ? and lease_until <= ?', [clientId, now.getTime()], 'run');
  },

  /** The call's slot on the link, or null. */
  async slotOf(em: SqlEntityManager, callId: string, linkId: string): Promise<{ answered: boolean; leaseUntil: number } | null> {
    const [row] = await em.execute<{ answered: boolean | number; lease_until: number | string }[]>('select answered, lease_until from routing_slot where call_id = ? and link_id = ?', [callId, linkId]);
    return row ? { answered: !!row.answered, leaseUntil: Number(row.lease_until) } : null;
  },

  /** Hold a slot for the call on the link until `leaseUntil`; the call's slots on other links are given back (it moved on). */
  async hold(em: SqlEntityManager, callId: string, link: CountedLink, leaseUntil: number): Promise<void> {
    await em.execute('delete from routing_slot where call_id = ? and link_id <> ?', [callId, link.linkId], 'run');
    await em.execute(
      'insert into routing_slot (call_id, link_id, client_id, answered, lease_until) values (?, ?, ?, false, ?) on conflict (call_id, link_id) do update set lease_until = excluded.lease_until',
      [callId, link.linkId, link.clientId, leaseUntil],
      'run',
    );
  },

  /** Renew the call's slots (and mark them answered); the number of slots renewed. */
  async renew(em: SqlEntityManager, callId: string, leaseUntil: number, answered: boolean, now: Date): Promise<number> {
    const rows = await em.execute<{ link_id: string }[]>(
      `update routing_slot set lease_until = ?${answered ? ', answered = true' : ''} where call_id = ? and lease_until > ? returning link_id`,
      [leaseUntil, callId, now.getTime()],
    );
    return rows.length;
  },

  /** Give back the call's slots. */
  async release(em: SqlEntityManager, callId: string): Promise<void> {
    await em.execute('delete from routing_slot where call_id = ?', [callId], 'run');
  },

  /**
   * Count `kind` for the call on the link, once: a (call, link, kind) seen before counts nothing
   * (a retried report), else the link's and its client's counters of the current hour, day,
   * month and total go up by one. Whether it counted.
   */
  async count(em: SqlEntityManager, callId: string, link: CountedLink, kind: CountBy, now: Date): Promise<boolean> {
    const first = await em.execute<{ call_id: string }[]>(
      'insert into routing_counted (call_id, link_id, kind, at) values (?, ?, ?, ?) on conflict do nothing returning call_id',
      [callId, link.linkId, kind, now.getTime()],
    );
    if (!first.length) return false;
    const keys = periodKeys(now, link.timeZone);
    const values: unknown[] = [];
    for (const [scope, owner] of [['link', link.linkId], ['client', link.clientId]] as const) for (const p of PERIODS) values.push(scope, owner, kind, keys[p]);
    await em.execute(
      `insert into routing_counter (scope, owner_id, kind, period, "count") values ${Array(values.length / 4).fill('(?, ?, ?, ?, 1)').join(', ')} on conflict (scope, owner_id, kind, period) do update set "count" = routing_counter."count" + 1`,
      values,
      'run',
    );
    return true;
  },
};

/** The slot and counter reads of {@link counters.snapshot} and {@link counters.forAttempt}. */
async function snapshotWithHeld(em: SqlEntityManager, links: readonly CountedLink[], now: Date, callId: string | null, sequential: boolean): Promise<{ live: LiveCounters; held: boolean }> {
  const clientIds = [...new Set(links.map((l) => l.clientId))];
  const active = new Map<string, number>();
  const pending = new Map<string, number>(); // `${scope}:${id}:connected|converted`
  const counts = new Map<string, number>();
  if (!clientIds.length) return { live: view(active, pending, counts), held: false };
  const marks = (n: number) => Array(n).fill('?').join(', ');
  const keys = new Set<string>();
  for (const l of links) for (const p of PERIODS) keys.add(periodKeys(now, l.timeZone)[p]);
  const owners = [...new Set([...links.map((l) => l.linkId), ...clientIds])];
  // The call's own slots are grouped apart (`mine`): they are not counted, and say whether it holds one.
  const slotsQuery = () => em.execute<(SlotRow & { mine: boolean | number })[]>(
    `select link_id, client_id, answered, ${callId ? 'case when call_id = ? then 1 else 0 end' : '0'} as mine, count(*) as n from routing_slot where client_id in (${marks(clientIds.length)}) and lease_until > ? group by link_id, client_id, answered, mine`,
    [...(callId ? [callId] : []), ...clientIds, now.getTime()],
  );
  const countersQuery = () => em.execute<CounterRow[]>(
    `select scope, owner_id, kind, period, "count" from routing_counter where owner_id in (${marks(owners.length)}) and period in (${marks(keys.size)})`,
    [...owners, ...keys],
  );
  // Outside a transaction the two reads run side by side on two connections.
  const [slots, rows] = sequential ? [await slotsQuery(), await countersQuery()] : await Promise.all([slotsQuery(), countersQuery()]);
  let held = false;
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  for (const s of slots) {
    if (Number(s.mine)) {
      if (s.link_id === links[0]?.linkId) held = true;
      continue;
    }
    const n = Number(s.n);
    for (const key of [`link:${s.link_id}`, `client:${s.client_id}`]) {
      add(active, key, n);
      add(pending, `${key}:converted`, n);
      if (!s.answered) add(pending, `${key}:connected`, n);
    }
  }
  for (const r of rows) counts.set(`${r.scope}:${r.owner_id}:${r.kind}:${r.period}`, Number(r.count));
  return { live: view(active, pending, counts), held };
}

function view(active: Map<string, number>, pending: Map<string, number>, counts: Map<string, number>): LiveCounters {
  return {
    active: (scope, id) => active.get(`${scope}:${id}`) ?? 0,
    count: (scope, id, kind, key) => (counts.get(`${scope}:${id}:${kind}:${key}`) ?? 0) + (kind === 'routed' ? 0 : (pending.get(`${scope}:${id}:${kind}`) ?? 0)),
  };
}
