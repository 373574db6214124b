import type { DirectoryContact } from '../plugin/contracts.js';

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true, ignorePunctuation: false });

/** Sort key parts: a contact without a last name files under its organisation or display name. */
const keys = (c: DirectoryContact): [string, string, string] => [c.lastName ?? c.organization ?? c.displayName, c.firstName ?? '', c.organization ?? ''];

/**
 * Directory order: last name, first name, then organisation, compared case- and
 * accent-insensitively (`Müller` with `Muller`), then by id so the order is the same on
 * every instance and every render (equal names never swap between fetches).
 */
export function compareDirectoryContacts(a: DirectoryContact, b: DirectoryContact): number {
  const ka = keys(a);
  const kb = keys(b);
  for (let i = 0; i < 3; i++) {
    const d = collator.compare(ka[i]!, kb[i]!);
    if (d) return d;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export const orderDirectory = <T extends DirectoryContact>(contacts: T[]): T[] => contacts.sort(compareDirectoryContacts);
