/**
 * What happens to one directory entry, in a sync and in "import one": map it, apply a
 * conflict decision if an admin made one, hold it back if its uid is already claimed,
 * else create or update its contact through the core (History, `contact.synced`).
 */
import { isDialbookError, type ContactDto, type PluginContext, type SourceItemResult } from '@dialbook/core';
import { mapEntry, nameOf, type ContactFields, type LdapEntry, type MappedEntry } from './mapping.js';
import type { ResolvedSettings, LdapSettings } from './settings.js';
import type { Conflict, Store } from './store.js';

export type Ctx = PluginContext<unknown, LdapSettings>;

/** A contact that claims a uid. */
export interface UidOwner {
  id: string;
  source: string;
  externalId: string | null;
}

/**
 * The site as the sync starts: which identities already have a contact of this source, and
 * which uids are claimed by whom. Flat maps of short strings: ~100 bytes a contact.
 */
export interface SiteIndex {
  /** externalId → contact id, for this source's contacts (deleted ones too). */
  ours: Map<string, string>;
  /** lower-case uid → the active contact claiming it (this source's or another's). */
  uids: Map<string, UidOwner>;
}

/** Page size when reading the site's contacts through the core. */
const LIST_PAGE = 2000;

/** The uid a contact claims: the `uid` this plugin stored (any LDAP instance), or a foreign source's externalId. */
export function uidsOf(contact: ContactDto, source: string, namespace: string): string[] {
  const stored = contact.attributes[namespace]?.uid;
  const out = typeof stored === 'string' && stored ? [stored] : [];
  if (contact.source !== source && contact.externalId) out.push(contact.externalId);
  return out;
}

/** Read the site's contacts once (500 a page) into a {@link SiteIndex}. */
export async function loadSiteIndex(ctx: Ctx, siteId: string, signal?: AbortSignal): Promise<SiteIndex> {
  const index: SiteIndex = { ours: new Map(), uids: new Map() };
  for await (const batch of ctx.contacts.scan({ siteId, status: 'all', batch: LIST_PAGE, phones: false })) {
    signal?.throwIfAborted();
    for (const c of batch) {
      if (c.source === ctx.id && c.externalId) index.ours.set(c.externalId, c.id);
      if (c.deleted) continue;
      for (const uid of uidsOf(c, ctx.id, ctx.plugin)) {
        const key = uid.toLowerCase();
        if (!index.uids.has(key)) index.uids.set(key, { id: c.id, source: c.source, externalId: c.externalId });
      }
    }
    await yieldToEventLoop();
  }
  return index;
}

/**
 * Let timers and I/O run. With the embedded SQLite every query completes synchronously, so a
 * long run of awaits never leaves the microtask queue: without this, the HTTP server would not
 * answer while a page of entries is written.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Every active contact of this source in the site, as (externalId, id) pairs. */
export async function* activeContacts(ctx: Ctx, siteId: string): AsyncGenerator<{ id: string; externalId: string | null }> {
  // Collect ids first: deleting while scanning would shift what comes next.
  const all: { id: string; externalId: string | null }[] = [];
  for await (const batch of ctx.contacts.scan({ siteId, source: ctx.id, status: 'active', batch: LIST_PAGE, phones: false })) {
    for (const c of batch) all.push({ id: c.id, externalId: c.externalId });
    await yieldToEventLoop();
  }
  yield* all;
}

export type EntryOutcome =
  | { kind: 'created' | 'updated' | 'unchanged'; identity: string; contact: ContactDto; restored: boolean; warnings: string[] }
  /** Held back: an open conflict, or an admin's `keep`. */
  | { kind: 'held'; identity: string; conflict: Conflict; isNewConflict: boolean; warnings: string[] }
  | { kind: 'kept'; identity: string; warnings: string[] }
  | { kind: 'failed'; identity: string | null; dn: string; message: string };

/** Per-run memory of the processor: flat sets and maps of strings. */
export interface RunMemory {
  /** Identities the directory returned (also failed and held ones: their contacts are not removed). */
  seen: Set<string>;
  /** lower-case uid → the entry that claimed it first in this run (its contact is in `SiteIndex.ours`). */
  claimed: Map<string, string>;
  /** Identities whose conflict this run raised or refreshed. */
  raised: Set<string>;
}

/** An entry that is a plain create or update of this source's contact. */
interface WriteStep {
  kind: 'write';
  mapped: Extract<MappedEntry, { ok: true }>;
  uidKey: string | null;
}

export const newRunMemory = (): RunMemory => ({ seen: new Set(), claimed: new Map(), raised: new Set() });

export class EntryProcessor {
  constructor(
    private readonly ctx: Ctx,
    private readonly store: Store,
    private readonly settings: ResolvedSettings,
    private readonly siteId: string,
    private readonly index: SiteIndex,
    private readonly decisions: Map<string, Conflict>,
    private readonly memory: RunMemory = newRunMemory(),
  ) {}

  map(entry: LdapEntry): MappedEntry {
    const s = this.settings;
    return mapEntry(entry, { mapping: s.effective, preset: s.preset, identity: s.identity, namespace: this.ctx.plugin });
  }

  async process(entry: LdapEntry): Promise<EntryOutcome> {
    return this.processMapped(this.map(entry));
  }

  async processMapped(mapped: MappedEntry): Promise<EntryOutcome> {
    const step = await this.prepare(mapped);
    if (step.kind !== 'write') return step;
    let result: SourceItemResult;
    try {
      result = await this.ctx.contacts.upsertFromSource(this.siteId, this.ctx.id, step.mapped.identity, step.mapped.contact, this.ctx.actor);
    } catch (err) {
      if (!isDialbookError(err)) throw err;
      result = { error: err };
    }
    return this.written(step, result);
  }

  /**
   * A page of entries: everything that is a plain create or update goes to the core in one
   * batch (`contacts.upsertManyFromSource`: one transaction, no write for an
   * unchanged contact). Outcomes come back in the entries' order. An entry whose identity or
   * uid an entry still waiting in the batch claims first sends the batch off before it is
   * looked at, so conflicts are judged exactly as one entry at a time would judge them.
   */
  async processPage(entries: readonly MappedEntry[]): Promise<EntryOutcome[]> {
    const out: EntryOutcome[] = new Array(entries.length);
    let pending: { at: number; step: WriteStep }[] = [];
    const pendingIds = new Set<string>();
    const pendingUids = new Set<string>();
    const flush = async () => {
      if (!pending.length) return;
      const batch = pending;
      pending = [];
      pendingIds.clear();
      pendingUids.clear();
      const results = await this.ctx.contacts.upsertManyFromSource(
        this.siteId,
        this.ctx.id,
        batch.map((p) => ({ externalId: p.step.mapped.identity, body: p.step.mapped.contact })),
        this.ctx.actor,
      );
      batch.forEach((p, k) => (out[p.at] = this.written(p.step, results[k]!)));
    };
    for (let at = 0; at < entries.length; at++) {
      const mapped = entries[at]!;
      if (mapped.ok && (pendingIds.has(mapped.identity) || (mapped.uid && pendingUids.has(mapped.uid.toLowerCase())))) await flush();
      const step = await this.prepare(mapped);
      if (step.kind !== 'write') {
        out[at] = step;
        continue;
      }
      pending.push({ at, step });
      pendingIds.add(step.mapped.identity);
      if (step.uidKey) pendingUids.add(step.uidKey);
    }
    await flush();
    return out;
  }

  /** Everything before the write: decisions, held-back conflicts, failures. */
  private async prepare(mapped: MappedEntry): Promise<EntryOutcome | WriteStep> {
    const { ctx, memory } = this;
    if (!mapped.ok) {
      if (mapped.identity) memory.seen.add(mapped.identity);
      return { kind: 'failed', identity: mapped.identity, dn: mapped.dn, message: mapped.problems.join('; ') };
    }
    const { identity, warnings } = mapped;
    memory.seen.add(identity);

    let decision = this.decisions.get(identity);
    const uidKey = mapped.uid?.toLowerCase() ?? null;
    if (decision?.resolution === 'keep' && (!uidKey || this.index.uids.get(uidKey)?.id !== decision.otherContactId)) {
      // The contact that was kept no longer holds this uid (deleted, or its uid changed): the decision is moot.
      await this.store.setStatus(decision.id, { status: 'gone' });
      this.decisions.delete(identity);
      decision = undefined;
    }
    if (decision?.resolution === 'keep') return { kind: 'kept', identity, warnings };
    if (decision && decision.otherSource !== ctx.id && (decision.resolution === 'overwrite' || decision.resolution === 'link')) {
      const applied = await this.applyToOther(decision, mapped);
      if (applied) return applied;
      // The other contact is gone: the decision no longer applies; treat the entry as any other.
      await this.store.setStatus(decision.id, { status: 'gone' });
      this.decisions.delete(identity);
    }

    if (uidKey && !this.index.ours.has(identity)) {
      const first = memory.claimed.get(uidKey);
      const firstContact = first && first !== identity ? this.index.ours.get(first) : undefined;
      const owner: UidOwner | undefined = firstContact ? { id: firstContact, source: ctx.id, externalId: first! } : this.index.uids.get(uidKey);
      if (owner && !(owner.source === ctx.id && owner.externalId === identity)) {
        const name = (await ctx.contacts.get(owner.id).catch(() => null))?.displayName ?? '';
        const { conflict, isNew } = await this.store.raise({
          siteId: this.siteId,
          kind: owner.source === ctx.id ? 'duplicate' : 'other-source',
          uid: mapped.uid!,
          identity,
          dn: mapped.dn,
          name: nameOf(mapped.contact),
          entry: mapped.contact,
          other: { ...owner, name },
        });
        memory.raised.add(identity);
        return { kind: 'held', identity, conflict, isNewConflict: isNew, warnings };
      }
    }
    return { kind: 'write', mapped, uidKey };
  }

  /** The outcome of a create/update the core answered. */
  private written(step: WriteStep, result: SourceItemResult): EntryOutcome {
    const { identity, dn, warnings } = step.mapped;
    if ('error' in result) {
      // Refused by the core's validation or another plugin's filter: skip the entry, keep its contact.
      if (result.error.status === 422) return { kind: 'failed', identity, dn, message: result.error.message };
      throw result.error;
    }
    this.index.ours.set(identity, result.contact.id);
    if (step.uidKey && !this.memory.claimed.has(step.uidKey)) this.memory.claimed.set(step.uidKey, identity);
    const kind = result.created ? 'created' : result.restored || result.changes.length ? 'updated' : 'unchanged';
    return { kind, identity, contact: result.contact, restored: result.restored, warnings };
  }

  /**
   * An admin decided this entry writes into a contact of another source (`overwrite` or
   * `link`). Returns null when that contact no longer exists.
   */
  private async applyToOther(decision: Conflict, mapped: Extract<MappedEntry, { ok: true }>): Promise<EntryOutcome | null> {
    const { ctx } = this;
    let other: ContactDto;
    try {
      other = await ctx.contacts.get(decision.otherContactId);
    } catch (err) {
      if (isDialbookError(err) && err.status === 404) return null;
      throw err;
    }
    let restored = false;
    if (other.deleted) {
      // Linked: the directory owns it, so it comes back with its entry. Overwrite: its own source deleted it; leave it.
      if (decision.resolution !== 'link') return { kind: 'kept', identity: mapped.identity, warnings: mapped.warnings };
      other = await ctx.contacts.restore(other.id, ctx.actor);
      restored = true;
    }
    try {
      const updated = await writeInto(ctx, other, mapped.contact);
      await ctx.hooks.emit('contact.synced', { contact: updated, source: ctx.id, created: false });
      const kind = restored || updated.version !== other.version ? 'updated' : 'unchanged';
      return { kind, identity: mapped.identity, contact: updated, restored, warnings: mapped.warnings };
    } catch (err) {
      if (isDialbookError(err) && err.status === 422) return { kind: 'failed', identity: mapped.identity, dn: mapped.dn, message: err.message };
      throw err;
    }
  }

  get run(): RunMemory {
    return this.memory;
  }
}

/**
 * Write an entry's fields into an existing contact (any source), keeping the other
 * plugins' attributes. `externalId` moves the contact to another entry of this source.
 */
export async function writeInto(ctx: Ctx, contact: ContactDto, fields: ContactFields, externalId?: string): Promise<ContactDto> {
  const { attributes = {}, ...rest } = fields;
  return ctx.contacts.update(
    contact.id,
    {
      ...rest,
      emails: rest.emails ?? [],
      phones: rest.phones ?? [],
      attributes: { ...contact.attributes, ...attributes },
      ...(externalId ? { externalId } : {}),
    },
    ctx.actor,
  );
}
