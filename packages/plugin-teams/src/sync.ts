/**
 * The sync of one site's Teams calls over `[start, end)`: the callRecords that started in the
 * window, page by page; each record read again with its sessions and participants; mapped
 * (`mapping.ts`), its user resolved, and each page upserted in one batch by callRecord id, so a
 * window read twice duplicates nothing and a record Graph updated since is updated.
 *
 * `syncRecords` reads, maps and upserts named records the same way (change notifications).
 *
 * Windows are read in slices of `SLICE_MS`; `onSlice` is told after each one (the scheduled sync
 * moves its cursor there, so an outage loses no progress).
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
   * The logs of the slice: Direct Routing rows merge into their callRecord (`correlationId`), PSTN
   * rows are their own records. Only rows whose call started in `[from, until)` (PSTN's `toDateTime` is inclusive).
   */
  const readLogs = async (g: typeof graph, from: Date, until: Date) => {
    const inSlice = (r: { startDateTime?: string | null; inviteDateTime?: string | null }) => {
      const t = Date.parse(r.startDateTime ?? r.inviteDateTime ?? '');
      return Number.isFinite(t) && t >= from.getTime() && t < until.getTime();
    };
    for await (const rows of g.logPages<DirectRoutingLogRow>('getDirectRoutingCalls', from, until)) {
      const mine = rows.filter(inSlice).filter((r) => !settings.onlyListedUsers || (rowUser(r) && users.isListed(rowUser(r)!)));
      report.directRoutingRows += mine.length;
      await upsert(await Promise.all(mine.map(async (r) => ({ ...mapDirectRoutingRow(r), userId: await users.userIdOf(rowUser(r)) }))));
    }
    for await (const rows of g.logPages<PstnCallLogRow>('getPstnCalls', from, until)) {
      const mine = rows.filter(inSlice).filter((r) => !settings.onlyListedUsers || (rowUser(r) && users.isListed(rowUser(r)!)));
      report.pstnRows += mine.length;
      await upsert(await Promise.all(mine.map(async (r) => ({ ...mapPstnRow(r), userId: await users.userIdOf(rowUser(r)) }))));
    }
  };

  for (let i = 0; i < slices; i++) {
    const from = new Date(start.getTime() + i * SLICE_MS);
    const until = new Date(Math.min(end.getTime(), from.getTime() + SLICE_MS));
    req.progress?.(i, slices);
    for await (const page of graph.callRecordPages(from, until)) {
      req.signal?.throwIfAborted();
      report.records += page.length;
      req.message?.(`${report.records} call record(s) listed up to ${until.toISOString()}`);
      await upsert(await readRecords({ graph, settings, users }, page.map((r) => r.id), report));
    }
    if (settings.readPstn) await readLogs(graph, from, until);
    await req.onSlice?.(until);
  }
  req.progress?.(slices, slices);
  return report;
}
