import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/core';
import { assertSiteAccess, assertSiteField } from '../base/access.js';
import type { Actor } from '../base/actor.js';
import { DialbookError, notFound } from '../base/errors.js';
import type { Registry } from '../base/registry.js';
import { parseInput } from '../base/validate.js';
import type { ContactService } from '../contacts/service.js';
import type { HookBus } from '../hooks/bus.js';
import { SiteEntity } from '../sites/entities.js';
import type { CallSource } from './contracts.js';
import { CallRecordEntity, type CallRecord } from './entities.js';
import { columnsOf, findPlain, insertPlain, siteOf, stateOf, toDtos } from './rows.js';
import { changedFields, derive, mergeCall, sameState, toCallEvent, type CallEvent, type CallState, type MergeState } from './merge.js';
import { listCalls } from './query.js';
import type { CallResolution } from './resolution.js';
import {
  CallCreateSchema,
  CallRecordInputSchema,
  CallUpdateSchema,
  FINAL_STATUSES,
  type CallCreate,
  type CallDto,
  type CallItemResult,
  type CallListQuery,
  type CallPage,
  type CallRecordInput,
  type CallUpdate,
  type CallUpsertResult,
} from './types.js';

/** The source of calls entered by hand (`POST /calls`): the only ones that may be edited or deleted. */
export const MANUAL_SOURCE = 'manual';
/** Reads and merges of a batch before giving up on writers that keep getting in between. */
const ATTEMPTS = 10;

/** Another writer changed a row between our read and our write: the batch is read and merged again. */
class StaleRow extends Error {}

interface Staged {
  externalId: string;
  id: string;
  created: boolean;
  changes: string[];
  /** The row as the transaction left it: the DTO and events are built from it, with no read after the commit. */
  row: CallRecord;
}

/** An item's error as its result when it is a refusal; anything else is thrown on. */
function refusal(err: unknown): CallItemResult {
  if (err instanceof DialbookError) return { error: err };
  throw err;
}

/**
 * The call log: records upserted by call sources (each event of a call merged into one row, see
 * `merge.ts`), calls entered by hand, lists with filters and keyset pages. Events `call.recorded`
 * and `call.updated` after the commit; the remote number is matched to a contact in the
 * background (`resolution.ts`), never in the write.
 */
export class CallService {
  constructor(
    private readonly orm: MikroORM,
    private readonly hooks: HookBus,
    private readonly contacts: ContactService,
    private readonly sources: Registry<CallSource>,
    readonly resolution: CallResolution,
    private readonly defaultCountry: string | null,
  ) {}

  /**
   * Merge one event or snapshot of a call (by `record.externalId`) into the site's record of it:
   * created the first time, moved on by later events in whatever order they come (see `merge.ts`).
   * A redelivered event changes nothing and emits nothing.
   */
  async upsert(siteId: string, source: string, record: CallRecordInput): Promise<CallUpsertResult> {
    const [result] = await this.upsertMany(siteId, source, [record]);
    if (result && 'error' in result) throw result.error;
    return result!;
  }

  /**
   * {@link upsert} for a batch (a page of a back-fill): one read, one transaction, multi-row
   * inserts, no write for an unchanged call. Results come back in the items' order; an item
   * refused (validation) gets its error and the others are still written. Items of one call
   * in one batch are merged in turn.
   */
  async upsertMany(siteId: string, source: string, records: readonly CallRecordInput[]): Promise<CallItemResult[]> {
    assertSiteField(siteId);
    this.requireSource(source);
    const results: CallItemResult[] = new Array(records.length);
    const events: { i: number; externalId: string; event: CallEvent }[] = [];
    records.forEach((r, i) => {
      try {
        const parsed = parseInput(CallRecordInputSchema, r);
        events.push({ i, externalId: parsed.externalId, event: toCallEvent(parsed) });
      } catch (err) {
        results[i] = refusal(err);
      }
    });
    const staged = await this.write(siteId, source, events, results, false);
    const dtos = await this.emitFor(siteId, staged);
    for (const { i, externalId, changed, created } of staged.items) results[i] = { call: dtos.get(externalId)!, created, changed };
    return results;
  }

  /** `POST /calls`: a call entered by hand; the same source and externalId again is 409 with the existing id. */
  async create(body: CallCreate, _actor: Actor): Promise<CallDto> {
    const b = parseInput(CallCreateSchema, body);
    assertSiteField(b.siteId);
    this.requireSource(b.source);
    const answeredAt = b.answeredAt ? new Date(b.answeredAt) : null;
    const event: CallEvent = {
      direction: b.direction,
      status: b.status ?? (answeredAt ? 'answered' : b.direction === 'inbound' ? 'missed' : 'canceled'),
      startedAt: new Date(b.startedAt),
      answeredAt,
      endedAt: b.endedAt ? new Date(b.endedAt) : null,
      durationSeconds: b.durationSeconds ?? null,
      localNumber: b.local?.number || null,
      localExtension: b.local?.extension || null,
      localUserId: b.local?.userId || null,
      remoteNumber: b.remote?.number || null,
      remoteName: b.remote?.name || null,
      userId: b.userId ?? null,
      rawPayload: undefined,
      recording: null,
    };
    checkTimes(event);
    const externalId = b.externalId ?? randomUUID();
    const results: CallItemResult[] = [];
    const staged = await this.write(b.siteId, b.source, [{ i: 0, externalId, event }], results, true);
    if (results[0] && 'error' in results[0]) throw results[0].error;
    return (await this.emitFor(b.siteId, staged)).get(externalId)!;
  }

  async get(id: string): Promise<CallDto> {
    const em = this.orm.em.fork();
    const row = await this.find(em, id);
    return (await toDtos(em, [row]))[0]!;
  }

  /** A page of calls, newest first (see {@link CallListQuery}); `next` continues after the last one, unaffected by calls recorded meanwhile. */
  list(query: CallListQuery = {}): Promise<CallPage> {
    return listCalls(this.orm, query, this.defaultCountry);
  }

  /** The calls with a contact (its timeline), newest first; 404 for a contact the caller may not see. */
  async forContact(contactId: string, query: Pick<CallListQuery, 'limit' | 'cursor'> = {}): Promise<CallPage> {
    await this.contacts.get(contactId);
    return this.list({ ...query, contactId });
  }

  /** `PATCH /calls/{id}`: edit a manual call (409 for a call a source recorded). Fields left out stay; the status is as given. */
  async update(id: string, body: CallUpdate, _actor: Actor): Promise<CallDto> {
    const b = parseInput(CallUpdateSchema, body);
    const em = this.orm.em.fork();
    const row = await this.manual(em, id);
    const old = stateOf(row);
    const date = (v: string | null | undefined, had: Date | null) => (v === undefined ? had : v === null ? null : new Date(v));
    const pick = <T>(v: T | null | undefined, had: T | null): T | null => (v === undefined ? had : (v ?? null) || null);
    const status = b.status ?? old.status;
    const fields = {
      direction: b.direction ?? old.direction,
      startedAt: b.startedAt ? new Date(b.startedAt) : old.startedAt,
      answeredAt: date(b.answeredAt, old.answeredAt),
      endedAt: date(b.endedAt, old.endedAt),
      localNumber: b.local ? pick(b.local.number, old.localNumber) : old.localNumber,
      localExtension: b.local ? pick(b.local.extension, old.localExtension) : old.localExtension,
      localUserId: b.local ? pick(b.local.userId, old.localUserId) : old.localUserId,
      remoteNumber: b.remote ? pick(b.remote.number, old.remoteNumber) : old.remoteNumber,
      remoteName: b.remote ? pick(b.remote.name, old.remoteName) : old.remoteName,
      userId: b.userId === undefined ? old.userId : b.userId,
      rawPayload: old.rawPayload,
      recording: old.recording,
    };
    checkTimes(fields);
    const merge: MergeState = {
      ...old.merge,
      answered: status === 'answered' || status === 'in_progress',
      ended: FINAL_STATUSES.includes(status),
      outcome: status === 'answered' || !FINAL_STATUSES.includes(status) ? null : status,
      reportedDuration: b.durationSeconds === undefined ? old.merge.reportedDuration : b.durationSeconds,
    };
    const next: CallState = { ...fields, merge, ...derive({ ...fields, merge }) };
    const changes = changedFields(old, next);
    if (!changes.length && sameState(old, next)) return (await toDtos(em, [row]))[0]!;
    const country = await this.countryOf(em, siteOf(row));
    const cols = columnsOf(next, country);
    const renumbered = cols.remoteE164 !== (row.remoteE164 ?? null) || cols.remoteDigits !== (row.remoteDigits ?? null);
    const n = await em.nativeUpdate(CallRecordEntity, { id, version: row.version }, { ...cols, ...(renumbered ? { contactId: null } : {}), version: row.version + 1, updatedAt: new Date() });
    if (!n) throw new DialbookError('DIALBOOK_CALL_CHANGED', `call ${id} was changed meanwhile: read it again`, { status: 409 });
    const [call] = await toDtos(em, [await this.find(em.fork(), id)]);
    await this.hooks.emit('call.updated', { call: call!, changes });
    if (renumbered && cols.remoteDigits) this.resolution.queue(call!.siteId, [{ e164: cols.remoteE164, digits: cols.remoteDigits }]);
    return call!;
  }

  /** `DELETE /calls/{id}`: remove a manual call (409 for a call a source recorded). */
  async remove(id: string, _actor: Actor): Promise<void> {
    const em = this.orm.em.fork();
    const row = await this.manual(em, id);
    await em.nativeDelete(CallRecordEntity, { id });
    await this.hooks.emit('call.deleted', { siteId: siteOf(row), ids: [id], conversationIds: row.conversationId ? [row.conversationId] : [] });
  }

  /** How many calls a site holds. */
  countInSite(siteId: string): Promise<number> {
    return this.orm.em.fork().count(CallRecordEntity, { site: siteId });
  }

  /** Forget a contact removed for good: its calls are unresolved again (and tried against the other contacts). */
  async contactPurged(siteId: string, contactId: string): Promise<void> {
    await this.orm.em.fork().nativeUpdate(CallRecordEntity, { contactId }, { contactId: null });
    this.resolution.siteChanged(siteId);
  }

  private requireSource(source: string): void {
    if (source !== MANUAL_SOURCE && !this.sources.get(source)) {
      throw new DialbookError('DIALBOOK_CALL_SOURCE_UNKNOWN', `"${source}" is not a call source: use "manual" or one a plugin registers (${this.sources.list().map((s) => s.id).join(', ') || 'none is'})`, { status: 422, field: 'source' });
    }
  }

  private async find(em: EntityManager, id: string): Promise<CallRecord> {
    const row = await em.findOne(CallRecordEntity, { id });
    if (!row) throw notFound('call', id);
    assertSiteAccess(siteOf(row), 'call', id);
    return row;
  }

  private async manual(em: EntityManager, id: string): Promise<CallRecord> {
    const row = await this.find(em, id);
    if (row.source !== MANUAL_SOURCE) throw new DialbookError('DIALBOOK_CALL_NOT_MANUAL', `call ${id} was recorded by ${row.source}: only calls entered by hand can be edited or deleted`, { status: 409, details: { id, source: row.source } });
    return row;
  }

  private async countryOf(em: EntityManager, siteId: string): Promise<string | null> {
    const site = await em.findOne(SiteEntity, { id: siteId }, { fields: ['defaultCountry'] });
    if (!site) throw new DialbookError('DIALBOOK_SITE_UNKNOWN', `site ${siteId} does not exist`, { status: 422, field: 'siteId' });
    return site.defaultCountry ?? this.defaultCountry;
  }

  /**
   * Merge the events into the site's rows in one transaction (read again and retried when another
   * writer got in between). `createOnly`: an existing call is a 409 naming it, not merged.
   */
  private async write(siteId: string, source: string, events: { i: number; externalId: string; event: CallEvent }[], results: CallItemResult[], createOnly: boolean) {
    for (let attempt = 1; ; attempt++) {
      const refused = new Map<number, CallItemResult>();
      try {
        const out = await this.orm.em.fork().transactional(async (em) => {
          const country = await this.countryOf(em, siteId);
          const ids = [...new Set(events.map((e) => e.externalId))];
          const rows = new Map<string, CallRecord>();
          for (let k = 0; k < ids.length; k += 500) {
            for (const r of await findPlain(em, { site: siteId, source, externalId: { $in: ids.slice(k, k + 500) } })) rows.set(r.externalId, r);
          }
          const states = new Map<string, { before: CallState | null; state: CallState }>();
          const items: { i: number; externalId: string; created: boolean; changed: boolean }[] = [];
          for (const { i, externalId, event } of events) {
            const row = rows.get(externalId);
            if (row && createOnly) {
              refused.set(i, { error: new DialbookError('DIALBOOK_CALL_EXTERNAL_ID_TAKEN', `${source} already has a call ${externalId} in this site`, { status: 409, field: 'externalId', details: { id: row.id } }) });
              continue;
            }
            const had = states.get(externalId);
            const before = had ? had.state : row ? stateOf(row) : null;
            try {
              const state = mergeCall(before, event);
              states.set(externalId, { before: had ? had.before : before, state });
              items.push({ i, externalId, created: !had && !row, changed: !before || !sameState(before, state) });
            } catch (err) {
              refused.set(i, refusal(err));
            }
          }
          const now = new Date();
          const inserts: Record<string, unknown>[] = [];
          const staged: Staged[] = [];
          for (const [externalId, { before, state }] of states) {
            const row = rows.get(externalId);
            if (!row) {
              const id = randomUUID();
              const insert = { id, site: siteId, source, externalId, ...columnsOf(state, country), contactId: null, createdAt: now, updatedAt: now, version: 1 };
              inserts.push(insert);
              staged.push({ externalId, id, created: true, changes: [], row: insert as unknown as CallRecord });
            } else if (!sameState(before!, state)) {
              const update = { ...columnsOf(state, country), version: row.version + 1, updatedAt: now };
              const n = await em.nativeUpdate(CallRecordEntity, { id: row.id, version: row.version }, update);
              if (!n) throw new StaleRow();
              staged.push({ externalId, id: row.id, created: false, changes: changedFields(before!, state), row: { ...plainRow(row), ...update } as CallRecord });
            } else staged.push({ externalId, id: row.id, created: false, changes: [], row });
          }
          // Plain column values built here: no EntityManager processing of them (see insertPlain).
          await insertPlain(em, inserts);
          return { staged, items };
        });
        for (const [i, r] of refused) results[i] = r;
        return out;
      } catch (err) {
        const retry = err instanceof StaleRow || err instanceof UniqueConstraintViolationException;
        if (!retry) throw err;
        if (attempt >= ATTEMPTS) throw new DialbookError('DIALBOOK_CALL_CHANGED', `the calls of ${source} kept changing while they were written (${ATTEMPTS} attempts): send them again`, { status: 409, cause: err });
      }
    }
  }

  /** After the commit: the calls' DTOs by externalId, `call.recorded` / `call.updated` for what changed, new unresolved calls queued for matching. */
  private async emitFor(siteId: string, written: { staged: Staged[] }): Promise<Map<string, CallDto>> {
    const em = this.orm.em.fork();
    const rows = written.staged.map((s) => s.row);
    const dtos = new Map((await toDtos(em, rows)).map((d) => [d.externalId, d]));
    for (const s of written.staged) {
      const call = dtos.get(s.externalId)!;
      if (s.created) await this.hooks.emit('call.recorded', { call });
      else if (s.changes.length) await this.hooks.emit('call.updated', { call, changes: s.changes });
    }
    this.resolution.queue(siteId, rows.filter((r) => !r.contactId && r.remoteDigits).map((r) => ({ e164: r.remoteE164 ?? null, digits: r.remoteDigits ?? null })));
    return dtos;
  }
}

/** A managed row's own values (not its ORM wrapper), to spread into the row a write left. */
function plainRow(row: CallRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(row)) out[k] = (row as unknown as Record<string, unknown>)[k];
  out.site = siteOf(row);
  return out;
}

/** A call's times in order: answered and ended not before it started, ended not before it was answered. */
function checkTimes(t: { startedAt: Date | null; answeredAt: Date | null; endedAt: Date | null }): void {
  const bad = (field: string, message: string) => new DialbookError('DIALBOOK_VALIDATION', `${field}: ${message}`, { status: 422, field, details: { errors: [{ field, message }] } });
  if (t.startedAt && t.answeredAt && t.answeredAt < t.startedAt) throw bad('answeredAt', 'must not be before startedAt');
  if (t.startedAt && t.endedAt && t.endedAt < t.startedAt) throw bad('endedAt', 'must not be before startedAt');
  if (t.answeredAt && t.endedAt && t.endedAt < t.answeredAt) throw bad('endedAt', 'must not be before answeredAt');
}
