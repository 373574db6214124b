/**
 * The REST back-fill of one site over `[start, end)`: for each Placetel day it touches,
 * `GET /calls?filter[date]=…&page=N&per_page=…` until a short page (the answer is a bare array
 * with no total), each page upserted in one batch. A row is the webhook call it describes when one
 * is known (the same caller and number, within two minutes): it takes that call's `call_id` as
 * its `externalId`, so the two merge; otherwise it is `rest:<id>`. Days read twice (overlapping
 * windows) upsert the same ids again and change nothing.
 */
import type { CallDto, CallRecordInput, CallSyncRequest, SyncResult } from '@dialbook/core';
import { daysOf } from './days.js';
import { PlacetelError } from './errors.js';
import { normaliseNumber } from '@dialbook/core';
import { fromNumberOf, receivedAt, restExternalId, restRecord, toNumberOf, type RestCall } from './rest-mapping.js';
import type { PlacetelRuntime } from './runtime.js';

/** How far apart a webhook call's start and a row's `received_at` may be to be the same call. */
export const MATCH_WINDOW_MS = 120_000;
/** Safety stop: pages of one day (100 a page: 50,000 calls a day). */
const MAX_PAGES = 500;

const digits = (n: string | null, country: string | null) => (n ? (normaliseNumber(n, country).e164 ?? n.replace(/[^0-9+]/g, '')) : null);

export interface BackfillReport extends SyncResult {
  days: number;
  rows: number;
  /** Rows that took the call_id of a call known from webhooks. */
  matched: number;
}

export async function backfill(rt: PlacetelRuntime, req: CallSyncRequest & { message?: (m: string) => void }): Promise<BackfillReport> {
  const { siteId } = req;
  const end = req.end ?? new Date(rt.now());
  const settings = await rt.settingsFor(siteId);
  const start = req.start ?? new Date(end.getTime() - Math.max(1, settings.backfillDays) * 86_400_000);
  if (!(start < end)) throw new PlacetelError('DIALBOOK_PLACETEL_WINDOW', 'start must be before end', { field: 'end', plugin: rt.ctx.id });
  const days = daysOf(start, end);
  const site = await rt.site(siteId);
  const country = site.defaultCountry ?? 'DE';
  const client = rt.client(siteId, settings, { ...(req.signal ? { signal: req.signal } : {}), onThrottle: (ms) => req.message?.(`Placetel asked to wait ${Math.ceil(ms / 1000)} s (429)`) });
  const report: BackfillReport = { created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0, days: days.length, rows: 0, matched: 0 };
  const perPage = rt.options.perPage;

  for (const [i, day] of days.entries()) {
    req.progress?.(i, days.length);
    req.message?.(`day ${day} (${i + 1} of ${days.length})`);
    for (let page = 1; page <= MAX_PAGES; page++) {
      req.signal?.throwIfAborted();
      const rows = await client.calls(day, page, perPage);
      const inWindow = rows.filter((r) => {
        const at = receivedAt(r);
        if (!at) report.failed++;
        return !!at && at >= start && at < end;
      });
      report.rows += inWindow.length;
      if (inWindow.length) {
        const records = await recordsOf(rt, siteId, country, inWindow, report);
        const results = await rt.ctx.calls.upsertMany(siteId, rt.source, records);
        for (const r of results) {
          if ('error' in r) report.failed++;
          else if (r.created) report.created++;
          else if (r.changed) report.updated++;
          else report.unchanged++;
        }
      }
      if (rows.length < perPage) break;
    }
  }
  req.progress?.(days.length, days.length);
  return report;
}

/** The rows as records, each with the externalId of the webhook call it is, where one is known. */
async function recordsOf(rt: PlacetelRuntime, siteId: string, country: string, rows: RestCall[], report: BackfillReport): Promise<CallRecordInput[]> {
  const times = rows.map((r) => receivedAt(r)!.getTime());
  const candidates = (
    await rt.ctx.calls.list({
      siteId,
      source: rt.source,
      start: new Date(Math.min(...times) - MATCH_WINDOW_MS).toISOString(),
      end: new Date(Math.max(...times) + MATCH_WINDOW_MS).toISOString(),
      limit: 500,
    })
  ).items.filter((c) => !c.externalId.startsWith('rest:') && c.direction === 'inbound');
  const taken = new Set<string>();
  return rows.map((row) => {
    const id = row.call_id && /^[A-Za-z0-9_.:-]{1,128}$/.test(row.call_id) ? row.call_id : matchOf(row, candidates, taken, country);
    if (id && id !== row.call_id) report.matched++;
    return restRecord(row, id ?? restExternalId(row));
  });
}

function matchOf(row: RestCall, candidates: CallDto[], taken: Set<string>, country: string): string | null {
  const at = receivedAt(row)!.getTime();
  const from = digits(fromNumberOf(row), country);
  const to = digits(toNumberOf(row), country);
  let best: CallDto | null = null;
  for (const c of candidates) {
    if (taken.has(c.externalId)) continue;
    const gap = Math.abs(new Date(c.startedAt).getTime() - at);
    if (gap > MATCH_WINDOW_MS) continue;
    if ((c.remote.e164 ?? digits(c.remote.number, country)) !== from) continue;
    const local = digits(c.local.number, country);
    if (local && to && local !== to) continue;
    if (!best || gap < Math.abs(new Date(best.startedAt).getTime() - at)) best = c;
  }
  if (!best) return null;
  taken.add(best.externalId);
  return best.externalId;
}
