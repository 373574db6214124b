/**
 * What the enrichment writes for one contact: the `cucm` attributes (user id, owned phones with
 * MAC, model, lines and registration status, and when the phones last changed) and the PIN
 * secret. Unchanged phones keep their `phonesUpdatedAt`, so a sync that finds nothing new writes
 * nothing (no History row, no new version). Pure.
 */
import type { ContactDto, EnrichOutcome } from '@dialbook/core';
import type { OwnedPhone } from './axl/types.js';
import { PIN_KEY } from './pin.js';
import type { Registration } from './risport/mapping.js';

/** A phone as kept in the contact's attributes (`cucm.phones`). */
export interface StoredPhone {
  name: string;
  /** `00:1A:2B:3C:4D:5E` for SEP devices, else null. */
  mac: string | null;
  model: string | null;
  lines: { dn: string; partition: string | null }[];
  /** RisPort's status when the phones were read (`Registered`, `UnRegistered`, …; `Not registered` when RisPort does not know the phone); absent with RisPort off. */
  status?: string;
}

export function storedPhones(owned: readonly OwnedPhone[], registrations: ReadonlyMap<string, Registration> | null): StoredPhone[] {
  return owned.map((p) => ({
    name: p.name,
    mac: p.mac,
    model: p.model,
    lines: p.lines.map((l) => ({ dn: l.dn, partition: l.partition })),
    ...(registrations ? { status: registrations.get(p.name.toUpperCase())?.status ?? 'Not registered' } : {}),
  }));
}

/** JSON with object keys sorted (PostgreSQL's jsonb does not keep key order). */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export interface Found {
  /** The contact's CUCM user id (null: none). */
  userId: string | null;
  /** Their phones; null when they were not looked up (no user id). */
  phones: StoredPhone[] | null;
  /** The FAC code; null when CUCM has none for them (the stored PIN then stays); undefined when not looked up (no FAC name). */
  pin: string | null | undefined;
}

/** The outcome for a contact, or null when nothing is to change. */
export function outcomeFor(contact: Pick<ContactDto, 'id' | 'attributes'>, found: Found, now: Date): EnrichOutcome | null {
  const before = contact.attributes.cucm ?? {};
  // A PIN CUCM has is written; one CUCM has not (any more) is left as it is: it may have been entered by
  // hand or imported from a CSV, and nothing a person entered is dropped silently.
  const secrets = found.pin ? { [PIN_KEY]: found.pin } : undefined;
  let cucm: Record<string, unknown> | undefined;
  if (found.userId === null || found.phones === null) {
    // No user id any more: the phones read for the old one go.
    if (before.userId !== undefined || before.phones !== undefined) cucm = { userId: null, phones: null, phonesUpdatedAt: null };
  } else {
    const same = before.userId === found.userId && stableJson(before.phones) === stableJson(found.phones);
    cucm = same ? { userId: found.userId } : { userId: found.userId, phones: found.phones, phonesUpdatedAt: now.toISOString() };
  }
  if (!cucm && !secrets) return null;
  return { contactId: contact.id, ...(cucm ? { attributes: { cucm } } : {}), ...(secrets ? { secrets } : {}) };
}
