import type { DirectoryContact } from '@dialbook/core';
import { displayNameOf } from './groups.js';
import { pickNumbers } from './numbers.js';
import type { YealinkOptions } from './options.js';
import { attr, xmlText, XML_DECLARATION } from './xml.js';

/**
 * `YealinkIPPhoneDirectory`: a flat list of `DirectoryEntry` with `Name` and one
 * `Telephone label=…` per number (any number of them, in the configured priority).
 * Desk phones show the labels; DECT handsets ignore them.
 */
export function renderDirectory(contacts: readonly DirectoryContact[], options: YealinkOptions): string {
  let xml = `${XML_DECLARATION}\n<YealinkIPPhoneDirectory>\n`;
  for (const c of contacts) {
    const numbers = pickNumbers(c, options);
    if (!numbers.length) continue;
    xml += `<DirectoryEntry>\n<Name>${xmlText(displayNameOf(c))}</Name>\n`;
    for (const n of numbers) xml += `<Telephone ${attr('label', n.label)}>${xmlText(n.number)}</Telephone>\n`;
    xml += '</DirectoryEntry>\n';
  }
  return `${xml}</YealinkIPPhoneDirectory>\n`;
}
