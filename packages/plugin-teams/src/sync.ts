/**
 * The sync of one site's Teams calls over `[start, end)`: the callRecords that started in the
 * window, page by page; each record read again with its sessions and participants; mapped
 * (`mapping.ts`), its user resolved, and each page upserted in one batch by callRecord id, so a
 * window read twice duplicates nothing and a record Graph updated since is updated. Pipelined: the
 * next list page is asked for while a page's records are read, and a page is upserted while the next
 * page's records are read.
 *
 * The callRecords are read in slices of `SLICE_MS`. With `readPstn`, the PSTN and Direct Routing
 * logs are read once for the whole window after all its callRecords (one call of each function,
 * `$skip` pages of 1,000, paced below the functions' limits; split in 90-day ranges, Graph's
 * maximum, which a window of at most 31 days never needs), so a Direct Routing row finds its
 * callRecord whichever slice the call was listed in.
 *
 * `onSlice` is told how far the window is read (the scheduled sync moves its cursor there, so an
 * outage loses no progress): after each slice without `readPstn`; with it, only once the logs are
 * read too, since the cursor must not pass calls whose log rows were not read yet.
 *
 * `syncRecords` reads, maps and upserts named records the same way (change notifications).
 */
import type { CallRecordInput, CallSyncRequest, SyncResult } from '@dialbook/core';
import { TeamsError } from './errors.js';
import type { DirectRoutingLogRow, PstnCallLogRow } from './graph-types.js';
import { mapDirectRoutingRow, mapPstnRow } from './log-mapping.js';
import type { GraphClient } from './graph-client.js';
import { mapCallRecord } from './mapping.js';
import type { TeamsRuntime } from './runtime.js';
import type { TeamsSettings } from './settings.js';
import { UserResolver } from './users.js';

export const SLICE_MS = 3_600_000;
/** Graph keeps call records 30 days. */
const MAX_WINDOW_MS = 31 * 86_400_000;
/** The longest range the log functions take (calls.md §1.4). */
export const LOG_RANGE_MS = 90 * 86_400_000;

export interface TeamsSyncReport extends SyncResult {
  /** Records listed in the window. */
  records: number;
  /** Listed but gone when read (404), or left out by `onlyListedUsers`. */
  skipped: number;
  /** Rows of the PSTN and Direct Routing logs read (`readPstn`). */
  pstnRows: number;
  directRoutingRows: number;
  /** The first few refusals of the call log (externalId: message). */
  errors: string[];
  start: string;
  end: string;
}

export interface TeamsSyncRequest extends Omit<CallSyncRequest, 'actor'> {
  start: Date;
  end: Date;
  message?: (m: string) => void;
  onSlice?: (until: Date) => Promise<void>;
}

/** The user of a log row as a party, for the user mapping. */
const rowUser = (row: { userId?: string | null; userPrincipalName?: string | null; userDisplayName?: string | null }) =>
  row.userId || row.userPrincipalName ? { kind: 'user' as const, id: row.userId ?? null, upn: row.userPrincipalName ?? null, name: row.userDisplayName ?? null, number: null } : null;

const emptyReport = (start: Date, end: Date): TeamsSyncReport => ({ created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0, records: 0, skipped: 0, pstnRows: 0, directRoutingRows: 0, errors: [], start: start.toISOString(), end: end.toISOString() });

/** Upsert mapped records into the site's call log by callRecord id, counting into `report`. */
async function upsertRecords(rt: TeamsRuntime, siteId: string, records: CallRecordInput[], report: TeamsSyncReport): Promise<void> {
  if (!records.length) return;
  for (const [k, res] of (await rt.ctx.calls.upsertMany(siteId, rt.source, records)).entries()) {
    if ('error' in res) {
      report.failed++;
      if (report.errors.length < 5) report.errors.push(`${records[k]!.externalId}: ${res.error.message}`);
      rt.ctx.logger.warn({ site: siteId, externalId: records[k]!.externalId, code: res.error.code, field: res.error.field }, `Teams: the call log refused a call record: ${res.error.message}`);
    } else if (res.created) report.created++;
    else if (res.changed) report.updated++;
    else report.unchanged++;
  }
}

/** Each named callRecord read in full and mapped, its user resolved; gone (404) or left out by `onlyListedUsers`: skipped. */
async function readRecords(scope: { graph: GraphClient; settings: TeamsSettings; users: UserResolver }, ids: string[], report: TeamsSyncReport): Promise<CallRecordInput[]> {
  const { graph, settings, users } = scope;
  const full = await Promise.all(ids.map((id) => graph.callRecord(id)));
  const records: CallRecordInput[] = [];
  for (const r of full) {
    if (!r) {
      report.skipped++;
      continue;
    }
    const mapped = mapCallRecord(r, { tenantId: settings.tenantId?.includes('.') ? null : settings.tenantId });
    if (settings.onlyListedUsers && !mapped.parties.some((p) => users.isListed(p))) {
      report.skipped++;
      continue;
    }
    records.push({ ...mapped.record, userId: await users.userIdOf(mapped.localUser) });
  }
  return records;
}

/**
 * The named callRecords of a site (a change notification's), read, mapped and upserted as the
 * window sync does; `start`/`end` of the report are the time of the call.
 */
export async function syncRecords(rt: TeamsRuntime, siteId: string, ids: string[], signal?: AbortSignal): Promise<TeamsSyncReport> {
  const settings = await rt.configured(siteId);
  const graph = rt.graph(siteId, settings, signal ? { signal } : {});
  const now = new Date(rt.now());
  const report = { ...emptyReport(now, now), records: ids.length };
  await upsertRecords(rt, siteId, await readRecords({ graph, settings, users: new UserResolver(settings, rt.ctx.users) }, ids, report), report);
  return report;
}

export async function syncWindow(rt: TeamsRuntime, req: TeamsSyncRequest): Promise<TeamsSyncReport> {
  const { siteId, start, end } = req;
  if (!(start < end)) throw new TeamsError('DIALBOOK_TEAMS_WINDOW', 'start must be before end', { field: 'end', plugin: rt.ctx.id });
  if (end.getTime() - start.getTime() > MAX_WINDOW_MS) throw new TeamsError('DIALBOOK_TEAMS_WINDOW', 'the window may span at most 31 days (Graph keeps call records 30 days)', { field: 'start', plugin: rt.ctx.id });
  const settings = await rt.configured(siteId);
  const graph = rt.graph(siteId, settings, { ...(req.signal ? { signal: req.signal } : {}), onThrottle: (ms, status) => req.message?.(`Graph asked to wait ${Math.ceil(ms / 1000)} s (${status})`) });
  const users = new UserResolver(settings, rt.ctx.users);
  const report = emptyReport(start, end);
  const slices = Math.ceil((end.getTime() - start.getTime()) / SLICE_MS);

  const upsert = (records: CallRecordInput[]) => upsertRecords(rt, siteId, records, report);

  /**
   * The logs of `[from, until)`: Direct Routing rows merge into their callRecord (`correlationId`), PSTN
   * rows are their own records. Only rows whose call started in the range (PSTN's `toDateTime` is inclusive).
   */
  const readLogs = async (from: Date, until: Date) => {
    const inRange = (r: { startDateTime?: string | null; inviteDateTime?: string | null }) => {
      const t = Date.parse(r.startDateTime ?? r.inviteDateTime ?? '');
      return Number.isFinite(t) && t >= from.getTime() && t < until.getTime();
    };
    const mine = <R extends DirectRoutingLogRow | PstnCallLogRow>(rows: R[]): R[] => rows.filter(inRange).filter((r) => !settings.onlyListedUsers || (rowUser(r) && users.isListed(rowUser(r)!)));
    for await (const rows of graph.logPages<DirectRoutingLogRow>('getDirectRoutingCalls', from, until)) {
      req.signal?.throwIfAborted();
      const kept = mine(rows);
      report.directRoutingRows += kept.length;
      await upsert(await Promise.all(kept.map(async (r) => ({ ...mapDirectRoutingRow(r), userId: await users.userIdOf(rowUser(r)) }))));
    }
    for await (const rows of graph.logPages<PstnCallLogRow>('getPstnCalls', from, until)) {
      req.signal?.throwIfAborted();
      const kept = mine(rows);
      report.pstnRows += kept.length;
      await upsert(await Promise.all(kept.map(async (r) => ({ ...mapPstnRow(r), userId: await users.userIdOf(rowUser(r)) }))));
    }
  };

  /** The page's records read again with sessions and participants, mapped, their users resolved. */
  const readPage = (page: { id: string }[]): Promise<CallRecordInput[]> => readRecords({ graph, settings, users }, page.map((r) => r.id), report);

  // Pipelined: the next list page is asked for while this page's records are read, and a page's
  // upsert runs while the next page's records are read (one upsert in flight; the call log's merge
  // does not depend on the order). Errors of what runs ahead surface where it is awaited.
  const quiet = <T>(p: Promise<T>) => (p.catch(() => undefined), p);
  let writing: Promise<void> = Promise.resolve();
  try {
    for (let i = 0; i < slices; i++) {
      const from = new Date(start.getTime() + i * SLICE_MS);
      const until = new Date(Math.min(end.getTime(), from.getTime() + SLICE_MS));
      req.progress?.(i, slices);
      const pages = graph.callRecordPages(from, until);
      let next = quiet(pages.next());
      for (let got = await next; !got.done; got = await next) {
        req.signal?.throwIfAborted();
        next = quiet(pages.next());
        const page = got.value;
        report.records += page.length;
        req.message?.(`${report.records} call record(s) listed up to ${until.toISOString()}`);
        const records = await readPage(page);
        await writing;
        writing = quiet(upsert(records));
      }
      await writing;
      if (!settings.readPstn) await req.onSlice?.(until);
    }
  } finally {
    // A failure ahead of the upsert in flight: let it finish before the sync reports.
    await writing.catch(() => undefined);
  }
  if (settings.readPstn) {
    req.message?.(`${report.records} call record(s) listed; reading the PSTN and Direct Routing logs`);
    for (let from = start.getTime(); from < end.getTime(); from += LOG_RANGE_MS) await readLogs(new Date(from), new Date(Math.min(end.getTime(), from + LOG_RANGE_MS)));
    await req.onSlice?.(end);
  }
  req.progress?.(slices, slices);
  return report;
}
