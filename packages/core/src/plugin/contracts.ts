import type { Actor } from '../base/actor.js';
import type { Progress } from '../jobs/service.js';
import type { ZodType } from 'zod';
import type { ContactDto } from '../contacts/types.js';

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

/**
 * A contact as a directory renderer sees it: what a phone can show, nothing more
 * (no notes, no history). Plain JSON, so it can travel to a remote vendor service.
 */
export type DirectoryContact = Pick<
  ContactDto,
  'id' | 'displayName' | 'firstName' | 'lastName' | 'organization' | 'department' | 'title' | 'emails' | 'phones' | 'tags' | 'attributes'
>;

/**
 * What a directory renderer is given: the phonebook, its ordered members (last name,
 * first name, organisation, id) after the `directory.beforeRender` filter, the requested
 * variant and query, and this phonebook's options for the vendor. Serialisable JSON:
 * core pushes it over the vendor-service websocket, and the remote service renders it with
 * the same renderer code.
 */
export interface DirectoryInput {
  phonebook: { id: string; name: string; siteId: string; siteName: string };
  /** Renderer id (`yealink`). */
  vendor: string;
  contacts: DirectoryContact[];
  /** The variant asked for in the URL (`phonebook`, `directory`, `local`), or `''` for the renderer's default. */
  variant: string;
  /** Query values from the phone's URL; `q` is a search term (Yealink's `#SEARCH`). */
  params: Record<string, string>;
  /** This phonebook's options for this vendor, validated by the renderer's `options` schema (defaults applied). */
  options: Record<string, unknown>;
  /** When the member list was read (ISO 8601). */
  generatedAt: string;
}

export interface RenderedDirectory {
  /** With charset, e.g. `text/xml; charset=utf-8`. */
  contentType: string;
  body: string | Uint8Array;
}

/** A caller-ID lookup: the number as the phone sent it and the phonebook's members owning it. */
export interface DirectoryLookupInput {
  phonebook: DirectoryInput['phonebook'];
  vendor: string;
  number: string;
  matches: DirectoryContact[];
  options: Record<string, unknown>;
}

/** What the admin pastes into the phone's provisioning, built from the phonebook's URLs. */
export interface DirectoryProvisioningInput {
  phonebook: { id: string; name: string };
  /** Fetch URL with HTTP basic (the phone sends `username` / `password`). */
  url: string;
  /** The same with the credential as a token in the path (`<secret>` stands for it). */
  tokenUrl: string;
  /** Basic-auth user name of the phonebook's newest active credential, if any. */
  username: string | null;
  options: Record<string, unknown>;
}

/** Turns a phonebook into what one vendor's phones read (Yealink XML, Cisco XML, …). */
export interface DirectoryRenderer {
  /** Vendor id used in URLs: `yealink`. */
  id: string;
  label: string;
  /** Variant names accepted in the URL (`/directory/{phonebook}/{vendor}/{variant}`); `lookup` is reserved. */
  variants: string[];
  /**
   * Per-phonebook options (`{ format: 'directory' }`), stored by core and passed in
   * `DirectoryInput.options`. Parsed with defaults on every render; an admin's PUT is validated with it.
   */
  options?: ZodType<Record<string, unknown>>;
  /** Whether `render` filters by `params.q` (server-side search). */
  search?: boolean;
  render(input: DirectoryInput): RenderedDirectory | Promise<RenderedDirectory>;
  /** Render a caller-ID answer; without it core answers `text/plain` with the name. */
  lookup?(input: DirectoryLookupInput): RenderedDirectory;
  /** A provisioning snippet (Yealink `.cfg` lines) for the admin to paste. */
  provisioning?(input: DirectoryProvisioningInput): { contentType: string; text: string };
}

/** Carries out a routing decision on a telephony engine (Asterisk FastAGI). Filled by the routing issue. */
export interface RouteExecutor {
  id: string;
  label: string;
  health?(): Promise<{ ok: boolean; message: string }>;
}

/** What a run of a {@link PluginAction} is given. */
export interface ActionInput {
  actor: Actor;
  /** The site asked for (always set for an action that `syncs` a source, when it concerns any site). */
  siteId?: string;
  /** Progress of the tracked job (actions that `syncs` a source). */
  progress?: Progress;
}

/** What a run of a {@link PluginAction} reports; shown to staff and admins. */
export interface ActionResult {
  ok: boolean;
  message: string;
  data?: unknown;
}

/**
 * A button in the admin UI, run through the API (`POST /api/v1/actions/{id}`, staff and admins).
 *
 * ```ts
 * ctx.actions.register({
 *   id: 'sync',
 *   label: 'Sync now',
 *   description: 'Read the CSV file staff.csv into site "main"',
 *   sites: async () => [(await ctx.sites.findBySlug('main'))?.id].filter((id) => id !== undefined),
 *   syncs: ctx.id,
 *   run: async ({ siteId, progress }) => ({ ok: true, message: summary(await sync(siteId!, progress)) }),
 * });
 * ```
 */
export interface PluginAction {
  id: string;
  label: string;
  /**
   * What the action does, in words for everyone who sees the plugins page — site-limited users
   * included. Name no file path, server address or other site here: such details belong in the
   * result (staff only) or the log.
   */
  description?: string;
  /**
   * Ids of the sites the action concerns (the site a file feeds, the sites a directory is set up
   * for), read in the caller's access scope. A site-limited user is shown the action only when it
   * concerns one of their sites; without `sites` it concerns no site in particular and is shown to
   * every caller. An action that {@link syncs} a source runs for each of these sites when no site is asked for.
   */
  sites?(): readonly string[] | Promise<readonly string[]>;
  /**
   * The id of the contact source this action syncs (usually the plugin's own, `ctx.id`). The core
   * then runs the action as that source's sync job of a site, the job `POST /api/v1/sources/{id}/sync`
   * runs — id `<source>.sync:<site id>`, with its progress at `GET /api/v1/jobs`, refused while the
   * same job runs — once for the site asked for, else once per site of {@link sites}; `run` gets the
   * site and `progress`. With no site at all, `run` is called without one (to say why nothing ran).
   */
  syncs?: string;
  run(input: ActionInput): Promise<ActionResult>;
}

/** A status line for the plugins page. */
export interface HealthCheck {
  id: string;
  label: string;
  check(): Promise<{ ok: boolean; message: string }>;
}
