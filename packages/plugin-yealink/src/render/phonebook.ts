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
  // One string built by appending (V8 keeps it as a rope until it is encoded): no array of 10,000 lines to join.
  let xml = `${XML_DECLARATION}\n<YealinkIPPhoneBook>\n`;
  const title = options.title ?? bookName;
  if (title) xml += `<Title>${xmlText(title)}</Title>\n`;
  for (const group of groupContacts(contacts, options, bookName)) {
    let units = '';
    for (const c of group.contacts) {
      const numbers = pickNumbers(c, options, UNIT_NUMBERS);
      if (!numbers.length) continue;
      units += `<Unit Name="${xmlText(displayNameOf(c))}" Phone1="${xmlText(numbers[0]!.number)}" Phone2="${xmlText(numbers[1]?.number)}" Phone3="${xmlText(numbers[2]?.number)}" default_photo="Resource:"/>\n`;
    }
    if (units) xml += `<Menu ${attr('Name', group.name)}>\n${units}</Menu>\n`;
  }
  return `${xml}</YealinkIPPhoneBook>\n`;
}
