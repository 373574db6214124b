import type { z } from 'zod';
import { DialbookError } from '../base/errors.js';
import { autoDisplayName } from './mapping.js';
import type { ContactCreate, ContactCreateSchema, ContactInput, ContactUpdate, ContactUpdateSchema } from './types.js';

/** A validated create body (defaults applied). */
export type ParsedCreate = z.output<typeof ContactCreateSchema>;
/** A validated patch: fields left out are `undefined`, `null` clears one. */
export type ParsedPatch = z.output<typeof ContactUpdateSchema>;
/** What a source sends for one entry: a create body without the keys the source owns. */
export type SourceBody = Omit<ContactCreate, 'siteId' | 'source' | 'externalId'>;

const NO_NAME = 'a contact needs a first name, last name, display name or organisation';

/** An empty contact of `source`: what a new contact is merged over. */
const blank = (source: string): ContactInput => ({ firstName: null, lastName: null, displayName: null, organization: null, department: null, title: null, emails: [], phones: [], tags: [], notes: null, source, externalId: null, attributes: {} });

/** A new contact's input: the create body merged over an empty contact of its source. */
export const normalise = (p: ParsedCreate): ContactInput => merge(blank(p.source), p);

/**
 * `patch` over `before`. A display name that equals the names (`first last`) follows them:
 * left out of the patch, it is rebuilt from the new names. In an edit, a display name sent back
 * unchanged and equal to the old names counts as following them too (a form resends every field).
 * From a source (`fromSource`), a display name sent is always explicit — it is what the source
 * maps, e.g. an LDAP entry's `cn` — so a changed surname never replaces it with `first last`, and
 * the next sync of the same entry finds nothing to change.
 */
export function merge(before: ContactInput, patch: ParsedPatch, options: { fromSource?: boolean } = {}): ContactInput {
  const next: ContactInput = { ...before };
  const set = <K extends keyof ContactInput>(k: K, v: ContactInput[K]) => {
    next[k] = v;
  };
  for (const key of ['firstName', 'lastName', 'organization', 'department', 'title', 'notes', 'externalId'] as const) {
    if (key in patch && patch[key] !== undefined) set(key, patch[key] || null);
  }
  if (patch.emails) set('emails', patch.emails.map((e) => e.toLowerCase()));
  if (patch.phones) set('phones', patch.phones.map((ph) => ({ type: ph.type, number: ph.number, label: ph.label || null })));
  if (patch.tags) set('tags', [...new Set(patch.tags)]);
  if (patch.attributes) set('attributes', patch.attributes);
  const previousAuto = autoDisplayName(before);
  const sent = 'displayName' in patch && patch.displayName !== undefined;
  if (sent) next.displayName = patch.displayName || null;
  else if (before.displayName === previousAuto) next.displayName = null; // keep following the names
  return withDisplayName(next, sent && options.fromSource ? undefined : previousAuto);
}

/** The display name: an explicit one (not the old automatic one), else built from the names; 422 when there is none. */
function withDisplayName(input: ContactInput, previousAuto?: string): ContactInput {
  const auto = autoDisplayName(input);
  const explicit = input.displayName && input.displayName !== previousAuto ? input.displayName : null;
  const displayName = explicit || auto;
  if (!displayName) {
    throw new DialbookError('DIALBOOK_VALIDATION', NO_NAME, { status: 422, field: 'displayName', details: { errors: [{ field: 'displayName', message: NO_NAME }] } });
  }
  return { ...input, displayName };
}

/**
 * A source's entry as a patch of the contact it owns. Fields the source does not send stay as
 * they are (tags an admin added survive a sync); attribute namespaces the source sends replace
 * only themselves.
 */
export function sourcePatch(body: SourceBody, stored: ContactInput['attributes'] | null | undefined): ContactUpdate {
  const { attributes, ...rest } = body;
  const patch = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as ContactUpdate;
  if (attributes) patch.attributes = { ...(stored ?? {}), ...attributes };
  return patch;
}
