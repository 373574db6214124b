import type { DirectoryContact } from '@dialbook/core';
import type { YealinkOptions } from './options.js';
import { cleanText } from './xml.js';

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/**
 * Contacts grouped into menus (by department, organisation or not at all), menus in name
 * order with the catch-all group last; contacts keep the directory order core gave them.
 * Names that only differ in case or accents share one menu (the first spelling wins).
 */
export function groupContacts(contacts: readonly DirectoryContact[], options: Pick<YealinkOptions, 'groupBy' | 'otherGroup'>, bookName: string): { name: string; contacts: DirectoryContact[] }[] {
  if (options.groupBy === 'none') return [{ name: cleanText(bookName) || options.otherGroup, contacts: [...contacts] }];
  const groups = new Map<string, { name: string; contacts: DirectoryContact[] }>();
  // Stored spelling → its group: a book has far fewer departments than contacts, so each is cleaned and folded once.
  const byValue = new Map<string, { name: string; contacts: DirectoryContact[] } | null>();
  const other: DirectoryContact[] = [];
  for (const c of contacts) {
    const value = (options.groupBy === 'department' ? c.department : c.organization) ?? '';
    let g = byValue.get(value);
    if (g === undefined) {
      const raw = cleanText(value);
      if (raw) {
        const key = raw.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
        g = groups.get(key);
        if (!g) groups.set(key, (g = { name: raw, contacts: [] }));
      } else g = null;
      byValue.set(value, g);
    }
    if (g) g.contacts.push(c);
    else other.push(c);
  }
  const sorted = [...groups.values()].sort((a, b) => collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (other.length) {
    const clash = sorted.find((g) => collator.compare(g.name, options.otherGroup) === 0);
    if (clash) clash.contacts.push(...other);
    else sorted.push({ name: options.otherGroup, contacts: other });
  }
  return sorted;
}

/** The name a phone shows: the contact's display name, or its first number when nothing printable is left. */
export const displayNameOf = (c: DirectoryContact): string => cleanText(c.displayName) || cleanText(c.organization ?? '') || cleanText(c.phones[0]?.number ?? '') || '?';
