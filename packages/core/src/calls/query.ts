import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { z } from 'zod';
import { assertSiteAccess, siteCondition } from '../base/access.js';
import { DialbookError } from '../base/errors.js';
import { dialectOf } from '../db/orm.js';
import { dialDigits, normaliseNumber } from '../base/phone.js';
import { fold, likeEscape } from '../base/text.js';
import { parseInput } from '../base/validate.js';
import { SiteEntity } from '../sites/entities.js';
import { CallRecordEntity, type CallRecord } from './entities.js';
import { toDtos } from './rows.js';
import { CallListQuerySchema, type CallListQuery, type CallPage } from './types.js';

const NUMBERISH = /^[+0-9 ()./-]+$/;

/** A page's `next`: the last call's start and id, opaque to callers. */
export const encodeCursor = (r: { startedAt: Date; id: string }): string => Buffer.from(`${r.startedAt.toISOString()}|${r.id}`).toString('base64url');

export function decodeCursor(cursor: string): { startedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const startedAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(startedAt.getTime())) {
    throw new DialbookError('DIALBOOK_VALIDATION', 'query.cursor: must be the `next` of a previous page', { status: 422, field: 'query.cursor', details: { errors: [{ field: 'query.cursor', message: 'must be the `next` of a previous page' }] } });
  }
  return { startedAt, id };
}

/**
 * The keyset condition "started before this call" (newest first by start, then id). The bare
 * `started_at <=` lets the (site, started_at, id) index start at the cursor: with the `or` alone
 * PostgreSQL walks the index from the newest call on every page (a 1M-call export went quadratic).
 */
export const olderThan = (after: { startedAt: Date; id: string }) => ({
  startedAt: { $lte: after.startedAt },
  $or: [{ startedAt: { $lt: after.startedAt } }, { startedAt: after.startedAt, id: { $lt: after.id } }],
});

/** The list filters of `GET /calls`, shared by the list, the stats and the export. */
export type CallFilterQuery = Omit<CallListQuery, 'limit' | 'cursor'>;
type ParsedFilter = Omit<z.output<typeof CallListQuerySchema>, 'limit' | 'cursor'>;

/** Adds the filter's conditions to a query builder of `call_record` aliased `r`. */
export type CallFilter = (qb: FilterableQuery) => void;
/** Any query builder of `call_record` (the list's, the stats aggregates', an export batch's), whatever it selects. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- conditions as `QueryBuilder.andWhere` takes them, for builders of any selection
type FilterableQuery = { andWhere(cond: any, params?: readonly unknown[]): unknown };

/**
 * The WHERE of a call query, prepared once: the caller's site scope, the filters of `GET /calls`
 * (`siteId`, `userId`, `start` inclusive, `end` exclusive, `source`, `direction`, `status`, `number`
 * in any written form, `contactId`, `q`) and `linked` (only each conversation's primary record unless
 * `all`). What needs the database (the site's country for `number`) and the scope are read here, so the
 * filter can be applied later to any number of queries (an export's batches), inside or outside the request.
 */
export async function callFilter(em: SqlEntityManager, q: ParsedFilter, defaultCountry: string | null): Promise<CallFilter> {
  if (q.siteId) assertSiteAccess(q.siteId, 'site', q.siteId);
  const scope = siteCondition('r.site_id');
  let number: { e164s: string[]; digits: string } | null = null;
  if (q.number) {
    // National forms are read with the site's country (else the configured default, else each site's).
    let countries: (string | null)[];
    if (q.siteId) countries = [(await em.findOne(SiteEntity, { id: q.siteId }, { fields: ['defaultCountry'] }))?.defaultCountry ?? defaultCountry];
    else if (defaultCountry) countries = [defaultCountry];
    else countries = [...new Set((await em.find(SiteEntity, { defaultCountry: { $ne: null } }, { fields: ['defaultCountry'], limit: 20 })).map((s) => s.defaultCountry ?? null))];
    if (!countries.length) countries = [null];
    const forms = countries.map((c) => normaliseNumber(q.number!, c));
    const digits = forms[0]!.digits;
    if (!digits.replace('+', '')) throw new DialbookError('DIALBOOK_VALIDATION', 'query.number: must contain digits', { status: 422, field: 'query.number', details: { errors: [{ field: 'query.number', message: 'must contain digits' }] } });
    number = { e164s: [...new Set(forms.map((f) => f.e164).filter((x): x is string => !!x))], digits };
  }
  const search = q.q ? await searchCondition(em, q.q, q.siteId) : null;
  return (qb) => {
    if (q.siteId) qb.andWhere({ site: q.siteId });
    qb.andWhere(scope.sql, scope.params);
    if (q.linked === 'primary') qb.andWhere({ linkPrimary: true });
    if (q.userId) qb.andWhere({ userId: q.userId });
    if (q.start) qb.andWhere({ startedAt: { $gte: new Date(q.start) } });
    if (q.end) qb.andWhere({ startedAt: { $lt: new Date(q.end) } });
    if (q.source) qb.andWhere({ source: q.source });
    if (q.direction) qb.andWhere({ direction: q.direction });
    if (q.status) qb.andWhere({ status: q.status });
    if (q.contactId) qb.andWhere({ contactId: q.contactId });
    if (number) qb.andWhere({ $or: [...(number.e164s.length ? [{ remoteE164: { $in: number.e164s } }] : []), { remoteDigits: number.digits }] });
    if (search) qb.andWhere(search.sql, search.params);
  };
}

/** Up to this many contacts matching `q` are named in the call query; more, and it asks the contacts per row. */
const CONTACTS_NAMED = 500;

/**
 * The `q` condition: the call's own remote name or number holds the term, or its contact's name
 * does. Each half can use an index (PostgreSQL's trigram index on `search_text`; SQLite's FTS5
 * trigram table `call_record_fts` for terms of 3 characters or more; the contacts' trigram
 * index), and the matching contacts are read first, so the OR is of two indexed conditions and
 * not a subquery per call: a name part in 1M calls is found without reading the log.
 */
async function searchCondition(em: SqlEntityManager, text: string, siteId: string | undefined): Promise<{ sql: string; params: unknown[] }> {
  const folded = fold(text);
  const term = NUMBERISH.test(folded) && /\d/.test(folded) ? dialDigits(folded).replace('+', '') : folded;
  const like = `%${likeEscape(term)}%`;
  const own =
    dialectOf(em) === 'sqlite' && [...term].length >= 3
      ? { sql: "(r.rowid in (select rowid from call_record_fts where call_record_fts match ?) and r.search_text like ? escape '\\')", params: [`"${term.replaceAll('"', '""')}"`, like] }
      : { sql: "r.search_text like ? escape '\\'", params: [like] };
  const contacts = (await em
    .getConnection()
    .execute<{ id: string }[]>(`select c.id from contact c where c.search_text like ? escape '\\'${siteId ? ' and c.site_id = ?' : ''} limit ${CONTACTS_NAMED + 1}`, siteId ? [like, siteId] : [like])) as { id: string }[];
  if (!contacts.length) return own;
  const theirs =
    contacts.length > CONTACTS_NAMED
      ? { sql: "r.contact_id in (select c.id from contact c where c.search_text like ? escape '\\')", params: [like] }
      : { sql: `r.contact_id in (${contacts.map(() => '?').join(', ')})`, params: contacts.map((c) => c.id) };
  return { sql: `(${own.sql} or ${theirs.sql})`, params: [...own.params, ...theirs.params] };
}

/**
 * The calls the caller may see, filtered, newest first by `startedAt` then id: keyset pages (a
 * page starts after the previous page's last call, so calls recorded meanwhile never shift it).
 */
export async function listCalls(orm: MikroORM, query: CallListQuery, defaultCountry: string | null): Promise<CallPage> {
  const q = parseInput(CallListQuerySchema, query);
  const em = orm.em.fork() as SqlEntityManager;
  const filter = await callFilter(em, q, defaultCountry);
  const qb = em.createQueryBuilder(CallRecordEntity, 'r').select('*');
  filter(qb);
  if (q.cursor) qb.andWhere(olderThan(decodeCursor(q.cursor)));
  qb.orderBy([{ startedAt: 'desc' }, { id: 'desc' }]).limit(q.limit + 1);
  const rows = (await qb.getResult()) as CallRecord[];
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  return { items: await toDtos(em, page), next: more ? encodeCursor(page[page.length - 1]!) : null };
}
