/**
 * One sync of a site from the directory: a streamed paged search (RFC 2696, one page in
 * memory at a time), every entry through the {@link EntryProcessor}, then — on a full run
 * that read the whole directory — the soft delete of contacts whose entries vanished,
 * unless that would remove more than `maxDeleteShare` of them.
 *
 * Failure is safe by construction: every contact write is its own transaction in the core,
 * and nothing is deleted until the search has ended without error.
 */
import { DialbookError, isDialbookError, type Actor, type SiteDto, type SyncResult } from '@dialbook/core';
import { connect, BUFFER_ATTRIBUTES, searchSome, type LdapConnection } from './connection.js';
import { and, atLeast, decodeUtf8Escapes, equals } from './filter.js';
import { earlierMarker, laterMarker, requestedAttributes, texts, indexEntry, toGeneralizedTime, type LdapEntry } from './mapping.js';
import { activeContacts, EntryProcessor, loadSiteIndex, newRunMemory, yieldToEventLoop, type Ctx } from './processor.js';
import type { ResolvedSettings } from './settings.js';
import type { Conflict, Store, SyncState } from './store.js';

export type SyncMode = 'full' | 'incremental';

export interface SyncOptions {
  /** `auto`: incremental when possible and the last full run is recent, else full. */
  mode: SyncMode | 'auto';
  /** Apply deletions even beyond `maxDeleteShare` (an admin confirmed them). */
  confirmDeletions?: boolean | undefined;
  signal?: AbortSignal | undefined;
  progress?: ((done: number, total?: number, message?: string) => void) | undefined;
  /** Who asked (shown in the notification); History always names the plugin. */
  requestedBy?: Actor | undefined;
  trigger: 'manual' | 'schedule';
}

export interface LdapSyncOutcome extends SyncResult {
  mode: SyncMode;
  /** Why the mode was chosen (`requested`, `no marker yet`, `last full sync 25 h ago`, …). */
  modeReason: string;
  /** Entries the directory returned. */
  entries: number;
  pages: number;
  /** Contacts that had been deleted and came back (counted in `updated`). */
  restored: number;
  /** Entries held back: an open UID conflict, or an admin's `keep`. */
  skipped: number;
  /** Open UID conflicts this run raised or saw again; `newConflicts` of them are new. */
  conflicts: number;
  newConflicts: number;
  /** Values left out of imported entries (invalid addresses or numbers). */
  warnings: number;
  /** Set when deletions were held back by the guard. */
  deletionBlocked: { wouldDelete: number; of: number; share: number; maxShare: number } | null;
  /** The first entries that could not be imported. */
  failures: { dn: string; message: string }[];
  /** Change marker the next incremental run starts from (null: the server offers none). */
  marker: string | null;
  durationMs: number;
}

const MAX_REPORTED = 20;
/** Safety margin against clock skew when the next incremental run starts from this run's start time. */
const SKEW_MS = 5 * 60_000;
/** Entries written in one core batch (one transaction); the event loop gets a turn between batches. */
const WRITE_SLICE = 250;
/** Renew the site lease at least this often while entries stream in. */
const RENEW_MS = 30_000;

/** Full or incremental, and why. */
export function chooseMode(requested: SyncOptions['mode'], s: Pick<ResolvedSettings, 'incremental' | 'changeAttribute' | 'fullSyncHours'>, state: Pick<SyncState, 'marker' | 'markerAttribute' | 'lastFullAt'> | null, now = new Date()): { mode: SyncMode; reason: string } {
  if (requested === 'full') return { mode: 'full', reason: 'full sync requested' };
  if (!s.incremental) return { mode: 'full', reason: 'incremental sync is turned off' };
  if (!state?.lastFullAt) return { mode: 'full', reason: 'no full sync yet' };
  if (!state.marker || state.markerAttribute !== s.changeAttribute) return { mode: 'full', reason: `the directory offered no ${s.changeAttribute} on the last full sync` };
  const hours = (now.getTime() - state.lastFullAt.getTime()) / 3_600_000;
  if (requested === 'auto' && hours >= s.fullSyncHours) return { mode: 'full', reason: `the last full sync is ${Math.floor(hours)} h old (fullSyncHours ${s.fullSyncHours})` };
  return { mode: 'incremental', reason: requested === 'incremental' ? 'incremental sync requested' : `changes since ${state.marker}` };
}

/**
 * The filter of an incremental run: the configured one AND changed after the marker. Strictly
 * after: the marker is either the newest change a run read, or a time before that run began, so
 * whatever carries exactly the marker was read already.
 */
export function changedSince(filter: string, attribute: ResolvedSettings['changeAttribute'], marker: string): string {
  if (attribute === 'uSNChanged') return and(filter, atLeast('uSNChanged', (BigInt(marker) + 1n).toString()));
  return and(filter, atLeast('modifyTimestamp', marker), `(!${equals('modifyTimestamp', marker)})`);
}

export const summary = (o: LdapSyncOutcome): string =>
  `${o.mode} sync: ${o.entries} entr${o.entries === 1 ? 'y' : 'ies'} read; ${o.created} created, ${o.updated} updated${o.restored ? ` (${o.restored} restored)` : ''}, ${o.deleted} deleted, ${o.unchanged} unchanged, ${o.failed} failed${o.skipped ? `, ${o.skipped} held back` : ''}${o.deletionBlocked ? `; ${o.deletionBlocked.wouldDelete} deletion(s) held back` : ''}`;

/** Active Directory's highest committed USN before the search starts: the safe marker for the next run. */
async function highestCommittedUsn(conn: LdapConnection): Promise<string | null> {
  try {
    const [root] = await searchSome(conn, { base: '', scope: 'base', filter: '(objectClass=*)', attributes: ['highestCommittedUSN'], limit: 1 });
    const v = root ? texts(indexEntry(root), 'highestCommittedUSN')[0] : undefined;
    return v && /^\d+$/.test(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * Run one sync of `site`. The caller has checked the settings; this takes the site's
 * lease (one sync per site across every instance), reads, writes, reports.
 */
export async function runSync(ctx: Ctx, store: Store, site: SiteDto, s: ResolvedSettings, options: SyncOptions): Promise<LdapSyncOutcome> {
  const started = Date.now();
  const log = ctx.logger.child({ site: site.slug });
  if (!(await store.lock(site.id))) {
    const holder = await store.holder(site.id);
    throw new DialbookError('DIALBOOK_LDAP_SYNC_RUNNING', `LDAP "${ctx.id}": a sync of site "${site.slug}" is already running${holder ? ` on ${holder.owner}` : ''}; try again when it has finished`, { status: 409, plugin: ctx.id });
  }
  let state: SyncState | null;
  try {
    state = await store.state(site.id);
  } catch (err) {
    await store.unlock(site.id).catch(() => undefined);
    throw err;
  }
  const { mode, reason } = chooseMode(options.mode, s, state);
  const outcome: LdapSyncOutcome = { created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0, mode, modeReason: reason, entries: 0, pages: 0, restored: 0, skipped: 0, conflicts: 0, newConflicts: 0, warnings: 0, deletionBlocked: null, failures: [], marker: state?.marker ?? null, durationMs: 0 };
  const progress = (message?: string) => options.progress?.(outcome.entries, undefined, message);
  let conn: LdapConnection | undefined;
  log.info({ mode, reason, trigger: options.trigger }, `LDAP sync of site "${site.slug}" started (${mode}: ${reason})`);
  try {
    const decisions = await store.decisions(site.id);
    const memory = newRunMemory();
    // The site's index is read when the first entry arrives: an incremental run that finds no change reads nothing.
    let processor: EntryProcessor | undefined;
    const processorFor = async () => {
      if (processor) return processor;
      progress('reading the site');
      return (processor = new EntryProcessor(ctx, store, s, site.id, await loadSiteIndex(ctx, site.id, options.signal), decisions, memory));
    };

    progress('connecting');
    conn = await connect(s, ctx.id);
    const usnAtStart = s.changeAttribute === 'uSNChanged' && s.incremental ? await highestCommittedUsn(conn) : null;
    const filter = mode === 'incremental' ? changedSince(s.filter, s.changeAttribute, state!.marker!) : s.filter;
    let maxSeen: string | null = null;
    let lastRenew = Date.now();
    const pages = conn.client.searchPaginated(s.baseDN, {
      scope: s.scope,
      filter: decodeUtf8Escapes(filter),
      attributes: requestedAttributes(s.effective, s.preset, s.identity),
      explicitBufferAttributes: BUFFER_ATTRIBUTES,
      paged: { pageSize: s.pageSize },
    });
    let reading = true;
    try {
      for await (const page of pages) {
        reading = false;
        outcome.pages++;
        options.signal?.throwIfAborted();
        const entries = page.searchEntries as LdapEntry[];
        if (!entries.length) {
          reading = true;
          continue;
        }
        const processor = await processorFor();
        const mappedPage = entries.map((entry) => processor.map(entry));
        for (const mapped of mappedPage) if (mapped.ok) maxSeen = laterMarker(s.changeAttribute, maxSeen, mapped.changed[s.changeAttribute]);
        // A page is written in slices: the event loop gets a turn between them, and a lease renewal.
        for (let from = 0; from < mappedPage.length; from += WRITE_SLICE) {
          options.signal?.throwIfAborted();
          const results = await processor.processPage(mappedPage.slice(from, from + WRITE_SLICE));
          for (const result of results) {
            outcome.entries++;
            switch (result.kind) {
              case 'created':
              case 'updated':
              case 'unchanged':
                outcome[result.kind]++;
                if (result.restored) outcome.restored++;
                outcome.warnings += result.warnings.length;
                if (result.warnings.length) log.warn({ identity: result.identity, warnings: result.warnings }, `entry ${result.identity}: ${result.warnings.join('; ')}`);
                break;
              case 'held':
                outcome.skipped++;
                outcome.conflicts++;
                if (result.isNewConflict) outcome.newConflicts++;
                break;
              case 'kept':
                outcome.skipped++;
                break;
              case 'failed':
                outcome.failed++;
                if (outcome.failures.length < MAX_REPORTED) outcome.failures.push({ dn: result.dn, message: result.message });
                log.warn({ dn: result.dn }, `entry ${result.dn} skipped: ${result.message}`);
                break;
            }
          }
          progress(`page ${outcome.pages}`);
          await yieldToEventLoop();
          if (Date.now() - lastRenew > RENEW_MS) {
            await store.renew(site.id);
            lastRenew = Date.now();
          }
        }
        progress(`page ${outcome.pages}`);
        await store.renew(site.id);
        lastRenew = Date.now();
        reading = true;
      }
    } catch (err) {
      if (options.signal?.aborted) {
        throw new DialbookError('DIALBOOK_LDAP_ABORTED', 'it was stopped (Dialbook is shutting down, or the request was cancelled)', { status: 409, plugin: ctx.id, cause: err });
      }
      // An error of the directory (while a page was being read) is classified; one of Dialbook's own is passed on.
      if (reading && !isDialbookError(err)) throw conn.fail(err, 'search', filter);
      throw err;
    }
    await conn.close();
    conn = undefined;

    if (mode === 'full') await removeVanished(ctx, site, s, options, state, memory.seen, decisions, outcome);
    if (mode === 'full') {
      // Conflicts the directory no longer produces are over.
      const open = await store.conflicts(site.id, 'open');
      const resolved = [...decisions.values()];
      await store.retire(site.id, [...open.filter((c) => !memory.raised.has(c.identity)), ...resolved.filter((c) => !memory.seen.has(c.identity))].map((c) => c.id));
    }

    outcome.marker = nextMarker(s, mode, state?.marker ?? null, maxSeen, usnAtStart, started);
    outcome.durationMs = Date.now() - started;
    const blocked = outcome.deletionBlocked;
    await store.finish(site.id, {
      marker: outcome.marker,
      markerAttribute: outcome.marker ? s.changeAttribute : null,
      lastRunAt: new Date(),
      lastMode: mode,
      lastStatus: blocked ? 'blocked' : 'succeeded',
      lastMessage: summary(outcome),
      lastResult: { ...outcome },
      blockedDeletes: blocked ? blocked.wouldDelete : null,
      // A run whose deletions were held back does not count as full: the next scheduled run is full again.
      ...(mode === 'full' && !blocked ? { lastFullAt: new Date(started) } : {}),
    });
    log.info({ ...outcome, failures: undefined }, `LDAP sync of site "${site.slug}" finished: ${summary(outcome)}`);
    await report(ctx, site, outcome, options);
    const { created, updated, deleted, unchanged, failed } = outcome;
    await ctx.hooks.emit('sync.finished', { source: ctx.id, siteId: site.id, created, updated, deleted, unchanged, failed });
    return outcome;
  } catch (err) {
    await conn?.close();
    outcome.durationMs = Date.now() - started;
    const message = failureMessage(ctx, site, err, outcome);
    log.error({ err, entries: outcome.entries }, message);
    await store.finish(site.id, { lastRunAt: new Date(), lastMode: mode, lastStatus: 'failed', lastMessage: message, lastResult: { ...outcome } }).catch(() => undefined);
    await ctx.notifications.notify({ siteId: site.id, level: 'error', title: `LDAP "${ctx.id}": sync of site "${site.slug}" failed`, body: message }).catch(() => undefined);
    if (isDialbookError(err)) throw new DialbookError(err.code, message, { status: err.status, plugin: ctx.id, cause: err, ...(err.details ? { details: err.details } : {}) });
    throw err;
  }
}

function failureMessage(ctx: Ctx, site: SiteDto, err: unknown, o: LdapSyncOutcome): string {
  const what = err instanceof Error ? err.message : String(err);
  const done = o.entries ? ` ${o.entries} entries had been read (${o.created} created, ${o.updated} updated); each was saved completely.` : '';
  return `LDAP "${ctx.id}": the ${o.mode} sync of site "${site.slug}" failed: ${what.replace(/\.$/, '')}.${done} Nothing was deleted; the next sync starts over.`;
}

/** Where the next incremental run starts. Never later than what this run safely covered. */
function nextMarker(s: ResolvedSettings, mode: SyncMode, previous: string | null, maxSeen: string | null, usnAtStart: string | null, started: number): string | null {
  if (!s.incremental) return null;
  let covered: string | null;
  if (s.changeAttribute === 'uSNChanged') covered = maxSeen ? (usnAtStart ?? maxSeen) : null;
  else covered = maxSeen ? earlierMarker('modifyTimestamp', maxSeen, toGeneralizedTime(new Date(started - SKEW_MS))) : null;
  if (mode === 'full') return covered;
  return laterMarker(s.changeAttribute, previous, covered);
}

/**
 * After a full run: soft-delete this source's contacts (and contacts linked to entries)
 * whose entries the directory no longer returned — unless that is more than the allowed
 * share, or the directory returned nothing at all.
 */
async function removeVanished(ctx: Ctx, site: SiteDto, s: ResolvedSettings, options: SyncOptions, state: SyncState | null, seen: Set<string>, decisions: Map<string, Conflict>, outcome: LdapSyncOutcome): Promise<void> {
  const gone: string[] = [];
  let owned = 0;
  for await (const c of activeContacts(ctx, site.id)) {
    owned++;
    if (!c.externalId || !seen.has(c.externalId)) gone.push(c.id);
  }
  for (const d of decisions.values()) {
    if (d.resolution !== 'link' || d.otherSource === ctx.id) continue;
    const linked = await ctx.contacts.get(d.otherContactId).catch(() => null);
    if (!linked || linked.deleted) continue;
    owned++;
    if (!seen.has(d.identity)) gone.push(linked.id);
  }
  if (!gone.length) return;
  // The share of what the source held before this run (contacts created by the run do not dilute it).
  owned = Math.max(owned - outcome.created, gone.length);
  const share = gone.length / owned;
  const emptyResult = outcome.entries === 0;
  if (!options.confirmDeletions && (emptyResult || share > s.maxDeleteShare)) {
    outcome.deletionBlocked = { wouldDelete: gone.length, of: owned, share: Math.round(share * 1000) / 1000, maxShare: s.maxDeleteShare };
    const why = emptyResult
      ? `the directory returned no entry at all for the filter ${s.filter} under ${s.baseDN}`
      : `${gone.length} of the ${owned} contacts from this directory (${Math.round(share * 100)} %) are no longer in it, more than the ${Math.round(s.maxDeleteShare * 100)} % allowed (maxDeleteShare)`;
    ctx.logger.warn({ site: site.slug, ...outcome.deletionBlocked }, `deletions held back: ${why}`);
    if (state?.blockedDeletes !== gone.length) {
      await ctx.notifications.notify({
        siteId: site.id,
        level: 'warning',
        title: `LDAP "${ctx.id}": nothing was deleted in site "${site.slug}"`,
        body: `${why[0]!.toUpperCase()}${why.slice(1)}. A wrong filter or base DN, or a directory answering incompletely, looks just like that, so no contact was deleted. Check the settings (test the connection); if the entries really are gone, run "sync" with confirmDeletions (POST /api/v1/plugins/${ctx.id}/sync {"siteId": "…", "confirmDeletions": true}).`,
      });
    }
    return;
  }
  for (const id of gone) {
    options.signal?.throwIfAborted();
    try {
      await ctx.contacts.softDelete(id, ctx.actor);
      outcome.deleted++;
    } catch (err) {
      if (!isDialbookError(err) || err.code !== 'DIALBOOK_CONTACT_DELETED') throw err; // deleted meanwhile: fine
    }
  }
}

/** Notifications when a sync ends: always on request; on a schedule only when something happened. */
async function report(ctx: Ctx, site: SiteDto, o: LdapSyncOutcome, options: SyncOptions): Promise<void> {
  if (o.newConflicts) {
    await ctx.notifications.notify({
      siteId: site.id,
      level: 'warning',
      title: `LDAP "${ctx.id}": ${o.newConflicts} UID conflict(s) in site "${site.slug}" need a decision`,
      body: `Entries whose uid another contact already holds were not imported. Review them at GET /api/v1/plugins/${ctx.id}/conflicts?siteId=${site.id} and resolve each with keep, overwrite or link.`,
    });
  }
  if (o.failed) {
    const lines = o.failures.slice(0, 10).map((f) => `${f.dn}: ${f.message}`);
    if (o.failed > lines.length) lines.push(`… and ${o.failed - lines.length} more (see the log)`);
    await ctx.notifications.notify({ siteId: site.id, level: 'warning', title: `LDAP "${ctx.id}": ${o.failed} entr${o.failed === 1 ? 'y' : 'ies'} could not be imported into site "${site.slug}"`, body: lines.join('\n') });
  }
  const changed = o.created + o.updated + o.deleted > 0;
  if (options.trigger === 'manual' || changed) {
    const by = options.requestedBy?.name ? ` (started by ${options.requestedBy.name})` : '';
    await ctx.notifications.notify({ siteId: site.id, level: 'info', title: `LDAP "${ctx.id}": site "${site.slug}" synced`, body: `${summary(o)}${by}.` });
  }
}
