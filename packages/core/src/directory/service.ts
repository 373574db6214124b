import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { allowedSites, assertSiteAccess } from '../base/access.js';
import { PhonebookEntity } from '../phonebooks/entities.js';
import { SiteEntity } from '../sites/entities.js';
import { refId } from '../contacts/phones.js';
import type { ContactService } from '../contacts/service.js';
import type { PhonebookService } from '../phonebooks/service.js';
import { systemActor } from '../base/actor.js';
import { validationError } from '../base/validate.js';
import { DialbookError, notFound } from '../base/errors.js';
import type { HookBus } from '../hooks/bus.js';
import type { DirectoryContact, DirectoryInput, DirectoryRenderer } from './contracts.js';
import type { Registry } from '../base/registry.js';
import { DirectoryAuditBuffer, type AuditBufferOptions } from './audit.js';
import { readDirectoryMembers } from './members.js';
import { orderDirectory } from './order.js';
import type { DirectoryServed } from './types.js';

/** Rendered bytes as served: the body, its content type and a strong ETag (SHA-256 of the bytes). */
export interface RenderedBytes {
  body: Uint8Array;
  contentType: string;
  etag: string;
}

/** Variant name reserved for caller-ID lookups in phone URLs. */
export const LOOKUP = 'lookup';

interface Members {
  phonebook: DirectoryInput['phonebook'];
  options: Record<string, Record<string, unknown>>;
  contacts: DirectoryContact[];
  ids: Set<string>;
  generatedAt: string;
}

const encoder = new TextEncoder();

const slim = (c: DirectoryContact): DirectoryContact => ({
  id: c.id,
  displayName: c.displayName,
  firstName: c.firstName,
  lastName: c.lastName,
  organization: c.organization,
  department: c.department,
  title: c.title,
  emails: c.emails,
  phones: c.phones,
  tags: c.tags,
  attributes: c.attributes,
});

/** Strong ETag: the first 128 bits of the SHA-256 of the bytes, base64url. */
export const etagOf = (body: Uint8Array): string => `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;

/**
 * The directory pipeline: a phonebook's members (explicit and saved-filter, active only) →
 * directory order → `directory.beforeRender` → the vendor's renderer → bytes with a strong
 * ETag. Members are cached per phonebook and rendered bytes per (phonebook, vendor, variant);
 * both are dropped on `phonebook.changed` (for the phonebook, or for every phonebook of the
 * site when the event names none), before the change's API call returns, so the next fetch
 * sees it. Search renders (`?q=`) are not cached; they reuse the cached members.
 *
 * A render that started before an invalidation is served to its caller but not cached
 * (a global epoch counter guards the store), so a stale render can never be cached.
 */
export class DirectoryService {
  private readonly bytes = new Map<string, { siteId: string; byKey: Map<string, RenderedBytes> }>();
  private readonly members = new Map<string, Members>();
  private readonly inflight = new Map<string, { epoch: number; promise: Promise<unknown> }>();
  private epoch = 0;
  /** A phonebook's site never changes: kept apart from the members so audit rows need no load. */
  private readonly sites = new Map<string, string>();
  /** Whether a remote vendor service serves (vendor, phonebook): set by core's vendor services. */
  private remote: ((vendor: string, phonebookId: string) => boolean | Promise<boolean>) | null = null;
  readonly audit: DirectoryAuditBuffer;

  /** The registered directory renderers (one per phone vendor). */
  get renderers(): Registry<DirectoryRenderer> {
    return this.deps.renderers;
  }

  constructor(
    private readonly deps: { orm: MikroORM; hooks: HookBus; renderers: Registry<DirectoryRenderer>; phonebooks: PhonebookService; contacts: ContactService; logger: Logger; audit?: AuditBufferOptions },
  ) {
    this.audit = new DirectoryAuditBuffer(deps.orm, deps.logger, deps.audit);
    deps.hooks.on('phonebook.changed', ({ phonebookId, siteId }) => this.invalidate(phonebookId, siteId), { owner: 'core', order: -1000 });
    deps.hooks.on('cluster.resync', () => this.invalidateAll(), { owner: 'core', order: -1000 });
  }

  /** Drop cached members and bytes: of one phonebook, or (phonebookId null) of every phonebook of the site. */
  invalidate(phonebookId: string | null, siteId: string): void {
    this.epoch++;
    const hit = (id: string, site: string) => (phonebookId === null ? site === siteId : id === phonebookId);
    for (const [id, m] of this.members) if (hit(id, m.phonebook.siteId)) this.members.delete(id);
    for (const [id, b] of this.bytes) if (hit(id, b.siteId)) this.bytes.delete(id);
    this.inflight.clear();
  }

  /** Drop every cached member list and rendered document (changes elsewhere may have been missed). */
  invalidateAll(): void {
    this.epoch++;
    this.members.clear();
    this.bytes.clear();
    this.inflight.clear();
  }

  /** The registered renderer for a vendor, or 404 naming it and the ones there are. */
  renderer(vendor: string): DirectoryRenderer {
    const r = this.deps.renderers.get(vendor);
    if (r) return r;
    const known = this.deps.renderers.list().map((x) => x.id);
    throw new DialbookError('DIALBOOK_DIRECTORY_VENDOR_UNKNOWN', `no directory renderer "${vendor}" is registered (${known.length ? `registered: ${known.join(', ')}` : 'none is; add a vendor plugin such as @dialbook/plugin-yealink'})`, {
      status: 404,
      field: 'vendor',
    });
  }

  /** This phonebook's options for the vendor, parsed with the renderer's schema (defaults applied). */
  async options(phonebookId: string, vendor: string): Promise<Record<string, unknown>> {
    const renderer = this.renderer(vendor);
    const m = await this.load(phonebookId);
    return this.parseOptions(renderer, m.options[vendor] ?? {}, 'options');
  }

  /**
   * Replace this phonebook's options for a vendor (validated by the renderer's `options`
   * schema; 422 naming the field). Emits `phonebook.changed`. Returns the parsed options.
   */
  async setOptions(phonebookId: string, vendor: string, options: Record<string, unknown>): Promise<Record<string, unknown>> {
    const em = this.deps.orm.em.fork();
    const pb = await em.findOne(PhonebookEntity, { id: phonebookId });
    if (!pb) throw notFound('phonebook', phonebookId);
    assertSiteAccess(refId(pb.site), 'phonebook', phonebookId);
    const renderer = this.renderer(vendor);
    const parsed = this.parseOptions(renderer, options, '', true);
    pb.directoryOptions = { ...(pb.directoryOptions ?? {}), [vendor]: parsed };
    await em.flush();
    await this.deps.hooks.emit('phonebook.changed', { phonebookId, siteId: refId(pb.site), reason: 'phonebook.directory-options' });
    return parsed;
  }

  /**
   * Let remote vendor services receive phonebooks for vendors no plugin renders in core
   * (a service written in another language): {@link input} asks `isServed` before refusing
   * an unknown vendor. Core's vendor services set it (a connected service, or a stored pair).
   */
  serveRemoteVendors(isServed: (vendor: string, phonebookId: string) => boolean | Promise<boolean>): void {
    this.remote = isServed;
  }

  /**
   * The renderer's input: members in directory order, after `directory.beforeRender`.
   * `variant` must be one the renderer lists (404 otherwise); `query` values go to `params`.
   *
   * A vendor without a renderer in core is accepted when a remote vendor service serves it
   * for this phonebook (connected, or configured for it): the options are then the ones stored
   * for the vendor in the phonebook, unvalidated (none: `{}`), and the variant is passed on as
   * given (default `''`). Anything else is `DIALBOOK_DIRECTORY_VENDOR_UNKNOWN` (404), as is
   * every in-process {@link render} of a vendor core has no renderer for.
   */
  async input(phonebookId: string, vendor: string, variant?: string, query: Record<string, string> = {}): Promise<DirectoryInput> {
    const renderer = this.deps.renderers.get(vendor) ?? (await this.remoteOnly(vendor, phonebookId));
    if (variant && (variant === LOOKUP || (renderer && !renderer.variants.includes(variant)))) {
      const label = renderer?.label ?? vendor;
      throw new DialbookError('DIALBOOK_DIRECTORY_VARIANT_UNKNOWN', `${label} has no variant "${variant}"${renderer ? ` (variants: ${renderer.variants.join(', ')})` : ''}`, { status: 404, field: 'variant' });
    }
    const m = await this.load(phonebookId);
    const stored = m.options[vendor] ?? {};
    const input: DirectoryInput = {
      phonebook: { ...m.phonebook },
      vendor,
      contacts: m.contacts.slice(),
      variant: variant ?? '',
      params: { ...query },
      options: renderer ? this.parseOptions(renderer, stored, 'options') : structuredClone(stored),
      generatedAt: m.generatedAt,
    };
    return (await this.deps.hooks.apply('directory.beforeRender', { input }, { actor: systemActor })).input;
  }

  /**
   * Rendered bytes for a phone. Cached per (phonebook, vendor, variant) unless `query.q` asks
   * for a search; concurrent cold fetches of one key share one render.
   */
  async render(phonebookId: string, vendor: string, variant?: string, query: Record<string, string> = {}): Promise<RenderedBytes> {
    const renderer = this.renderer(vendor);
    const search = !!query.q && renderer.search === true;
    const key = `${vendor}\u0000${variant ?? ''}`;
    // Inside an API request limited to some sites, check the phonebook's site first (phones are unscoped).
    if (allowedSites()) await this.load(phonebookId);
    if (!search) {
      const hit = this.bytes.get(phonebookId)?.byKey.get(key);
      if (hit) return hit;
    }
    const params = search ? { ...query } : Object.fromEntries(Object.entries(query).filter(([k]) => k !== 'q'));
    const flightKey = search ? null : `render\u0000${phonebookId}\u0000${key}`;
    return this.once(flightKey, async () => {
      const epoch = this.epoch;
      const input = await this.input(phonebookId, vendor, variant, params);
      const out = await renderer.render(input);
      const body = typeof out.body === 'string' ? encoder.encode(out.body) : out.body;
      const rendered: RenderedBytes = { body, contentType: out.contentType, etag: etagOf(body) };
      if (!search && epoch === this.epoch) {
        let perBook = this.bytes.get(phonebookId);
        if (!perBook) this.bytes.set(phonebookId, (perBook = { siteId: input.phonebook.siteId, byKey: new Map() }));
        perBook.byKey.set(key, rendered);
      }
      return rendered;
    });
  }

  /**
   * The cached bytes of a full fetch (no search) and the phonebook's site, synchronously, or
   * `undefined` when they are not cached (or the caller is limited to some sites): the phone
   * route's fast path, so a repeat fetch (a 304 most of the time) never waits for a promise.
   * `render` and `siteOf` answer everything else.
   */
  cached(phonebookId: string, vendor: string, variant?: string): { rendered: RenderedBytes; siteId: string } | undefined {
    const perBook = this.bytes.get(phonebookId);
    if (!perBook || allowedSites()) return undefined;
    const rendered = perBook.byKey.get(`${vendor}\u0000${variant ?? ''}`);
    return rendered && { rendered, siteId: perBook.siteId };
  }

  /**
   * Caller ID: the phonebook's members owning `number` (any written form, matched on
   * E.164 and digits through `contacts.lookup`), rendered by the vendor's `lookup` when it
   * has one, else `text/plain` with the first match's display name. `null` when nobody has it.
   */
  async lookup(phonebookId: string, vendor: string, number: string): Promise<{ matches: DirectoryContact[]; rendered: RenderedBytes | null }> {
    const renderer = this.renderer(vendor);
    const m = await this.load(phonebookId);
    const found = await this.deps.contacts.lookup(number, { siteId: m.phonebook.siteId });
    const matches = found.filter((c) => m.ids.has(c.id)).map(slim);
    if (!matches.length) return { matches, rendered: null };
    const options = this.parseOptions(renderer, m.options[vendor] ?? {}, 'options');
    const out = renderer.lookup
      ? renderer.lookup({ phonebook: { ...m.phonebook }, vendor, number, matches, options })
      : { contentType: 'text/plain; charset=utf-8', body: matches[0]!.displayName };
    const body = typeof out.body === 'string' ? encoder.encode(out.body) : out.body;
    return { matches, rendered: { body, contentType: out.contentType, etag: etagOf(body) } };
  }

  /**
   * Record a phone's fetch: `directory.served` for listeners, and a row in the audit log
   * (queued; written in batches). Remote vendor services report their fetches through here too.
   */
  recordServed(event: DirectoryServed): void {
    this.audit.push(event);
    void this.deps.hooks.emit('directory.served', event);
  }

  /** Site of a phonebook (cached with its members), for audit rows. */
  async siteOf(phonebookId: string): Promise<string> {
    return this.sites.get(phonebookId) ?? (await this.load(phonebookId)).phonebook.siteId;
  }

  async stop(): Promise<void> {
    await this.audit.stop();
  }

  // ---- internals -------------------------------------------------------------------------

  /** No renderer in core: `null` when a remote vendor service serves the pair, else the 404 of {@link renderer}. */
  private async remoteOnly(vendor: string, phonebookId: string): Promise<null> {
    if (this.remote && (await this.remote(vendor, phonebookId))) return null;
    return this.renderer(vendor) as never; // throws DIALBOOK_DIRECTORY_VENDOR_UNKNOWN
  }

  /**
   * Parse options with the renderer's schema. For an admin's input (`strict`) a failure is a
   * 422 naming the field; stored options that no longer parse (the plugin changed its schema)
   * are logged and replaced by the defaults, so phones keep getting a directory.
   */
  private parseOptions(renderer: DirectoryRenderer, value: unknown, prefix: string, strict = false): Record<string, unknown> {
    if (!renderer.options) return (value ?? {}) as Record<string, unknown>;
    const r = renderer.options.safeParse(value ?? {});
    if (r.success) return r.data;
    if (strict) throw validationError(r.error.issues, prefix);
    this.deps.logger.warn({ vendor: renderer.id, issues: r.error.issues }, `stored ${renderer.id} directory options do not parse; using the defaults`);
    return renderer.options.parse({});
  }

  private async load(phonebookId: string): Promise<Members> {
    const hit = this.members.get(phonebookId);
    if (hit) {
      assertSiteAccess(hit.phonebook.siteId, 'phonebook', phonebookId);
      return hit;
    }
    const loaded = await this.once(`members\u0000${phonebookId}`, async () => {
      const epoch = this.epoch;
      const em = this.deps.orm.em.fork();
      const pb = await em.findOne(PhonebookEntity, { id: phonebookId });
      if (!pb) throw notFound('phonebook', phonebookId);
      const siteId = refId(pb.site);
      assertSiteAccess(siteId, 'phonebook', phonebookId);
      const site = await em.findOne(SiteEntity, { id: siteId }, { fields: ['name'] });
      const contacts = orderDirectory(await readDirectoryMembers(this.deps.orm, pb, siteId));
      const m: Members = {
        phonebook: { id: pb.id, name: pb.name, siteId, siteName: site?.name ?? '' },
        options: pb.directoryOptions ?? {},
        contacts,
        ids: new Set(contacts.map((c) => c.id)),
        generatedAt: new Date().toISOString(),
      };
      if (this.sites.size > 100_000) this.sites.clear();
      this.sites.set(phonebookId, siteId);
      if (epoch === this.epoch) this.members.set(phonebookId, m);
      return m;
    });
    // A shared load may have started outside this caller's scope: check again.
    assertSiteAccess(loaded.phonebook.siteId, 'phonebook', phonebookId);
    return loaded;
  }

  /** Share one in-flight promise per key (not across an invalidation). */
  private once<T>(key: string | null, fn: () => Promise<T>): Promise<T> {
    if (!key) return fn();
    const running = this.inflight.get(key);
    if (running && running.epoch === this.epoch) return running.promise as Promise<T>;
    const promise = fn().finally(() => {
      if (this.inflight.get(key)?.promise === promise) this.inflight.delete(key);
    });
    this.inflight.set(key, { epoch: this.epoch, promise });
    return promise;
  }
}
