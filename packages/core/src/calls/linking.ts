import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { assertSiteAccess, runWithAccess } from '../base/access.js';
import { actorKey, type Actor } from '../base/actor.js';
import { DialbookError, notFound } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import type { AuditService } from '../audit/service.js';
import { dialectOf } from '../db/orm.js';
import type { HookBus } from '../hooks/bus.js';
import type { JobService } from '../jobs/service.js';
import type { SettingsService } from '../settings/service.js';
import { CallLinkExclusionEntity, CallRecordEntity, type CallRecord } from './entities.js';
import { byStart, groupCalls, pairKey, primaryOf } from './link-rule.js';
import { siteOf, toDtos } from './rows.js';
import { CALLS_SETTINGS, type CallsSettings } from './settings.js';
import type { CallDto } from './types.js';

/** Changed calls examined per step of a pass (and ids per `in (…)`). */
const CHUNK = 500;
/** Number ranges per neighbour query. */
const RANGES_PER_QUERY = 100;
/** The most records one step gathers around its changed calls (a number called every few seconds for hours chains them all). */
const MAX_REGION = 2000;
/** The columns a pass reads. */
const PASS_FIELDS = ['id', 'source', 'remoteE164', 'startedAt', 'endedAt', 'answeredAt', 'durationSeconds', 'conversationId', 'linkPrimary'] as const;
/** Everything here runs outside any request's site scope (a user's request may have queued it). */
const UNRESTRICTED = { role: 'admin', userId: null, siteIds: null } as const;

/** `GET /calls/{id}/links`: a record's conversation and the rule that formed it. */
export interface CallLinksView {
  /** Null when the record is linked to none. */
  conversationId: string | null;
  primaryId: string;
  rule: { enabled: boolean; windowSeconds: number };
  /** Earliest first; `deltaSeconds` is its start minus the primary's. */
  members: { call: CallDto; deltaSeconds: number }[];
}

export interface LinkPassResult {
  /** Records looked at (the changed ones and those near them). */
  examined: number;
  /** Records whose conversation or primary changed. */
  changed: number;
}

/**
 * Linking one call's records of several sources into one conversation (the rule: `link-rule.ts`).
 * Never in the write path: a recorded or updated call is queued (`queue`, from the `call.recorded`
 * and `call.updated` listeners), and `debounceMs` later a pass for its site runs as the job
 * `calls.link:<site id>`. The pass gathers the records near the changed ones (other sources, same
 * remote E.164, starts within the window, and so on transitively, plus the other records of their conversations),
 * groups them by the rule and writes only what differs: `conversation_id` (the earliest record's
 * id) and `link_primary`. Records are never merged or deleted. Run again, a pass changes nothing;
 * the same records give the same conversations whatever order they came in. With the site's
 * `calls.linking.enabled` off no pass runs (links made before stay). Passes and unlinks of one site
 * run one at a time.
 */
export class CallLinking {
  /** How long recorded calls of a site are gathered before its pass (ms); not pushed back by later calls. */
  debounceMs = 500;
  private readonly pending = new Map<string, Set<string>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  /** The tail of each site's passes and unlinks, which run one after the other. */
  private readonly locks = new Map<string, Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly hooks: HookBus,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly jobs: JobService,
    private readonly logger: Logger,
  ) {}

  /** The remaining records of conversations that lost one (deleted): queued for a pass. */
  async conversationsChanged(siteId: string, conversationIds: readonly string[]): Promise<void> {
    const em = this.orm.em.fork();
    for (let i = 0; i < conversationIds.length; i += CHUNK) {
      const rows = await em.find(CallRecordEntity, { site: siteId, conversationId: { $in: conversationIds.slice(i, i + CHUNK) } }, { fields: ['id'] });
      if (rows.length) this.queue(siteId, rows.map((r) => r.id));
    }
  }

  /** Calls of a site recorded or changed: linked in a pass {@link debounceMs} from the first of them. */
  queue(siteId: string, ids: readonly string[]): void {
    if (this.stopped || !ids.length) return;
    let set = this.pending.get(siteId);
    if (!set) this.pending.set(siteId, (set = new Set()));
    for (const id of ids) set.add(id);
    if (!this.timers.has(siteId)) this.timers.set(siteId, setTimeout(() => this.flush(siteId), this.debounceMs));
  }

  /**
   * Resolves when nothing queued or running is left; queued passes start at once instead of
   * waiting out the debounce (tests, a graceful stop).
   */
  async settled(): Promise<void> {
    for (;;) {
      for (const siteId of [...this.timers.keys()]) this.flush(siteId);
      if (!this.running.size) return;
      await Promise.allSettled([...this.running]);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.pending.clear();
    await Promise.allSettled([...this.running]);
  }

  /** Link the site's records around `ids` now (the pass the queue runs); nothing when the site's linking is off. */
  async link(siteId: string, ids: readonly string[]): Promise<LinkPassResult> {
    return this.exclusive(siteId, async () => {
      const { enabled, windowSeconds } = await this.ruleOf(siteId);
      if (!enabled || !ids.length) return { examined: 0, changed: 0 };
      if (!(await this.mayLink(siteId, ids))) return { examined: 0, changed: 0 };
      return this.jobs.track(`calls.link:${siteId}`, 'Link calls across sources', 'core', async (progress) => {
        const total: LinkPassResult = { examined: 0, changed: 0 };
        for (let i = 0; i < ids.length; i += CHUNK) {
          const step = await this.linkAround(siteId, ids.slice(i, i + CHUNK), windowSeconds * 1000);
          total.examined += step.examined;
          total.changed += step.changed;
          progress(Math.min(i + CHUNK, ids.length), ids.length, `${total.changed} record(s) linked or moved`);
        }
        return total;
      });
    });
  }

  /**
   * Whether a pass around `ids` can change anything: some of them are in a conversation already, or
   * the site holds calls of a source other than theirs. A site with one source (most of them, and
   * every back-fill before a second system joins) costs a primary-key read and two index seeks per
   * batch instead of a pass and its job row.
   */
  private async mayLink(siteId: string, ids: readonly string[]): Promise<boolean> {
    const em = this.orm.em.fork();
    const sources = new Set<string>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await em.find(CallRecordEntity, { id: { $in: ids.slice(i, i + CHUNK) } }, { fields: ['source', 'conversationId'] });
      for (const r of rows) {
        if (r.conversationId) return true;
        sources.add(r.source);
      }
    }
    if (sources.size !== 1) return sources.size > 1;
    const source = [...sources][0]!;
    // Two seeks on the (site, source, external id) index: is there a source sorting before or after it?
    for (const where of [{ $lt: source }, { $gt: source }]) {
      if (await em.findOne(CallRecordEntity, { site: siteId, source: where }, { fields: ['id'] })) return true;
    }
    return false;
  }

  /** A record's conversation, earliest first (404 for an unknown record or one of another site). */
  async links(id: string): Promise<CallLinksView> {
    const em = this.orm.em.fork();
    const row = await this.find(em, id);
    const siteId = siteOf(row);
    const members = row.conversationId ? await em.find(CallRecordEntity, { site: siteId, conversationId: row.conversationId }, { orderBy: [{ startedAt: 'asc' }, { id: 'asc' }] }) : [row];
    const primary = members.find((m) => m.linkPrimary) ?? row;
    const dtos = await toDtos(em, members);
    const rule = await this.ruleOf(siteId);
    return {
      conversationId: row.conversationId ?? null,
      primaryId: primary.id,
      rule: { enabled: rule.enabled, windowSeconds: rule.windowSeconds },
      members: dtos.map((call, i) => ({ call, deltaSeconds: (members[i]!.startedAt.getTime() - primary.startedAt.getTime()) / 1000 })),
    };
  }

  /**
   * `DELETE /calls/{id}/links`: take the record out of its conversation. It stands alone again, the
   * pairs of it and each other record are excluded from linking for good, the others keep their
   * conversation (a record left alone is unlinked too), and one audit row `call.unlinked` says so.
   * 409 `DIALBOOK_CALL_NOT_LINKED` for a record in no conversation.
   */
  async unlink(id: string, actor: Actor): Promise<void> {
    const siteId = siteOf(await this.find(this.orm.em.fork(), id));
    const done = await this.exclusive(siteId, () =>
      this.orm.em.fork().transactional(async (em) => {
        await lockSite(em, siteId);
        const row = await this.find(em, id);
        const conversationId = row.conversationId;
        if (!conversationId) throw new DialbookError('DIALBOOK_CALL_NOT_LINKED', `call ${id} is not linked with records of other sources`, { status: 409, details: { id } });
        const others = (await em.find(CallRecordEntity, { site: siteId, conversationId, id: { $ne: id } })).sort(byStart);
        const known = new Set((await em.find(CallLinkExclusionEntity, { $or: [{ a: id }, { b: id }] })).map((x) => pairKey(x.a, x.b)));
        const now = new Date();
        for (const o of others) {
          if (known.has(pairKey(id, o.id))) continue;
          const [a, b] = id < o.id ? [id, o.id] : [o.id, id];
          await em.insert(CallLinkExclusionEntity, { a, b, siteId, createdAt: now, createdBy: actorKey(actor).slice(0, 200) });
        }
        await em.nativeUpdate(CallRecordEntity, { id }, { conversationId: null, linkPrimary: true });
        if (others.length === 1) await em.nativeUpdate(CallRecordEntity, { id: others[0]!.id }, { conversationId: null, linkPrimary: true });
        else if (others.length > 1) {
          const primary = primaryOf(others).id;
          for (const o of others) await em.nativeUpdate(CallRecordEntity, { id: o.id }, { conversationId: others[0]!.id, linkPrimary: o.id === primary });
        }
        return { conversationId, others: others.map((o) => o.id) };
      }),
    );
    await this.audit.record('call.unlinked', actor, { siteId, targetId: id, detail: { conversationId: done.conversationId, from: done.others } });
    // The others may now fit the rule differently (a pass on what is left settles them).
    this.queue(siteId, done.others);
  }

  private flush(siteId: string): void {
    clearTimeout(this.timers.get(siteId));
    this.timers.delete(siteId);
    const ids = [...(this.pending.get(siteId) ?? [])];
    this.pending.delete(siteId);
    if (!ids.length || this.stopped) return;
    const done = runWithAccess(UNRESTRICTED, () => this.link(siteId, ids))
      .catch((err: unknown) => this.logger.error({ err, siteId }, 'linking calls across sources failed'))
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }

  /** Run `fn` after the site's earlier passes and unlinks. */
  private exclusive<T>(siteId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(siteId) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(siteId, tail);
    void tail.then(() => {
      if (this.locks.get(siteId) === tail) this.locks.delete(siteId);
    });
    return run;
  }

  private async ruleOf(siteId: string): Promise<CallsSettings['linking']> {
    return (await this.settings.get<CallsSettings>(CALLS_SETTINGS, siteId, { secrets: false })).linking;
  }

  private async find(em: EntityManager, id: string): Promise<CallRecord> {
    const row = await em.findOne(CallRecordEntity, { id });
    if (!row) throw notFound('call', id);
    assertSiteAccess(siteOf(row), 'call', id);
    return row;
  }

  /** One step of a pass: the records around `ids`, grouped by the rule, and what differs written. */
  private async linkAround(siteId: string, ids: readonly string[], windowMs: number): Promise<LinkPassResult> {
    const { examined, changed, linked } = await this.orm.em.fork().transactional((em) => this.regroup(em, siteId, ids, windowMs));
    for (const l of linked) await this.hooks.emit('call.linked', { siteId, ...l });
    return { examined, changed };
  }

  /** In the transaction of {@link linkAround}, holding the site's lock: read, group, write. */
  private async regroup(em: EntityManager, siteId: string, ids: readonly string[], windowMs: number): Promise<LinkPassResult & { linked: { conversationId: string; ids: string[] }[] }> {
    await lockSite(em, siteId);
    const region = await this.gather(em, siteId, ids, windowMs);
    if (!region.length) return { examined: 0, changed: 0, linked: [] };
    const excluded = new Set<string>();
    const regionIds = region.map((r) => r.id);
    for (let i = 0; i < regionIds.length; i += CHUNK) {
      const part = regionIds.slice(i, i + CHUNK);
      for (const x of await em.find(CallLinkExclusionEntity, { $or: [{ a: { $in: part } }, { b: { $in: part } }] })) excluded.add(pairKey(x.a, x.b));
    }
    const writes = new Map<string, { conversationId: string | null; linkPrimary: boolean; ids: string[] }>();
    const linked: { conversationId: string; ids: string[] }[] = [];
    for (const group of groupCalls(region, windowMs, excluded)) {
      const conversationId = group.length > 1 ? group[0]!.id : null;
      const primary = group.length > 1 ? primaryOf(group).id : null;
      let joined = false;
      for (const r of group) {
        const linkPrimary = primary === null || r.id === primary;
        if ((r.conversationId ?? null) !== conversationId) joined = true;
        else if ((r.linkPrimary ?? true) === linkPrimary) continue;
        const key = `${conversationId}|${linkPrimary}`;
        let w = writes.get(key);
        if (!w) writes.set(key, (w = { conversationId, linkPrimary, ids: [] }));
        w.ids.push(r.id);
      }
      if (conversationId && joined) linked.push({ conversationId, ids: group.map((r) => r.id) });
    }
    let changed = 0;
    for (const w of writes.values()) {
      for (let i = 0; i < w.ids.length; i += CHUNK) changed += await em.nativeUpdate(CallRecordEntity, { id: { $in: w.ids.slice(i, i + CHUNK) } }, { conversationId: w.conversationId, linkPrimary: w.linkPrimary });
    }
    return { examined: region.length, changed, linked };
  }

  /**
   * The site's records `ids` and, transitively, every record of another source with the same
   * remote E.164 that started within the window of one gathered, and the other records of their
   * conversations:
   * a closed neighbourhood, so grouping it gives what grouping all of the site's calls would.
   */
  private async gather(em: EntityManager, siteId: string, ids: readonly string[], windowMs: number): Promise<CallRecord[]> {
    const region = new Map<string, CallRecord>();
    const add = (rows: CallRecord[]) => rows.forEach((r) => region.has(r.id) || region.set(r.id, r));
    // Only what the rule reads (no payloads): a back-fill of thousands of calls passes through here.
    const find = async (where: object) => (await em.find(CallRecordEntity, { site: siteId, ...where }, { fields: PASS_FIELDS })) as CallRecord[];
    add(await find({ id: { $in: [...ids] } }));
    const queried = new Map<string, Range[]>();
    const conversations = new Set<string>();
    // A record's neighbours are known once a range fetched every other source's records around its start.
    const covered = (r: CallRecord) => (queried.get(r.remoteE164!) ?? []).some((q) => (q.except === null || q.except === r.source) && q.lo <= r.startedAt.getTime() - windowMs && r.startedAt.getTime() + windowMs <= q.hi);
    for (;;) {
      const expand = [...region.values()].filter((r) => r.remoteE164 && !covered(r));
      const convs = [...new Set([...region.values()].map((r) => r.conversationId).filter((c): c is string => !!c && !conversations.has(c)))];
      if (!expand.length && !convs.length) break;
      if (region.size > MAX_REGION) {
        this.logger.warn({ siteId, records: region.size }, `linking calls: more than ${MAX_REGION} records chain together around the changed calls; linked as far as gathered`);
        break;
      }
      const ranges = rangesOf(expand, windowMs);
      for (const r of ranges) {
        let list = queried.get(r.e164);
        if (!list) queried.set(r.e164, (list = []));
        list.push(r);
      }
      for (let i = 0; i < ranges.length; i += RANGES_PER_QUERY) {
        const $or = ranges.slice(i, i + RANGES_PER_QUERY).map((r) => ({ remoteE164: r.e164, startedAt: { $gte: new Date(r.lo), $lte: new Date(r.hi) }, ...(r.except === null ? {} : { source: { $ne: r.except } }) }));
        add(await find({ $or }));
      }
      for (const c of convs) conversations.add(c);
      for (let i = 0; i < convs.length; i += CHUNK) add(await find({ conversationId: { $in: convs.slice(i, i + CHUNK) } }));
    }
    return [...region.values()];
  }
}

/**
 * Passes and unlinks of one site one at a time across instances too (PostgreSQL: a transaction-scoped
 * advisory lock; one instance runs on SQLite, where {@link CallLinking.exclusive} is enough).
 */
async function lockSite(em: EntityManager, siteId: string): Promise<void> {
  if (dialectOf(em) === 'postgresql') await (em as SqlEntityManager).execute('select pg_advisory_xact_lock(hashtext(?))', [`calls.link:${siteId}`]);
}

/** Where to look for records of a number: starts in `[lo, hi]`, of any source but `except` (null: of any). */
interface Range {
  e164: string;
  lo: number;
  hi: number;
  except: string | null;
}

/**
 * The windows `[start - window, start + window]` of the records, merged where they overlap, per
 * number. Only records of other sources can link with a record (and records of one source only
 * ever meet through one of another), so a range of one source's records leaves that source out:
 * a back-fill of one source reads nothing of its own back.
 */
function rangesOf(rows: readonly CallRecord[], windowMs: number): Range[] {
  const sorted = [...rows].sort((x, y) => (x.remoteE164! < y.remoteE164! ? -1 : x.remoteE164! > y.remoteE164! ? 1 : x.startedAt.getTime() - y.startedAt.getTime()));
  const out: Range[] = [];
  for (const r of sorted) {
    const t = r.startedAt.getTime();
    const last = out[out.length - 1];
    if (last && last.e164 === r.remoteE164 && t - windowMs <= last.hi) {
      last.hi = Math.max(last.hi, t + windowMs);
      if (last.except !== r.source) last.except = null;
    } else out.push({ e164: r.remoteE164!, lo: t - windowMs, hi: t + windowMs, except: r.source });
  }
  return out;
}
