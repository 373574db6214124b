import type { SyncRequest, SyncResult } from '../plugin/sources.js';
import type { ContactDto } from './types.js';

/** A system contacts come from (LDAP, CSV, a CRM). Only `id` and `label` are required. */
export interface ContactSource {
  id: string;
  label: string;
  /** Bring the source's contacts into the site: create, update, soft-delete what vanished. */
  sync?(request: SyncRequest): Promise<SyncResult>;
  /** Live search in the source (for picking one entry to import). */
  search?(term: string, options: { siteId: string; limit?: number }): Promise<SourceEntry[]>;
  /** Import one entry by the source's identifier. */
  importOne?(externalId: string, request: SyncRequest): Promise<ContactDto>;
  /** Check the connection; the message is shown to an admin. */
  test?(): Promise<{ ok: boolean; message: string }>;
}

export interface SourceEntry {
  externalId: string;
  displayName: string;
  detail?: string;
}
