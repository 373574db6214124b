import type { ZodType } from 'zod';
import type { ContactDto } from '../contacts/types.js';

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
