/**
 * The CSV upload of MACs and PINs (`username, mac, pin`), on core's generic attribute import:
 * rows match contacts by the configured CUCM user id attribute (or externalId), `mac` goes to the
 * attribute `cucm.mac` as a device name (`SEP` + 12 hex digits), `pin` to the secret `cucm.pin`.
 * Core previews (matched, unmatched, changed, unchanged, malformed — never a PIN) and applies with
 * History. The cell parsers are pure.
 */
import type { AttributeImport, ImportMatch } from '@dialbook/core';
import { parseMac } from './mac.js';
import { PIN_KEY } from './pin.js';

/** `00:1a:2b:3c:4d:5e`, `001a.2b3c.4d5e`, `SEP001A2B3C4D5E` → `SEP001A2B3C4D5E`; throws a readable error. */
export function parseMacCell(raw: string): string {
  const r = parseMac(raw);
  if (!r.ok) throw new Error(`not a MAC address: ${r.problem}`);
  return `SEP${r.hex}`;
}

/** 1–16 digits, as CUCM allows for a forced authorization code; throws a readable error (never echoing the cell). */
export function parsePinCell(raw: string): string {
  const pin = raw.trim();
  if (!/^\d+$/.test(pin)) return fail('a PIN has digits only (0-9)');
  if (pin.length > 16) return fail(`a PIN has at most 16 digits (this one has ${pin.length})`);
  return pin;
}

const fail = (why: string): never => {
  throw new Error(why);
};

/** The match rule of a site: the configured user id attribute, or externalId. */
export const matchFor = (userIdAttribute: string): ImportMatch => (userIdAttribute === 'externalId' ? 'externalId' : { attribute: userIdAttribute });

export function phonesPinsImport(id: string, userIdAttributeOf: (siteId: string) => Promise<string>): AttributeImport {
  return {
    id,
    label: 'CUCM: MACs and PINs',
    description: 'Rows of username, mac, pin: the desk phone (MAC in any written form) and the PIN of each person, matched by their CUCM user id.',
    match: { column: 'username', by: async (siteId) => matchFor(await userIdAttributeOf(siteId)) },
    columns: [
      { name: 'mac', label: 'MAC address', target: 'cucm.mac', parse: parseMacCell },
      { name: 'pin', label: 'PIN', target: PIN_KEY, secret: true, parse: parsePinCell },
    ],
  };
}
