import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import { pluginActor } from '../base/actor.js';
import { Registry } from '../base/registry.js';
import type { JobService, ScheduledJob } from '../jobs/service.js';
import type { NotificationService } from '../notifications/service.js';
import { ContactEnrichmentEntity, ContactEntity, type Contact } from './entities.js';
import { retryDelayMs, type ContactEnricher, type EnrichOutcome, type EnrichReason, type EnrichReport } from './enrichers.js';
import { toDto } from './mapping.js';
import { loadPhones, plainContacts } from './phones.js';
import type { ContactPipeline, UpsertResult } from './pipeline.js';
import { ContactRows } from './rows.js';
import { patchAttributes } from './attributes.js';
import type { ContactSecrets } from './secret-store.js';

const DEFAULT_BATCH = 100;
const MAX_BATCH = 1000;
/** Pending contacts one firing of the retry job takes up. */
const RETRY_LIMIT = 5000;

interface Deps {
  orm: MikroORM;
  pipeline: ContactPipeline;
  secrets: ContactSecrets;
  jobs: JobService;
  notifications: NotificationService;
  logger: Logger;
}

/**
 * Runs the registered {@link ContactEnricher}s: after source batches (queued, in the background,
 * once the site's sync has ended), for contacts left pending (the `contacts.enrich` job, every
 * minute, one instance of a cluster), and on request (`enrichNow`). Pending contacts are kept in
 * `contact_enrichment` with their attempts and next try; the admins get one notification when an
 * enricher starts failing and one when it has caught up — not one per contact.
 */
export class ContactEnrichment {
  readonly registry = new Registry<ContactEnricher>('contact enricher');
  private readonly queued = new Map<string, Set<string>>();
  private draining: Promise<void> | null = null;
  private job: ScheduledJob | null = null;
  private stopped = false;

  constructor(private readonly deps: Deps) {}

  /** Contacts a source wrote in `siteId`: enriched in the background (nothing happens without enrichers). */
  queue(siteId: string, contactIds: readonly string[]): void {
    if (this.stopped || !contactIds.length || !this.registry.list().length) return;
    let ids = this.queued.get(siteId);
    if (!ids) this.queued.set(siteId, (ids = new Set()));
    for (const id of contactIds) ids.add(id);
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
      if (this.queued.size && !this.stopped) this.queue(this.queued.keys().next().value!, []);
    });
  }

  /** Resolves when every queued contact has been run (tests, a graceful stop). */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Run every enricher (or `only` one) for these contacts now, site by site; what it did. */
  async enrichNow(siteId: string, contactIds: readonly string[], options: { only?: string; reason?: EnrichReason } = {}): Promise<EnrichReport> {
    return this.run(siteId, [...contactIds], options.reason ?? 'manual', options.only);
  }

  /** Pending contacts per enricher (for the plugins page and tests). */
  async pending(): Promise<{ enricher: string; contacts: number; oldest: string | null }[]> {
    const rows = await this.deps.orm.em.fork().find(ContactEnrichmentEntity, {}, { fields: ['enricher', 'since'] });
    const by = new Map<string, { contacts: number; oldest: Date }>();
    for (const r of rows) {
      const e = by.get(r.enricher);
      if (!e) by.set(r.enricher, { contacts: 1, oldest: r.since });
      else {
        e.contacts++;
        if (r.since < e.oldest) e.oldest = r.since;
      }
    }
    return [...by].map(([enricher, e]) => ({ enricher, contacts: e.contacts, oldest: e.oldest.toISOString() }));
  }

  start(): void {
    if (!this.registry.list().length) return;
    this.job = this.deps.jobs.schedule({ id: 'contacts.enrich', label: 'Retry of contacts enrichers could not do', owner: 'core', cron: '* * * * *', run: () => this.retryDue() });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.job?.stop();
    await this.settled();
  }

  /** One firing of the retry job: the pending contacts whose next try is due. */
  async retryDue(now = new Date()): Promise<EnrichReport> {
    const due = await this.deps.orm.em.fork().find(ContactEnrichmentEntity, { nextAt: { $lte: now } }, { orderBy: { nextAt: 'asc' }, limit: RETRY_LIMIT });
    const groups = new Map<string, { enricher: string; siteId: string; ids: string[] }>();
    for (const row of due) {
      const key = `${row.enricher}\u0000${row.siteId}`;
      const g = groups.get(key) ?? { enricher: row.enricher, siteId: row.siteId, ids: [] };
      g.ids.push(row.contactId);
      groups.set(key, g);
    }
    const total: EnrichReport = { done: 0, changed: 0, pending: [] };
    for (const g of groups.values()) {
      if (!this.registry.get(g.enricher)) continue; // its plugin is not loaded here: kept for when it is
      const r = await this.run(g.siteId, g.ids, 'retry', g.enricher);
      total.done += r.done;
      total.changed += r.changed;
      total.pending.push(...r.pending);
    }
    return total;
  }

  private async drain(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve)); // the source's batch returns first
    while (this.queued.size && !this.stopped) {
      const siteId = this.queued.keys().next().value!;
      // Not while a sync of the site runs: it keeps its pace; what it writes meanwhile is queued here.
      await this.deps.jobs.idle((id) => id.endsWith(`.sync:${siteId}`));
      const ids = [...(this.queued.get(siteId) ?? [])];
      this.queued.delete(siteId);
      try {
        await this.run(siteId, ids, 'sync');
      } catch (err) {
        this.deps.logger.error({ err, siteId, contacts: ids.length }, 'contact enrichment failed');
      }
    }
  }

  private async run(siteId: string, ids: string[], reason: EnrichReason, only?: string): Promise<EnrichReport> {
    const report: EnrichReport = { done: 0, changed: 0, pending: [] };
    for (const enricher of this.registry.list()) {
      if (only && enricher.id !== only) continue;
      if (enricher.enabled && !(await enricher.enabled(siteId))) continue;
      const wasPending = await this.pendingOf(enricher);
      const size = Math.min(MAX_BATCH, Math.max(1, enricher.batchSize ?? DEFAULT_BATCH));
      const failed: EnrichReport['pending'] = [];
      for (let i = 0; i < ids.length; i += size) {
        const r = await this.runBatch(enricher, siteId, ids.slice(i, i + size), reason);
        report.done += r.done;
        report.changed += r.changed;
        failed.push(...r.pending);
      }
      report.pending.push(...failed);
      await this.tell(enricher, wasPending, failed);
    }
    return report;
  }

  private pendingOf(enricher: ContactEnricher): Promise<number> {
    return this.deps.orm.em.fork().count(ContactEnrichmentEntity, { enricher: enricher.id });
  }

  /** One notification when an enricher starts failing, one when it has caught up — never one per contact. */
  private async tell(enricher: ContactEnricher, wasPending: number, failed: EnrichReport['pending']): Promise<void> {
    if (!wasPending && failed.length) {
      await this.deps.notifications.notify({
        siteId: null,
        level: 'warning',
        title: `${enricher.label}: ${failed.length} contact(s) could not be enriched`,
        body: `${failed[0]!.reason}\nThey are kept and retried in the background (job contacts.enrich) until it works; nothing is lost and the syncs go on.`,
      });
    } else if (wasPending && !failed.length && (await this.pendingOf(enricher)) === 0) {
      await this.deps.notifications.notify({ siteId: null, level: 'info', title: `${enricher.label}: caught up`, body: 'Every contact that was pending has been enriched.' });
    }
  }

  private async runBatch(enricher: ContactEnricher, siteId: string, ids: string[], reason: EnrichReason): Promise<EnrichReport> {
    const em = this.deps.orm.em.fork();
    const contacts = await this.load(em, siteId, ids);
    const report: EnrichReport = { done: 0, changed: 0, pending: [] };
    if (!contacts.length) {
      await this.clearPending(enricher, ids);
      return report;
    }
    const phones = await loadPhones(em, contacts.map((c) => c.id));
    let outcomes: EnrichOutcome[];
    try {
      outcomes = await enricher.enrich({ siteId, reason, contacts: contacts.map((c) => toDto(c, phones.get(c.id) ?? [])) });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.deps.logger.warn({ enricher: enricher.id, siteId, contacts: contacts.length, err: message }, 'contact enricher failed; the contacts are pending');
      outcomes = contacts.map((c) => ({ contactId: c.id, pending: message }));
    }
    const known = new Map(contacts.map((c) => [c.id, c]));
    const actor = pluginActor(this.registry.ownerOf(enricher.id) ?? enricher.id);
    const pending = outcomes.filter((o): o is { contactId: string; pending: string } => typeof o.pending === 'string' && known.has(o.contactId));
    const pendingIds = new Set(pending.map((o) => o.contactId));
    const patches = outcomes.filter((o) => o.pending === undefined && o.attributes && known.has(o.contactId));
    const writes: UpsertResult[] = !patches.length ? [] : await this.deps.orm.em.fork().transactional(async (tx) => {
      // Read again in the transaction: an edit made while the enricher worked is kept.
      const fresh = new Map((await this.load(tx, siteId, patches.map((o) => o.contactId))).map((c) => [c.id, c]));
      const freshPhones = await loadPhones(tx, [...fresh.keys()]);
      const rows = new ContactRows();
      const out: UpsertResult[] = [];
      const now = new Date();
      for (const o of patches) {
        const c = fresh.get(o.contactId);
        if (!c || o.pending !== undefined || !o.attributes) continue;
        const r = await this.deps.pipeline.update(rows, c, freshPhones.get(c.id) ?? [], { attributes: patchAttributes(c.attributes ?? {}, o.attributes) }, { actor, now, country: async () => null });
        if (r.changes.length) out.push(r);
      }
      await rows.flush(tx);
      return out;
    });
    for (const w of writes) await this.deps.pipeline.contactEvents(w, actor);
    if (writes.length) await this.deps.pipeline.phonebookChanged(siteId, 'contact.enriched');
    const changed = new Set(writes.map((w) => w.contact.id));
    for (const o of outcomes) {
      if (o.pending !== undefined || !o.secrets || !known.has(o.contactId)) continue;
      for (const [key, value] of Object.entries(o.secrets)) {
        if ((await this.deps.secrets.set(o.contactId, key, value, actor)).changed) changed.add(o.contactId);
      }
    }
    await this.clearPending(enricher, contacts.map((c) => c.id).filter((id) => !pendingIds.has(id)));
    if (pending.length) await this.markPending(enricher, siteId, pending);
    report.done = contacts.length - pending.length;
    report.changed = changed.size;
    report.pending = pending.map((o) => ({ contactId: o.contactId, enricher: enricher.id, reason: o.pending }));
    return report;
  }

  /** The active contacts of the site among `ids`. */
  private async load(em: EntityManager, siteId: string, ids: string[]): Promise<Contact[]> {
    const out: Contact[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const qb = (em as SqlEntityManager).createQueryBuilder(ContactEntity).select('*').where({ site: siteId, deletedAt: null, id: { $in: ids.slice(i, i + 500) } });
      out.push(...(await plainContacts(qb)));
    }
    return out;
  }

  private async markPending(enricher: ContactEnricher, siteId: string, items: { contactId: string; pending: string }[]): Promise<void> {
    const em = this.deps.orm.em.fork();
    const now = new Date();
    for (let i = 0; i < items.length; i += 500) {
      const chunk = items.slice(i, i + 500);
      const existing = new Map((await em.find(ContactEnrichmentEntity, { enricher: enricher.id, contactId: { $in: chunk.map((c) => c.contactId) } })).map((r) => [r.contactId, r]));
      for (const it of chunk) {
        const reason = it.pending.slice(0, 500);
        const row = existing.get(it.contactId);
        const attempts = (row?.attempts ?? 0) + 1;
        const nextAt = new Date(now.getTime() + retryDelayMs(attempts));
        if (row) await em.nativeUpdate(ContactEnrichmentEntity, { contactId: it.contactId, enricher: enricher.id }, { attempts, reason, nextAt });
        else await em.insert(ContactEnrichmentEntity, { contactId: it.contactId, enricher: enricher.id, siteId, attempts, reason, since: now, nextAt });
      }
    }
  }

  private async clearPending(enricher: ContactEnricher, ids: string[]): Promise<void> {
    const em = this.deps.orm.em.fork();
    for (let i = 0; i < ids.length; i += 500) await em.nativeDelete(ContactEnrichmentEntity, { enricher: enricher.id, contactId: { $in: ids.slice(i, i + 500) } });
  }
}
