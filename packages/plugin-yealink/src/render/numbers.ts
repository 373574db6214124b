import type { DirectoryContact } from '@dialbook/core';
import type { PhoneType, YealinkOptions } from './options.js';
import { cleanText } from './xml.js';

export interface PickedNumber {
  type: PhoneType;
  /** As the phone should dial it (per `numberForm`). */
  number: string;
  /** Label for a `Telephone` element: the stored label, else the type in words. */
  label: string;
}

const TYPE_LABELS: Record<PhoneType, string> = { work: 'Work', mobile: 'Mobile', home: 'Home', fax: 'Fax', pager: 'Pager', other: 'Other' };

/** `030 / 123-45 (6)` → `030123456`; keeps `+`, digits, `*`, `#` and letters such as an `x` extension. */
export const dialable = (number: string): string => number.replace(/[\s()./-]+/g, '');

/** Priority per type for a `numberTypes` list (the parsed options keep one array per render). */
const ranks = new WeakMap<readonly string[], Map<string, number>>();
const rankOf = (types: readonly string[]): Map<string, number> => {
  let rank = ranks.get(types);
  if (!rank) ranks.set(types, (rank = new Map(types.map((t, i) => [t, i]))));
  return rank;
};

/**
 * A contact's numbers in the phonebook's priority order (`numberTypes`; stable within a
 * type), types not listed left out, each number once, in the configured form; a number with
 * nothing printable left after cleaning is left out.
 *
 * `limit`: stop after that many (a `Unit` holds three).
 *
 * Runs for every contact of a cold render (10,000 and more): plain loops, no intermediate arrays.
 */
export function pickNumbers(contact: DirectoryContact, options: Pick<YealinkOptions, 'numberTypes' | 'numberForm'>, limit = Infinity): PickedNumber[] {
  const rank = rankOf(options.numberTypes);
  const phones = contact.phones;
  const listed: { r: number; p: DirectoryContact['phones'][number] }[] = [];
  for (const p of phones) {
    const r = rank.get(p.type);
    if (r !== undefined) listed.push({ r, p });
  }
  // Array.prototype.sort is stable: equal ranks keep the stored order.
  if (listed.length > 1) listed.sort((a, b) => a.r - b.r);
  const out: PickedNumber[] = [];
  for (const { p } of listed) {
    if (out.length >= limit) break;
    const number = cleanText(options.numberForm === 'e164' ? (p.e164 ?? dialable(p.number)) : options.numberForm === 'dialable' ? dialable(p.number) : p.number);
    if (!number || out.some((n) => n.number === number)) continue;
    out.push({ type: p.type as PhoneType, number, label: (p.label ? cleanText(p.label) : '') || TYPE_LABELS[p.type as PhoneType] || p.type });
  }
  return out;
}
