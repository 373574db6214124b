import { raw, type MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { userNames } from '../accounts/records.js';
import { allowedSites } from '../base/access.js';
import { DialbookError } from '../base/errors.js';
import type { Registry } from '../base/registry.js';
import { parseInput } from '../base/validate.js';
import { ContactEntity } from '../contacts/entities.js';
import { dialectOf } from '../db/orm.js';
import { SiteEntity } from '../sites/entities.js';
import { DEFAULT_TIME_ZONE, siteTimeZone, TimeZoneSchema } from '../sites/timezone.js';
import type { CallSource } from './contracts.js';
import { CallRecordEntity } from './entities.js';
import { callFilter } from './query.js';
import { CallListQuerySchema } from './types.js';

export const STATS_GROUPINGS = ['day', 'week', 'hour', 'user', 'source', 'direction', 'status', 'remote'] as const;
export type StatsGrouping = (typeof STATS_GROUPINGS)[number];
/** The most day or week rows one answer holds. */
export const MAX_BUCKETS = 1000;
const BUCKET_MS = 15 * 60_000;
const DAY_MS = 24 * 3600_000;

/** `GET /calls/stats`: the list's filters (without paging), the grouping, and optionally the zone to count in. */
export const CallStatsQuerySchema = CallListQuerySchema.omit({ limit: true, cursor: true })
  .extend({
    groupBy: z.enum(STATS_GROUPINGS).meta({ description: '`day` and `week` (the local Monday) ascending with empty ones filled in; `hour` of the local day, all 24; the others by count, largest first' }),
    limit: z.coerce.number().int().min(1).max(100).default(10).meta({ description: 'How many groups `user`, `source` and `remote` return (the largest)' }),
    timeZone: TimeZoneSchema.optional().meta({ description: "Count in this IANA zone; default: the site's (`siteId`), else the one all your sites share, else `UTC`" }),
  })
  .meta({ id: 'CallStatsQuery' });
export type CallStatsQuery = z.input<typeof CallStatsQuerySchema>;

const figures = {
  count: z.number().int(),
  answered: z.number().int().meta({ description: 'Calls with status `answered`' }),
  missed: z.number().int().meta({ description: 'Calls with status `missed`' }),
  answeredRate: z.number().nullable().meta({ description: '`answered / count`, 0..1; null when `count` is 0' }),
  totalDurationSeconds: z.number().int(),
  avgDurationSeconds: z.number().nullable().meta({ description: 'Over answered calls with a duration; null when there is none' }),
};
export const CallStatsSchema = z
  .object({
    timeZone: z.string().meta({ description: 'The zone days, weeks and hours were counted in' }),
    groupBy: z.enum(STATS_GROUPINGS),
    totals: z.object(figures),
    groups: z.array(z.object({ key: z.string(), label: z.string(), ...figures })),
  })
  .meta({ id: 'CallStats' });
export type CallStats = z.infer<typeof CallStatsSchema>;
type Figures = Omit<CallStats['totals'], 'answeredRate' | 'avgDurationSeconds'> & { timed: number; timedSeconds: number };
type Group = CallStats['groups'][number];

const zero = (): Figures => ({ count: 0, answered: 0, missed: 0, totalDurationSeconds: 0, timed: 0, timedSeconds: 0 });
const add = (a: Figures, b: Figures) => {
  a.count += b.count;
  a.answered += b.answered;
  a.missed += b.missed;
  a.totalDurationSeconds += b.totalDurationSeconds;
  a.timed += b.timed;
  a.timedSeconds += b.timedSeconds;
};
const finish = (f: Figures) => ({
  count: f.count,
  answered: f.answered,
  missed: f.missed,
  answeredRate: f.count ? f.answered / f.count : null,
  totalDurationSeconds: f.totalDurationSeconds,
  avgDurationSeconds: f.timed ? f.timedSeconds / f.timed : null,
});

/** The aggregates every row of the grouped query carries (PostgreSQL hands back bigints as text). */
const AGGREGATES =
  "count(*) as n, sum(case when r.status = 'answered' then 1 else 0 end) as answered, sum(case when r.status = 'missed' then 1 else 0 end) as missed, " +
  "coalesce(sum(r.duration_seconds), 0) as seconds, sum(case when r.status = 'answered' and r.duration_seconds is not null then 1 else 0 end) as timed, " +
  "coalesce(sum(case when r.status = 'answered' then r.duration_seconds else 0 end), 0) as timed_seconds";
type AggRow = { k: unknown; n: unknown; answered: unknown; missed: unknown; seconds: unknown; timed: unknown; timed_seconds: unknown; label?: unknown };
const figuresOf = (r: AggRow): Figures => ({
  count: Number(r.n),
  answered: Number(r.answered),
  missed: Number(r.missed),
  totalDurationSeconds: Number(r.seconds),
  timed: Number(r.timed),
  timedSeconds: Number(r.timed_seconds ?? 0),
});

/**
 * Local wall-clock time of UTC instants in one zone, by `Intl`. Offsets are whole quarter hours and
 * change on quarter-hour instants, so one offset holds for a whole 15-minute bucket; a UTC day whose
 * start and end share an offset is taken to have it throughout (two changes in one day do not occur),
 * so a year of buckets costs some hundreds of `Intl` calls, not tens of thousands.
 */
export class LocalClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly days = new Map<number, number | null>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  }

  /** The zone's offset from UTC at `t` (ms since the epoch), in ms. */
  offsetAt(t: number): number {
    const day = Math.floor(t / DAY_MS);
    let known = this.days.get(day);
    if (known === undefined) {
      const a = this.exactOffset(day * DAY_MS);
      const b = this.exactOffset(day * DAY_MS + DAY_MS - BUCKET_MS);
      this.days.set(day, (known = a === b ? a : null));
    }
    return known ?? this.exactOffset(Math.floor(t / BUCKET_MS) * BUCKET_MS);
  }

  /** `t` shifted to local wall-clock time, read with the `getUTC…` methods. */
  local(t: number): Date {
    return new Date(t + this.offsetAt(t));
  }

  private exactOffset(t: number): number {
    const p: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
    return wall - Math.floor(t / 1000) * 1000;
  }
}

const dateKey = (localDay: number): string => new Date(localDay * DAY_MS).toISOString().slice(0, 10);
/** The local Monday (days since the epoch) of a local day: 1970-01-01 was a Thursday. */
const mondayOf = (localDay: number): number => localDay - ((localDay + 3) % 7);
function isoWeekLabel(monday: number): string {
  const thursday = new Date((monday + 3) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((monday + 3 - Date.UTC(year, 0, 1) / DAY_MS) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export interface CallStatsDeps {
  orm: MikroORM;
  sources: Registry<CallSource>;
  defaultCountry: string | null;
}

/**
 * The zone a report counts in: the one asked for, else the site's (`siteId`), else the one every site
 * the caller may see shares, else `UTC`.
 */
export async function reportTimeZone(em: SqlEntityManager, q: { timeZone?: string | undefined; siteId?: string | undefined }): Promise<string> {
  if (q.timeZone) return q.timeZone;
  if (q.siteId) return siteTimeZone(em, q.siteId);
  const sites = allowedSites();
  if (sites && !sites.size) return DEFAULT_TIME_ZONE;
  const zones = (await em
    .createQueryBuilder(SiteEntity, 's')
    .select('s.timeZone', true)
    .where(sites ? { id: { $in: [...sites] } } : {})
    .limit(2)
    .execute('all', false)) as unknown as { timeZone?: string; time_zone?: string }[];
  return zones.length === 1 ? (zones[0]!.timeZone ?? zones[0]!.time_zone ?? DEFAULT_TIME_ZONE) : DEFAULT_TIME_ZONE;
}

/**
 * Counts, answered rate and durations of the calls the list's filters select (each conversation once
 * unless `linked=all`), in total and grouped. Local days, weeks and hours come from one SQL query
 * grouped per UTC quarter hour, folded into the zone's calendar here: right in every zone and on both
 * databases, and no row is read one by one.
 */
export async function callStats(deps: CallStatsDeps, query: CallStatsQuery): Promise<CallStats> {
  const q = parseInput(CallStatsQuerySchema, query);
  const em = deps.orm.em.fork() as SqlEntityManager;
  const filter = await callFilter(em, q, deps.defaultCountry);
  const timeZone = await reportTimeZone(em, q);
  const pg = dialectOf(deps.orm) === 'postgresql';
  /** One aggregate query: grouped by the SQL expression `key`, or one row of totals when it is null. */
  const grouped = async (key: string | null, extra = '', limit?: number): Promise<AggRow[]> => {
    const qb = em.createQueryBuilder(CallRecordEntity, 'r').select([...(key ? [raw(`${key} as k`)] : []), raw(AGGREGATES), ...(extra ? [raw(extra)] : [])]);
    filter(qb);
    if (key) qb.groupBy([raw(key)] as never);
    if (key && limit) qb.orderBy([{ [raw('count(*)') as never]: 'desc' }, { [raw(key) as never]: 'asc' }] as never).limit(limit);
    return (await qb.execute('all', false)) as unknown as AggRow[];
  };

  if (q.groupBy === 'day' || q.groupBy === 'week' || q.groupBy === 'hour') {
    // Dates are epoch milliseconds on SQLite (the bucket's number), timestamptz on PostgreSQL (the bucket's start, PostgreSQL 14+:
    // `date_bin` groups a million rows in less than half the time of arithmetic on `extract(epoch …)`, a numeric).
    const bucket = pg ? "date_bin('15 minutes', r.started_at, timestamptz '1970-01-01 00:00:00+00')" : 'cast(r.started_at / 900000 as integer)';
    const startOf = (k: unknown): number => (k instanceof Date ? k.getTime() : typeof k === 'string' && !/^\d+$/.test(k) ? Date.parse(k) : Number(k) * BUCKET_MS);
    const rows = await grouped(bucket);
    const clock = new LocalClock(timeZone);
    const totals = zero();
    const by = new Map<number, Figures>();
    let first = Infinity;
    let last = -Infinity;
    for (const r of rows) {
      const f = figuresOf(r);
      add(totals, f);
      const t = startOf(r.k);
      const local = clock.local(t).getTime();
      const k = q.groupBy === 'hour' ? Math.floor(local / 3600_000) % 24 : q.groupBy === 'day' ? Math.floor(local / DAY_MS) : mondayOf(Math.floor(local / DAY_MS));
      let g = by.get(k);
      if (!g) by.set(k, (g = zero()));
      add(g, f);
      first = Math.min(first, k);
      last = Math.max(last, k);
    }
    let groups: Group[];
    if (q.groupBy === 'hour') {
      groups = Array.from({ length: 24 }, (_, h) => ({ key: String(h).padStart(2, '0'), label: `${String(h).padStart(2, '0')}:00`, ...finish(by.get(h) ?? zero()) }));
    } else {
      const step = q.groupBy === 'day' ? 1 : 7;
      const dayOf = (t: number) => Math.floor(clock.local(t).getTime() / DAY_MS);
      const align = (d: number) => (step === 7 ? mondayOf(d) : d);
      const from = q.start ? align(dayOf(Date.parse(q.start))) : first;
      const to = q.end ? align(dayOf(Date.parse(q.end) - 1)) : last;
      const lo = Number.isFinite(from) ? from : to;
      const hi = Number.isFinite(to) ? to : from;
      groups = [];
      if (Number.isFinite(lo) && Number.isFinite(hi) && hi >= lo) {
        const n = Math.floor((hi - lo) / step) + 1;
        if (n > MAX_BUCKETS) {
          const message = `the range holds ${n} ${q.groupBy}s, more than ${MAX_BUCKETS}: narrow start and end, or group by week`;
          throw new DialbookError('DIALBOOK_VALIDATION', `query.groupBy: ${message}`, { status: 422, field: 'query.groupBy', details: { errors: [{ field: 'query.groupBy', message }] } });
        }
        for (let d = lo; d <= hi; d += step) groups.push({ key: dateKey(d), label: step === 7 ? isoWeekLabel(d) : dateKey(d), ...finish(by.get(d) ?? zero()) });
      }
    }
    return { timeZone, groupBy: q.groupBy, totals: finish(totals), groups };
  }

  const [totalRow] = await grouped(null);
  const totals = totalRow ? figuresOf(totalRow) : zero();
  let groups: Group[];
  if (q.groupBy === 'direction' || q.groupBy === 'status') {
    const rows = await grouped(`r.${q.groupBy}`, '', 100);
    groups = rows.map((r) => ({ key: String(r.k), label: String(r.k), ...finish(figuresOf(r)) }));
  } else if (q.groupBy === 'source') {
    const rows = await grouped('r.source', '', q.limit);
    groups = rows.map((r) => {
      const id = String(r.k);
      return { key: id, label: id === 'manual' ? 'Manual' : (deps.sources.get(id)?.label ?? id), ...finish(figuresOf(r)) };
    });
  } else if (q.groupBy === 'user') {
    const rows = await grouped("coalesce(cast(r.user_id as varchar(36)), 'none')", '', q.limit);
    const ids = rows.map((r) => String(r.k)).filter((k) => k !== 'none');
    const names = await userNames(em, ids);
    groups = rows.map((r) => {
      const id = String(r.k);
      return { key: id, label: id === 'none' ? 'No user' : (names.get(id) ?? id), ...finish(figuresOf(r)) };
    });
  } else {
    // The other party: the resolved contact, else the number (E.164 where it has one, else as written).
    const key = "case when r.contact_id is not null then 'contact:' || cast(r.contact_id as varchar(36)) when coalesce(r.remote_e164, r.remote_number) is not null then 'number:' || coalesce(r.remote_e164, r.remote_number) else 'none' end";
    const rows = await grouped(key, 'max(r.remote_name) as label', q.limit);
    const contactIds = rows.map((r) => String(r.k)).filter((k) => k.startsWith('contact:')).map((k) => k.slice(8));
    const contacts = contactIds.length ? await em.find(ContactEntity, { id: { $in: contactIds } }, { fields: ['id', 'displayName'] }) : [];
    const names = new Map(contacts.map((c) => [c.id, c.displayName]));
    groups = rows.map((r) => {
      const k = String(r.k);
      const label = k.startsWith('contact:') ? (names.get(k.slice(8)) ?? (r.label as string | null) ?? k.slice(8)) : k === 'none' ? 'No number' : ((r.label as string | null) || k.slice(7));
      return { key: k, label, ...finish(figuresOf(r)) };
    });
  }
  return { timeZone, groupBy: q.groupBy, totals: finish(totals), groups };
}
