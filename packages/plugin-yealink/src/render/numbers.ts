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

/**
 * A contact's numbers in the phonebook's priority order (`numberTypes`; stable within a
 * type), types not listed left out, each number once, in the configured form; a number with
 * nothing printable left after cleaning is left out.
 */
export function pickNumbers(contact: DirectoryContact, options: Pick<YealinkOptions, 'numberTypes' | 'numberForm'>): PickedNumber[] {
  const rank = new Map<string, number>(options.numberTypes.map((t, i) => [t, i]));
  const seen = new Set<string>();
  return contact.phones
    .map((p, i) => ({ p, i, r: rank.get(p.type) }))
    .filter((x): x is typeof x & { r: number } => x.r !== undefined)
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map(({ p }) => {
      const number = cleanText(options.numberForm === 'e164' ? (p.e164 ?? dialable(p.number)) : options.numberForm === 'dialable' ? dialable(p.number) : p.number);
      return { type: p.type as PhoneType, number, label: cleanText(p.label ?? '') || TYPE_LABELS[p.type as PhoneType] || p.type };
    })
    .filter((n) => n.number && !seen.has(n.number) && seen.add(n.number));
}
