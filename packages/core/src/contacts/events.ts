import type { Actor } from '../base/actor.js';
import type { ContactDto, ContactInput, FieldChange } from './types.js';

declare module '../hooks/types.js' {
  interface HookEvents {
    'contact.created': { contact: ContactDto; actor: Actor };
    'contact.updated': { contact: ContactDto; changes: FieldChange[]; actor: Actor };
    /** `permanent: false` is a soft delete (restorable); `true` removed the row and its history. */
    'contact.deleted': { contact: ContactDto; permanent: boolean; actor: Actor };
    'contact.restored': { contact: ContactDto; actor: Actor };
    /** A contact a source (LDAP, CSV, …) created or updated during a sync; enrichers listen here. */
    'contact.synced': { contact: ContactDto; source: string; created: boolean };
    /**
     * Anything that can change what a phonebook renders: membership, a member's data, its filter.
     * Declared here, with the lowest area whose changes show in phonebooks (a contact's data).
     */
    'phonebook.changed': { phonebookId: string | null; siteId: string; reason: string };
    'sync.finished': { source: string; siteId: string; created: number; updated: number; deleted: number; unchanged: number; failed: number };
  }
  interface HookFilters {
    /** The normalised contact about to be written (create or update). */
    'contact.beforeSave': { input: ContactInput; existing: ContactDto | null; siteId: string };
  }
}
