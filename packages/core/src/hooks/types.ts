import type { Actor } from '../base/actor.js';
import type { ContactDto, ContactInput, FieldChange } from '../contacts/types.js';
import type { PhonebookDto, SiteDto } from '../sites/types.js';
import type { DirectoryInput } from '../plugin/contracts.js';
import type { DirectoryServed } from '../directory/types.js';
import type { VendorCommandEvent, VendorResultEvent, VendorStateEvent } from '../vendors/peers.js';

/**
 * Events: fired after a change is committed. Listeners cannot undo the change;
 * a listener that throws is logged and the others still run.
 *
 * Plugins add their own events by declaration merging:
 * ```ts
 * declare module '@dialbook/core' {
 *   interface HookEvents { 'csv.imported': { file: string; count: number } }
 * }
 * ```
 */
export interface HookEvents {
  'contact.created': { contact: ContactDto; actor: Actor };
  'contact.updated': { contact: ContactDto; changes: FieldChange[]; actor: Actor };
  /** `permanent: false` is a soft delete (restorable); `true` removed the row and its history. */
  'contact.deleted': { contact: ContactDto; permanent: boolean; actor: Actor };
  'contact.restored': { contact: ContactDto; actor: Actor };
  /** A contact a source (LDAP, CSV, …) created or updated during a sync; enrichers listen here. */
  'contact.synced': { contact: ContactDto; source: string; created: boolean };
  /** Anything that can change what a phonebook renders: membership, a member's data, its filter. */
  'phonebook.changed': { phonebookId: string | null; siteId: string; reason: string };
  'sync.finished': { source: string; siteId: string; created: number; updated: number; deleted: number; unchanged: number; failed: number };
  'notification.created': { id: string; siteId: string | null; title: string };
  // ---- sites, phonebooks, settings (settings and mail release) ----
  /** A site was created (the mail module tells the site's people). */
  'site.created': { site: SiteDto };
  /** A phonebook was created (also reported as `phonebook.changed` with reason `phonebook.created`). */
  'phonebook.created': { phonebook: PhonebookDto };
  /** Settings were saved through the API: which key paths changed (never their values) and who did it. */
  'settings.changed': { category: string; scope: string; keys: string[]; actor: Actor };
  // ---- directories (phone directories issue) ----
  /** A phone fetched a directory (or a caller-ID lookup), in-process or through a remote vendor service. Also written to the audit log. */
  'directory.served': DirectoryServed;
  /**
   * Events from other instances may have been missed (the PostgreSQL event relay reconnected):
   * drop caches and re-read what follows the settings. Emitted on every instance.
   */
  'cluster.resync': { reason: string };
  /** A machine credential (phone, service key, engine token) was revoked: every instance forgets it at once. */
  'credential.revoked': { id: string; kind: 'phonebook' | 'service' | 'engine' };
  // ---- remote vendor services across instances (relayed on PostgreSQL; never emitted on SQLite) ----
  /** The live vendor-service sessions and pair states of one instance: sent on change and every heartbeat. */
  'vendor.state': VendorStateEvent;
  /** An admin command for a pair whose service is connected to another instance, forwarded to it. */
  'vendor.command': VendorCommandEvent;
  /** The answer of the instance that ran a `vendor.command`. */
  'vendor.result': VendorResultEvent;
}

/** Where a filter runs and what it may change or reject. */
export interface FilterContext {
  actor: Actor;
}

/**
 * Filters: run in order before an action; each may return a changed value or
 * throw (ideally a `DialbookError`) to reject the action with an error the caller sees.
 */
export interface HookFilters {
  /** The normalised contact about to be written (create or update). */
  'contact.beforeSave': { input: ContactInput; existing: ContactDto | null; siteId: string };
  /** What a directory renderer is about to get (members in order, options, query); may drop, reorder or rewrite entries. */
  'directory.beforeRender': { input: DirectoryInput };
}

export type EventName = keyof HookEvents;
export type FilterName = keyof HookFilters;
