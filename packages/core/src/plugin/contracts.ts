import type { Actor } from '../domain/actor.js';
import type { ContactDto } from '../domain/contact-types.js';

/** Counts a sync reports; also the payload of `sync.finished`. */
export interface SyncResult {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
}

export interface SyncRequest {
  siteId: string;
  actor: Actor;
  signal?: AbortSignal;
  /** Progress as it runs (`done` of `total` when the total is known). */
  progress?(done: number, total?: number): void;
}

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

/** A raw call as a call source reports it (Teams, Placetel, Asterisk CDR). Filled by the calls issue. */
export interface CallSource {
  id: string;
  label: string;
  sync?(request: SyncRequest): Promise<SyncResult>;
}

/** What a directory renderer is given: the phonebook and its ordered, filtered members. */
export interface DirectoryInput {
  phonebook: { id: string; name: string; siteId: string };
  contacts: ContactDto[];
  /** Renderer-specific variant (`phonebook`, `directory`, `search`), and query values such as a search term. */
  variant: string;
  params: Record<string, string>;
}

export interface RenderedDirectory {
  contentType: string;
  body: string | Uint8Array;
}

/** Turns a phonebook into what one vendor's phones read (Yealink XML, Cisco XML, …). */
export interface DirectoryRenderer {
  /** Vendor id used in URLs: `yealink`. */
  id: string;
  label: string;
  variants: string[];
  render(input: DirectoryInput): RenderedDirectory | Promise<RenderedDirectory>;
}

/** Carries out a routing decision on a telephony engine (Asterisk FastAGI). Filled by the routing issue. */
export interface RouteExecutor {
  id: string;
  label: string;
  health?(): Promise<{ ok: boolean; message: string }>;
}

/** A button in the admin UI, run through the API. */
export interface PluginAction {
  id: string;
  label: string;
  description?: string;
  run(input: { actor: Actor; siteId?: string }): Promise<{ ok: boolean; message: string; data?: unknown }>;
}

/** A status line for the plugins page. */
export interface HealthCheck {
  id: string;
  label: string;
  check(): Promise<{ ok: boolean; message: string }>;
}
