import type { DirectoryContact } from './contracts.js';

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true, ignorePunctuation: false });
const compare = collator.compare;

/** Sort key parts: a contact without a last name files under its organisation or display name. */
const first = (c: DirectoryContact): string => c.lastName ?? c.organization ?? c.displayName;

/**
 * Directory order: last name, first name, then organisation, compared case- and
 * accent-insensitively (`Müller` with `Muller`), then by id so the order is the same on
 * every instance and every render (equal names never swap between fetches).
 */
export function compareDirectoryContacts(a: DirectoryContact, b: DirectoryContact): number {
  return (
    compareKeys(first(a), first(b)) ||
    compareKeys(a.firstName ?? '', b.firstName ?? '') ||
    compareKeys(a.organization ?? '', b.organization ?? '') ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Equal strings (the common case between neighbours) skip the collator. */
const compareKeys = (x: string, y: string): number => (x === y ? 0 : compare(x, y));

/**
 * Sort in directory order, in place. The keys are read once per contact rather than per
 * comparison; input that is already nearly in order (members come in stored sort-name
 * order) costs about one comparison per contact.
 */
export function orderDirectory<T extends DirectoryContact>(contacts: T[]): T[] {
  const keyed = contacts.map((c) => ({ c, k0: first(c), k1: c.firstName ?? '', k2: c.organization ?? '', id: c.id }));
  keyed.sort((a, b) => compareKeys(a.k0, b.k0) || compareKeys(a.k1, b.k1) || compareKeys(a.k2, b.k2) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 0; i < keyed.length; i++) contacts[i] = keyed[i]!.c;
  return contacts;
}
