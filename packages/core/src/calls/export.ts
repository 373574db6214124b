import { PassThrough, Readable } from 'node:stream';
import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { userNames } from '../accounts/records.js';
import type { Actor } from '../base/actor.js';
import type { AuditService } from '../audit/service.js';
import { parseInput } from '../base/validate.js';
import { SiteEntity } from '../sites/entities.js';
import { TimeZoneSchema } from '../sites/timezone.js';
import { CallRecordEntity, type CallRecord } from './entities.js';
import { callFilter, olderThan, type CallFilter } from './query.js';
import { toDtos } from './rows.js';
import { LocalClock, reportTimeZone } from './stats.js';
import { CallListQuerySchema, type CallDto } from './types.js';

/** Rows read from the database per query: an export of a million calls never holds more than one batch. */
export const EXPORT_BATCH = 1000;

/** `GET /calls/export`: the list's filters (without paging), the format, and optionally the zone times are written in. */
export const CallExportQuerySchema = CallListQuerySchema.omit({ limit: true, cursor: true })
  .extend({
    format: z.enum(['csv', 'xlsx']).default('csv'),
    timeZone: TimeZoneSchema.optional().meta({ description: "Write times in this IANA zone; default: the site's (`siteId`), else the one all your sites share, else `UTC`" }),
  })
  .meta({ id: 'CallExportQuery' });
export type CallExportQuery = z.input<typeof CallExportQuerySchema>;

/** The columns of an export, in order: never the raw payload, never a recording's reference. */
export const EXPORT_COLUMNS = [
  'id',
  'started',
  'answered',
  'ended',
  'duration seconds',
  'direction',
  'status',
  'source',
  'local number',
  'local extension',
  'user',
  'remote number',
  'remote E.164',
  'remote name',
  'contact id',
  'contact name',
  'site',
  'sources of the conversation',
] as const;
type Cell = string | number | null;

/** A phone number as written (`+49 30 1234567`, `-12`): left as it is even with its leading `+` or `-`. */
const PHONE_SHAPE = /^[+-][0-9][0-9 ()./-]*$/;

/**
 * A text cell a spreadsheet would not run as a formula: one starting with `=`, `@`, a tab or a carriage
 * return, or with `+` or `-` but not shaped like a phone number, gets a leading `'` (OWASP's CSV injection advice).
 */
export function guardCell(v: string): string {
  if (!v) return v;
  const c = v[0];
  if (c === '=' || c === '@' || c === '\t' || c === '\r') return `'${v}`;
  if ((c === '+' || c === '-') && !PHONE_SHAPE.test(v)) return `'${v}`;
  return v;
}

/**
 * A CSV download streamed as the client reads: UTF-8 with a BOM (Excel), a header row, Windows line
 * ends, every text cell guarded ({@link guardCell}); the batches are read one at a time and given back
 * when the client goes away. `done` is told the rows written once the last one is out.
 */
export function csvStream(header: readonly string[], batches: AsyncGenerator<Cell[][], void, undefined>, done?: (rows: number) => Promise<void>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  let rows = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${stringify([[...header]], { record_delimiter: 'windows' })}`));
        return;
      }
      const next = await batches.next();
      if (next.done) {
        await done?.(rows);
        controller.close();
        return;
      }
      rows += next.value.length;
      const guarded = next.value.map((r) => r.map((v) => (typeof v === 'string' ? guardCell(v) : v)));
      controller.enqueue(encoder.encode(stringify(guarded, { record_delimiter: 'windows' })));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}

/** An instant as ISO 8601 in the clock's zone, with its offset (`2026-03-29T03:00:00+02:00`). */
export function localIso(clock: LocalClock, iso: string | null): string | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  const offset = clock.offsetAt(t);
  const local = new Date(t + offset).toISOString();
  const text = local.endsWith('.000Z') ? local.slice(0, 19) : local.slice(0, 23);
  const m = Math.abs(offset) / 60_000;
  return `${text}${offset < 0 ? '-' : '+'}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** What the route needs to answer: the body, its type and a file name. */
export interface CallExport {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  filename: string;
}

export interface CallExportDeps {
  orm: MikroORM;
  audit: AuditService;
  defaultCountry: string | null;
}

const FIELDS = ['id', 'site', 'source', 'externalId', 'direction', 'status', 'startedAt', 'answeredAt', 'endedAt', 'durationSeconds', 'localNumber', 'localExtension', 'localUserId', 'remoteNumber', 'remoteE164', 'remoteName', 'userId', 'contactId', 'conversationId', 'linkPrimary', 'createdAt', 'updatedAt', 'version'] as const;

/**
 * The calls the list's filters select, newest first, as CSV (UTF-8 with a BOM, a header row) or XLSX,
 * streamed: read in keyset batches of {@link EXPORT_BATCH} as the client takes them. One audit row
 * `calls.exported` (format, filters, rows) is written when the last row is out.
 */
export async function exportCalls(deps: CallExportDeps, query: CallExportQuery, actor: Actor): Promise<CallExport> {
  const q = parseInput(CallExportQuerySchema, query);
  const em = deps.orm.em.fork() as SqlEntityManager;
  // Scope and filters are read now, in the request: the batches run as the client reads, outside it.
  const filter = await callFilter(em, q, deps.defaultCountry);
  const timeZone = await reportTimeZone(em, q);
  const clock = new LocalClock(timeZone);
  const sites = new Map((await em.find(SiteEntity, {}, { fields: ['id', 'name'] })).map((s) => [s.id, s.name]));
  const { format, timeZone: _tz, ...filters } = q;
  const today = localIso(clock, new Date().toISOString())!.slice(0, 10);
  const batches = readBatches(deps.orm, filter, clock, sites);
  let rows = 0;
  const audit = () => deps.audit.record('calls.exported', actor, { siteId: q.siteId ?? null, detail: { format, timeZone, filters: { ...filters, ...(q.timeZone ? { timeZone: q.timeZone } : {}) }, rows } });

  if (format === 'csv') {
    const body = csvStream(EXPORT_COLUMNS, batches, async (n) => {
      rows = n;
      await audit();
    });
    return { body, contentType: 'text/csv; charset=utf-8', filename: `calls-${today}.csv` };
  }

  const pass = new PassThrough();
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: pass, useSharedStrings: false, useStyles: false });
  const sheet = book.addWorksheet('Calls');
  sheet.addRow([...EXPORT_COLUMNS]).commit();
  void (async () => {
    for await (const batch of batches) {
      for (const r of batch) sheet.addRow(r).commit();
      rows += batch.length;
      // Wait for the client to take what is written before reading the next batch.
      if (pass.writableNeedDrain) {
        await new Promise<void>((resolve) => {
          const done = () => {
            pass.off('drain', done);
            pass.off('close', done);
            resolve();
          };
          pass.on('drain', done);
          pass.on('close', done); // the client went away
        });
      }
      if (pass.destroyed) return;
    }
    await audit();
    sheet.commit();
    await book.commit();
  })().catch((err: unknown) => pass.destroy(err as Error));
  return { body: Readable.toWeb(pass) as ReadableStream<Uint8Array>, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', filename: `calls-${today}.xlsx` };
}

/** The selected calls as export rows, a batch at a time, newest first (keyset: after the last one's start and id). */
async function* readBatches(orm: MikroORM, filter: CallFilter, clock: LocalClock, sites: Map<string, string>): AsyncGenerator<Cell[][], void, undefined> {
  const users = new Map<string, string>();
  let after: { startedAt: Date; id: string } | null = null;
  for (;;) {
    const em = orm.em.fork() as SqlEntityManager;
    const qb = em.createQueryBuilder(CallRecordEntity, 'r').select([...FIELDS]);
    filter(qb);
    if (after) qb.andWhere(olderThan(after));
    qb.orderBy([{ startedAt: 'desc' }, { id: 'desc' }]).limit(EXPORT_BATCH);
    const found = (await qb.getResult()) as CallRecord[];
    if (!found.length) return;
    const last = found[found.length - 1]!;
    after = { startedAt: last.startedAt, id: last.id };
    const unknownUsers = [...new Set(found.map((r) => r.userId).filter((u): u is string => !!u && !users.has(u)))];
    if (unknownUsers.length) {
      for (const [id, name] of await userNames(em, unknownUsers)) users.set(id, name);
    }
    const dtos = await toDtos(em, found);
    yield dtos.map((d) => rowOf(d, clock, sites, users));
    if (found.length < EXPORT_BATCH) return;
  }
}

function rowOf(d: CallDto, clock: LocalClock, sites: Map<string, string>, users: Map<string, string>): Cell[] {
  return [
    d.id,
    localIso(clock, d.startedAt),
    localIso(clock, d.answeredAt),
    localIso(clock, d.endedAt),
    d.durationSeconds,
    d.direction,
    d.status,
    d.source,
    d.local.number,
    d.local.extension,
    d.userId ? (users.get(d.userId) ?? d.userId) : null,
    d.remote.number,
    d.remote.e164,
    d.remote.name,
    d.contactId,
    d.contactId ? d.displayName : null,
    sites.get(d.siteId) ?? d.siteId,
    d.sources.join(', '),
  ];
}
