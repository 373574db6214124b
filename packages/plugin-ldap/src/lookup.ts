/**
 * Live search in the directory (for picking one entry) and the import of one entry by
 * its DN or identity, through the same per-entry path as the sync (conflicts included).
 */
import { DialbookError, type ContactDto, type SiteDto } from '@dialbook/core';
import { connect, searchSome } from './connection.js';
import type { Filter } from 'ldapts';
import { searchFilter, searchTermProblem, withEquality } from './filter.js';
import { describeEntry, DN_IDENTITY, GUID, guidBytes, mapEntry, nameOf, requestedAttributes } from './mapping.js';
import { PHONE_TYPES, PRESETS, unique } from './presets.js';
import { EntryProcessor, loadSiteIndex, type Ctx } from './processor.js';
import type { ResolvedSettings } from './settings.js';
import type { Store } from './store.js';

export interface SearchHit {
  /** The entry's identity: what `importOne` takes (a DN works too). */
  externalId: string;
  dn: string;
  displayName: string;
  uid: string | null;
  detail: string;
}

export const MAX_SEARCH_RESULTS = 100;

/** Attributes a search term is looked for in: the uid, names and addresses, and every phone attribute. */
export function searchAttributes(s: ResolvedSettings): { text: string[]; phones: string[] } {
  const m = s.effective;
  return {
    text: unique([...m.uid, ...m.displayName, 'cn', ...m.firstName, ...m.lastName, ...m.emails]),
    phones: unique(PHONE_TYPES.flatMap((t) => m.phones[t])),
  };
}

/** Entries matching `term` (escaped: the term can never change the filter's structure). */
export async function searchDirectory(s: ResolvedSettings, plugin: string, term: string, limit = 25): Promise<SearchHit[]> {
  const t = term.trim();
  // Checked here, not only by the route's schema: the contact source's search and actions call this too.
  const problem = t ? searchTermProblem(t) : 'a search needs a term';
  if (problem) throw new DialbookError('DIALBOOK_VALIDATION', `q: ${problem}`, { status: 422, field: 'q', plugin, details: { errors: [{ field: 'q', message: problem }] } });
  const conn = await connect(s, plugin);
  try {
    const entries = await searchSome(conn, {
      base: s.baseDN,
      scope: s.scope,
      filter: searchFilter(s.filter, t, searchAttributes(s)),
      attributes: requestedAttributes(s.effective, s.preset, s.identity),
      limit: Math.min(Math.max(limit, 1), MAX_SEARCH_RESULTS),
    });
    const hits: SearchHit[] = [];
    for (const entry of entries) {
      const mapped = mapEntry(entry, { mapping: s.effective, preset: s.preset, identity: s.identity, namespace: 'ldap' });
      if (!mapped.ok) {
        if (mapped.identity) hits.push({ externalId: mapped.identity, dn: entry.dn, displayName: entry.dn, uid: null, detail: `cannot be imported: ${mapped.problems.join('; ')}` });
        continue;
      }
      hits.push({ externalId: mapped.identity, dn: entry.dn, displayName: nameOf(mapped.contact), uid: mapped.uid, detail: describeEntry(mapped) || entry.dn });
    }
    return hits;
  } finally {
    await conn.close();
  }
}

/** Is this reference a DN (`dn:…`, or anything with `=`) rather than an identity value? */
const dnOf = (ref: string): string | null => (ref.startsWith(DN_IDENTITY) ? ref.slice(DN_IDENTITY.length) : ref.includes('=') ? ref : null);

/** The configured filter AND the entry with this identity value (`objectGUID` compared as bytes). */
export function identityFilter(s: Pick<ResolvedSettings, 'identity' | 'preset' | 'filter'>, value: string): Filter {
  const attrs = s.identity === 'auto' ? PRESETS[s.preset].identity : [s.identity];
  return withEquality(s.filter, attrs.map((attribute) => ({ attribute, value: attribute.toLowerCase() === 'objectguid' && GUID.test(value) ? guidBytes(value) : value })));
}

/**
 * Import (create or update) the contact of one entry, named by DN or identity. The entry
 * must match the configured filter: a sync would otherwise remove it again.
 */
export async function importEntry(ctx: Ctx, store: Store, site: SiteDto, s: ResolvedSettings, ref: string): Promise<{ contact: ContactDto; created: boolean }> {
  const conn = await connect(s, ctx.id);
  const attributes = requestedAttributes(s.effective, s.preset, s.identity);
  const notFound = () =>
    new DialbookError('DIALBOOK_LDAP_ENTRY_NOT_FOUND', `no entry ${ref} under "${s.baseDN}" matches the filter ${s.filter}`, { status: 404, plugin: ctx.id, field: 'dn' });
  let entry;
  try {
    const dn = dnOf(ref);
    if (dn) {
      try {
        [entry] = await searchSome(conn, { base: dn, scope: 'base', filter: s.filter, attributes, limit: 1 });
      } catch (err) {
        if ((err as { details?: { stage?: string } }).details?.stage === 'baseDN') throw notFound();
        throw err;
      }
    } else {
      if (s.identity.toLowerCase() === 'dn') throw notFound();
      [entry] = await searchSome(conn, { base: s.baseDN, scope: s.scope, filter: identityFilter(s, ref), attributes, limit: 1 });
    }
  } finally {
    await conn.close();
  }
  if (!entry) throw notFound();
  const processor = new EntryProcessor(ctx, store, s, site.id, await loadSiteIndex(ctx, site.id), await store.decisions(site.id));
  const outcome = await processor.process(entry);
  switch (outcome.kind) {
    case 'created':
    case 'updated':
    case 'unchanged':
      return { contact: outcome.contact, created: outcome.kind === 'created' };
    case 'held':
      throw new DialbookError('DIALBOOK_LDAP_UID_CONFLICT', `uid "${outcome.conflict.uid}" of ${entry.dn} is already held by "${outcome.conflict.otherName}" (${outcome.conflict.otherSource}); resolve conflict ${outcome.conflict.id} first`, {
        status: 409,
        plugin: ctx.id,
        details: { conflictId: outcome.conflict.id },
      });
    case 'kept':
      throw new DialbookError('DIALBOOK_LDAP_UID_CONFLICT', `${entry.dn} is kept out: an admin chose to keep the other contact with its uid (resolve the conflict again to change that)`, { status: 409, plugin: ctx.id });
    case 'failed':
      throw new DialbookError('DIALBOOK_LDAP_ENTRY_INVALID', `${outcome.dn} cannot be imported: ${outcome.message}`, { status: 422, plugin: ctx.id });
  }
}
