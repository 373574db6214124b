import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { dialectOf } from '../db/orm.js';
import { normaliseNumber, type NormalisedNumber } from '../base/phone.js';
import { fold } from '../base/text.js';
import { ContactEntity } from '../contacts/entities.js';
import { CallRecordEntity, type CallRecord } from './entities.js';
import type { CallState } from './merge.js';
import type { CallDto } from './types.js';

/** A stored call's site id, whether the reference is loaded or a bare key. */
export const siteOf = (r: CallRecord): string => (typeof r.site === 'string' ? r.site : (r.site as { id: string }).id);

/** The JSON columns, which SQLite's driver hands back as text. */
const JSON_COLUMNS = ['rawPayload', 'mergeState'] as const;

/**
 * Rows as plain values, not managed entities: a batch write reads a thousand calls it only
 * compares and writes back natively, so hydrating and tracking them (and computing change sets
 * over them at the commit) would cost more than the SQL.
 */
export async function findPlain(em: EntityManager, where: { site: string; source: string; externalId: { $in: string[] } }): Promise<CallRecord[]> {
  const rows = (await (em as SqlEntityManager).createQueryBuilder(CallRecordEntity).select('*').where(where).execute('all', true)) as unknown as Record<string, unknown>[];
  if (dialectOf(em) === 'sqlite') {
    for (const r of rows) for (const k of JSON_COLUMNS) if (typeof r[k] === 'string') r[k] = JSON.parse(r[k]);
  }
  return rows as unknown as CallRecord[];
}

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER (32,766), with room to spare. */
const SQLITE_MAX_PARAMS = 32_000;

/**
 * Insert new rows built here (plain column values by property name). On PostgreSQL the whole batch is
 * one JSON parameter spread by `json_populate_recordset` over the table's row type: a statement of a
 * thousand rows would otherwise bind some 26,000 parameters, whose parsing and binding cost the server
 * more than the rows. Elsewhere the driver's multi-row insert, without the EntityManager's per-value
 * processing (the values are already the columns').
 */
export async function insertPlain(em: EntityManager, rows: Record<string, unknown>[]): Promise<void> {
  if (!rows.length) return;
  const ctx = em.getTransactionContext();
  if (dialectOf(em) !== 'postgresql') {
    // SQLite binds at most 32,766 parameters a statement: a multi-row insert takes as many rows as fit.
    const per = Math.max(1, Math.floor(SQLITE_MAX_PARAMS / Object.keys(rows[0]!).length));
    for (let i = 0; i < rows.length; i += per) {
      await (em as SqlEntityManager).getDriver().nativeInsertMany(CallRecordEntity, rows.slice(i, i + per) as never, { ctx, processCollections: false });
    }
    return;
  }
  const meta = em.getMetadata().get(CallRecordEntity);
  const keys = Object.keys(rows[0]!);
  const columns = keys.map((k) => {
    const prop = meta.properties[k as keyof typeof meta.properties];
    if (!prop?.fieldNames?.[0]) throw new Error(`call_record has no column for ${k}`);
    return prop.fieldNames[0];
  });
  const records = rows.map((r) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) out[columns[i]!] = r[keys[i]!] ?? null;
    return out;
  });
  const list = columns.map((c) => `"${c}"`).join(', ');
  try {
    await em.getConnection().execute(`insert into "${meta.tableName}" (${list}) select ${list} from json_populate_recordset(null::"${meta.tableName}", ?::json)`, [JSON.stringify(records)], 'run', ctx);
  } catch (err) {
    // As the driver's own methods do: a unique violation (a concurrent writer's row) becomes UniqueConstraintViolationException.
    throw em.getDriver().convertException(err as Error);
  }
}

/** A stored call as the merge sees it. */
export const stateOf = (r: CallRecord): CallState => ({
  direction: r.direction,
  status: r.status,
  startedAt: r.startedAt,
  answeredAt: r.answeredAt ?? null,
  endedAt: r.endedAt ?? null,
  durationSeconds: r.durationSeconds ?? null,
  localNumber: r.localNumber ?? null,
  localExtension: r.localExtension ?? null,
  localUserId: r.localUserId ?? null,
  remoteNumber: r.remoteNumber ?? null,
  remoteName: r.remoteName ?? null,
  userId: r.userId ?? null,
  rawPayload: r.rawPayload ?? null,
  recording: r.recordingKind && r.recordingRef ? { kind: r.recordingKind, ref: r.recordingRef } : null,
  merge: r.mergeState,
});

/**
 * Numbers already read, by country and written form: callers repeat, and a back-fill page reads the
 * same few hundred numbers over and over (libphonenumber is the dearest step of a write). Bounded:
 * emptied when full.
 */
const READ_NUMBERS = new Map<string, NormalisedNumber>();
const READ_NUMBERS_MAX = 20_000;

function readNumber(raw: string, country: string | null): NormalisedNumber {
  const k = `${country ?? ''}|${raw}`;
  let n = READ_NUMBERS.get(k);
  if (!n) {
    if (READ_NUMBERS.size >= READ_NUMBERS_MAX) READ_NUMBERS.clear();
    READ_NUMBERS.set(k, (n = normaliseNumber(raw, country)));
  }
  return n;
}

/** The columns a state is stored in, with the remote number read in the site's country. */
export function columnsOf(s: CallState, country: string | null) {
  const n = s.remoteNumber ? readNumber(s.remoteNumber, country) : null;
  const digits = n?.digits.replace('+', '') ? n.digits : null;
  const searchText = [s.remoteName ? fold(s.remoteName) : '', digits?.replace('+', '') ?? '', n?.e164?.replace('+', '') ?? ''].filter(Boolean).join(' ');
  return {
    direction: s.direction,
    status: s.status,
    startedAt: s.startedAt,
    answeredAt: s.answeredAt,
    endedAt: s.endedAt,
    durationSeconds: s.durationSeconds,
    localNumber: s.localNumber,
    localExtension: s.localExtension,
    localUserId: s.localUserId,
    remoteNumber: s.remoteNumber,
    remoteE164: n?.e164 ?? null,
    remoteDigits: digits,
    remoteName: s.remoteName,
    userId: s.userId,
    rawPayload: s.rawPayload ?? null,
    recordingKind: s.recording?.kind ?? null,
    recordingRef: s.recording?.ref ?? null,
    mergeState: s.merge,
    searchText,
  };
}

/** The DTO of stored rows, with the names of the contacts they resolved to. */
export async function toDtos(em: EntityManager, rows: CallRecord[]): Promise<CallDto[]> {
  const ids = [...new Set(rows.map((r) => r.contactId).filter((x): x is string => !!x))];
  const names = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const c of await em.find(ContactEntity, { id: { $in: ids.slice(i, i + 500) } }, { fields: ['id', 'displayName'] })) names.set(c.id, c.displayName);
  }
  const members = await conversationMembers(em, rows);
  const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
  return rows.map((r) => ({
    id: r.id,
    siteId: siteOf(r),
    source: r.source,
    externalId: r.externalId,
    direction: r.direction,
    status: r.status,
    startedAt: r.startedAt.toISOString(),
    answeredAt: iso(r.answeredAt),
    endedAt: iso(r.endedAt),
    durationSeconds: r.durationSeconds ?? null,
    local: { number: r.localNumber ?? null, extension: r.localExtension ?? null, userId: r.localUserId ?? null },
    remote: { number: r.remoteNumber ?? null, e164: r.remoteE164 ?? null, name: r.remoteName ?? null },
    displayName: (r.contactId ? names.get(r.contactId) : undefined) ?? r.remoteName ?? null,
    userId: r.userId ?? null,
    contactId: r.contactId ?? null,
    rawPayload: r.rawPayload ?? null,
    recording: r.recordingKind && r.recordingRef ? { kind: r.recordingKind, url: `/api/v1/calls/${r.id}/recording` } : null,
    conversationId: r.conversationId ?? null,
    linkPrimary: r.linkPrimary ?? true,
    ...linksOf(r, members),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    version: r.version,
  }));
}


type Member = { id: string; source: string; externalId: string; conversationId: string };

/** The records of the rows' conversations, by conversation (one query; none when no row is linked). */
async function conversationMembers(em: EntityManager, rows: CallRecord[]): Promise<Map<string, Member[]>> {
  const ids = [...new Set(rows.map((r) => r.conversationId).filter((x): x is string => !!x))];
  const out = new Map<string, Member[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const found = (await (em as SqlEntityManager).createQueryBuilder(CallRecordEntity).select(['id', 'source', 'externalId', 'conversationId', 'startedAt']).where({ conversationId: { $in: ids.slice(i, i + 500) } }).orderBy([{ startedAt: 'asc' }, { id: 'asc' }]).execute('all', true)) as unknown as Member[];
    for (const m of found) {
      let list = out.get(m.conversationId);
      if (!list) out.set(m.conversationId, (list = []));
      list.push({ id: m.id, source: m.source, externalId: m.externalId, conversationId: m.conversationId });
    }
  }
  return out;
}

/** A row's `sources` (its own first) and `links` (the other records of its conversation). */
function linksOf(r: CallRecord, members: Map<string, Member[]>): { sources: string[]; links: { id: string; source: string; externalId: string }[] } {
  const others = (r.conversationId ? (members.get(r.conversationId) ?? []) : []).filter((m) => m.id !== r.id).map(({ id, source, externalId }) => ({ id, source, externalId }));
  return { sources: [...new Set([r.source, ...others.map((o) => o.source)])], links: others };
}
