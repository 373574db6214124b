import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { siteTimeZone } from '../sites/timezone.js';
import { assertSiteAccess } from '../base/access.js';
import type { Actor } from '../base/actor.js';
import { notFound } from '../base/errors.js';
import type { AuditService } from '../audit/service.js';
import { SiteEntity } from '../sites/entities.js';
import type { CallSource } from './contracts.js';
import type { PhoneCallEntry, PhoneCallKind, PhoneEntryFailure } from './phone-import-entries.js';
import { parseCallHistoryCsv } from './phone-import-csv.js';
import { parseCallHistoryVcards } from './phone-import-vcard.js';
import type { CallService } from './service.js';
import type { CallItemResult, CallRecordInput } from './types.js';

/** The call source of imported phone call histories (PBAP vCards, CSV); built in, like `manual`. */
export const PHONE_IMPORT_SOURCE: CallSource = { id: 'phone_import', label: 'Phone call history' };

/** The largest call-history file taken: 10 MiB (a phone's whole history is a fraction of it). */
export const PHONE_IMPORT_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Entries per `upsertMany` call (one transaction each). A whole phone history in one call is more
 * than SQLite binds in one multi-row insert (about 1,250 new calls: "too many SQL variables").
 */
const BATCH = 1000;

/** What an import did: `created + duplicates + failed.length === total`. */
export interface PhoneImportResult {
  created: number;
  /** Entries already in the log (an earlier import of the same or an overlapping export, or twice in this file). */
  duplicates: number;
  failed: PhoneEntryFailure[];
  total: number;
}

/**
 * The record of each kind. PBAP does not say whether a dialled call was answered: it is recorded
 * as `answered` (the phone lists it among the calls made, which is what it was).
 */
const AS_CALL: Record<PhoneCallKind, Pick<CallRecordInput, 'direction' | 'status'>> = {
  received: { direction: 'inbound', status: 'answered' },
  dialed: { direction: 'outbound', status: 'answered' },
  missed: { direction: 'inbound', status: 'missed' },
};

/**
 * A call's identity across imports: sha256 over its kind, the instant it started (to the second)
 * and the digits of the number. The same file again, or a later export overlapping an earlier one,
 * gives the same ids, so nothing is recorded twice; the name (which the phone may have learnt
 * meanwhile) is not part of it.
 */
export function phoneCallId(kind: PhoneCallKind, startedAt: Date, number: string | null): string {
  const instant = new Date(Math.floor(startedAt.getTime() / 1000) * 1000).toISOString();
  return createHash('sha256').update(`phone_import/v1\n${kind}\n${instant}\n${(number ?? '').replace(/\D/g, '')}`).digest('hex');
}

/**
 * Importing a phone's call history into a site's call log: each entry becomes a call of source
 * `phone_import` belonging to the importing user (the phone is theirs), through
 * `CallService.upsertMany` (a transaction per {@link BATCH} entries, per-item results; contacts
 * matched in the background as for every call). Stopped half-way, the same file again completes it. One audit row per import, with the counts and no contents.
 */
export class PhoneImport {
  constructor(
    private readonly orm: MikroORM,
    private readonly calls: CallService,
    private readonly audit: AuditService,
  ) {}

  /** 404 for a site that does not exist or that the caller may not see (checked before the body is read). */
  async checkSite(siteId: string): Promise<void> {
    assertSiteAccess(siteId, 'site', siteId);
    const site = await this.orm.em.fork().findOne(SiteEntity, { id: siteId }, { fields: ['id'] });
    if (!site) throw notFound('site', siteId);
  }

  /**
   * Import a file already read as text: `format` says how to parse it. A file whose structure is
   * broken is a 422 naming the entry and line (nothing is imported); an entry that is not a call
   * fails alone, in `failed`.
   */
  async import(input: { siteId: string; format: 'vcard' | 'csv'; text: string; timeZone?: string | undefined; userId: string | null }, actor: Actor): Promise<PhoneImportResult> {
    await this.checkSite(input.siteId);
    // Date-times without `Z` or an offset: the request's time zone, else the site's.
    const timeZone = input.timeZone ?? (await siteTimeZone(this.orm.em.fork(), input.siteId));
    const parsed = input.format === 'vcard' ? parseCallHistoryVcards(input.text, timeZone) : parseCallHistoryCsv(input.text, timeZone);
    const records = parsed.entries.map((e) => toRecord(e, parsed.format, timeZone, input.userId));
    const results: CallItemResult[] = [];
    for (let k = 0; k < records.length; k += BATCH) results.push(...(await this.calls.upsertMany(input.siteId, PHONE_IMPORT_SOURCE.id, records.slice(k, k + BATCH))));
    const failed = [...parsed.failed];
    let created = 0;
    let duplicates = 0;
    results.forEach((r, i) => {
      if ('error' in r) {
        const e = parsed.entries[i]!;
        failed.push({ entry: e.entry, line: e.line, message: r.error.message });
      } else if (r.created) created++;
      else duplicates++;
    });
    failed.sort((a, b) => a.entry - b.entry);
    const result = { created, duplicates, failed, total: parsed.total };
    await this.audit.record('calls.imported', actor, { siteId: input.siteId, detail: { format: parsed.format, timeZone, total: result.total, created, duplicates, failed: failed.length } });
    return result;
  }
}

function toRecord(e: PhoneCallEntry, format: 'vcard' | 'csv', timeZone: string, userId: string | null): CallRecordInput {
  return {
    externalId: phoneCallId(e.kind, e.startedAt, e.number),
    ...AS_CALL[e.kind],
    startedAt: e.startedAt,
    durationSeconds: e.durationSeconds,
    remote: { number: e.number, name: e.name },
    userId,
    rawPayload: { format, kind: e.kind, dateTime: e.written, ...(/[zZ]$|[+-]\d{2}:?\d{2}$/.test(e.written) ? {} : { timeZone }) },
  };
}
