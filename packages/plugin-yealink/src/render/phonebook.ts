import type { DirectoryContact } from '@dialbook/core';
import { displayNameOf, groupContacts } from './groups.js';
import { pickNumbers } from './numbers.js';
import type { YealinkOptions } from './options.js';
import { attr, xmlText, XML_DECLARATION } from './xml.js';

/** Numbers a `Unit` can hold: `Phone1`, `Phone2`, `Phone3`. */
export const UNIT_NUMBERS = 3;

/**
 * `YealinkIPPhoneBook`: an optional `Title`, one `Menu Name=…` per group, one
 * `Unit Name=… Phone1=… Phone2=… Phone3=…` per contact holding its first three numbers in
 * the configured priority. Contacts without a number the options allow are left out (a
 * phone cannot dial them). Works on desk phones and on Yealink DECT (W5x/W6x/W7x).
 */
export function renderPhoneBook(contacts: readonly DirectoryContact[], options: YealinkOptions, bookName: string): string {
  const out: string[] = [XML_DECLARATION, '<YealinkIPPhoneBook>'];
  const title = options.title ?? bookName;
  if (title) out.push(`<Title>${xmlText(title)}</Title>`);
  for (const group of groupContacts(contacts, options, bookName)) {
    const units: string[] = [];
    for (const c of group.contacts) {
      const numbers = pickNumbers(c, options).slice(0, UNIT_NUMBERS);
      if (!numbers.length) continue;
      let unit = `<Unit ${attr('Name', displayNameOf(c))}`;
      for (let i = 0; i < UNIT_NUMBERS; i++) unit += ` ${attr(`Phone${i + 1}`, numbers[i]?.number ?? '')}`;
      units.push(`${unit} default_photo="Resource:"/>`);
    }
    if (units.length) out.push(`<Menu ${attr('Name', group.name)}>`, ...units, '</Menu>');
  }
  out.push('</YealinkIPPhoneBook>', '');
  return out.join('\n');
}
