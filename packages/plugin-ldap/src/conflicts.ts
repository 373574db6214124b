/**
 * UID conflicts: an entry whose uid (login name) another contact already holds — another
 * entry of the same directory, or a contact of another source (manual, CSV, another
 * directory) in the same site. The sync holds such an entry back; an admin decides:
 *
 * - `keep`: the other contact stays as it is; this entry is not imported (now and later).
 * - `overwrite`: the directory wins: the other contact takes this entry's data, now and on
 *   every sync. Two entries: the contact moves to this entry, the other entry is kept out.
 *   A contact of another source keeps its source and is never deleted by this plugin.
 * - `link`: (contact of another source only) the contact becomes this entry's: it takes
 *   the entry's data now and on every sync, and is soft-deleted when the entry vanishes.
 */
import { DialbookError, isDialbookError, type Actor, type ContactDto } from '@dialbook/core';
import { writeInto, type Ctx } from './processor.js';
import type { Conflict, Resolution, Store } from './store.js';
import type { ContactFields } from './mapping.js';

export interface ConflictDto {
  id: string;
  siteId: string;
  kind: 'duplicate' | 'other-source';
  uid: string;
  /** The entry that was held back. */
  entry: { identity: string; dn: string; name: string; data: ContactFields };
  /** The contact that already holds the uid. */
  other: { contactId: string; source: string; externalId: string | null; name: string };
  status: 'open' | 'resolved' | 'gone';
  resolution: Resolution | null;
  detectedAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

export const toConflictDto = (c: Conflict): ConflictDto => ({
  id: c.id,
  siteId: c.siteId,
  kind: c.kind as ConflictDto['kind'],
  uid: c.uid,
  entry: { identity: c.identity, dn: c.dn, name: c.name, data: c.entry },
  other: { contactId: c.otherContactId, source: c.otherSource, externalId: c.otherExternalId ?? null, name: c.otherName },
  status: c.status as ConflictDto['status'],
  resolution: (c.resolution as Resolution | null) ?? null,
  detectedAt: c.detectedAt.toISOString(),
  lastSeenAt: c.lastSeenAt.toISOString(),
  resolvedAt: c.resolvedAt ? c.resolvedAt.toISOString() : null,
  resolvedBy: c.resolvedBy ?? null,
});

const actorLabel = (a: Actor): string => a.name ?? `${a.type}:${a.id}`;

/** Apply an admin's decision. Returns the conflict as it now is and the contact written (if any). */
export async function resolveConflict(ctx: Ctx, store: Store, id: string, action: Resolution, actor: Actor): Promise<{ conflict: ConflictDto; contact: ContactDto | null }> {
  const c = await store.conflict(id);
  if (!c) throw new DialbookError('DIALBOOK_NOT_FOUND', `conflict ${id} does not exist`, { status: 404, plugin: ctx.id, details: { id } });
  if (c.status === 'gone') {
    throw new DialbookError('DIALBOOK_LDAP_CONFLICT_GONE', `conflict ${id} no longer applies (the entry or the other contact is gone)`, { status: 409, plugin: ctx.id });
  }
  if (action === 'link' && c.kind === 'duplicate') {
    throw new DialbookError('DIALBOOK_LDAP_CONFLICT_LINK', `two directory entries claim uid "${c.uid}": choose keep (the contact stays with its entry) or overwrite (it moves to this entry); link is for a contact of another source`, { status: 422, field: 'action', plugin: ctx.id });
  }
  const who = actorLabel(actor);
  if (action === 'keep') {
    await store.setStatus(c.id, { status: 'resolved', resolution: 'keep', resolvedBy: who });
    return { conflict: toConflictDto((await store.conflict(id))!), contact: null };
  }

  let other: ContactDto;
  try {
    other = await ctx.contacts.get(c.otherContactId);
  } catch (err) {
    if (isDialbookError(err) && err.status === 404) {
      await store.setStatus(c.id, { status: 'gone' });
      throw new DialbookError('DIALBOOK_LDAP_CONFLICT_GONE', `the contact holding uid "${c.uid}" no longer exists; the entry is imported on the next sync`, { status: 409, plugin: ctx.id });
    }
    throw err;
  }
  if (other.deleted) other = await ctx.contacts.restore(other.id, ctx.actor);

  let written: ContactDto;
  if (c.kind === 'duplicate') {
    // The contact moves from its entry to this one; its old entry is kept out from now on.
    const before = other;
    written = await writeInto(ctx, other, c.entry, c.identity);
    if (before.externalId && before.externalId !== c.identity) {
      const prevDn = before.attributes[ctx.plugin]?.dn;
      const { conflict: kept } = await store.raise({
        siteId: c.siteId,
        kind: 'duplicate',
        uid: c.uid,
        identity: before.externalId,
        dn: typeof prevDn === 'string' ? prevDn : '',
        name: before.displayName,
        entry: { firstName: before.firstName, lastName: before.lastName, displayName: before.displayName, organization: before.organization, department: before.department, title: before.title, emails: before.emails, phones: before.phones.map((p) => ({ type: p.type, number: p.number, label: p.label })) },
        other: { id: written.id, source: ctx.id, externalId: c.identity, name: written.displayName },
      });
      await store.setStatus(kept.id, { status: 'resolved', resolution: 'keep', resolvedBy: who });
    }
  } else {
    written = await writeInto(ctx, other, c.entry);
  }
  await ctx.hooks.emit('contact.synced', { contact: written, source: ctx.id, created: false });
  await store.setStatus(c.id, { status: 'resolved', resolution: action, resolvedBy: who });
  return { conflict: toConflictDto((await store.conflict(id))!), contact: written };
}
