import { fold, type DirectoryContact } from '@dialbook/core';

const digitsOf = (s: string): string => s.replace(/\D+/g, '');

/**
 * Server-side search for Yealink's `#SEARCH` URLs: every word of the term must occur in the
 * contact's names, organisation or department (folded as the core's search folds: `muller` finds
 * `Müller`, `weiss` finds `Weiß`, `soren` finds `Søren`), or the term's digits in one of its numbers (as written or
 * in E.164, so `030 123` and `+4930123` both find `030 1234567`). Order is kept.
 */
export function searchContacts(contacts: readonly DirectoryContact[], term: string): DirectoryContact[] {
  const folded = fold(term);
  const words = folded.split(/\s+/).filter(Boolean);
  if (!words.length) return [...contacts];
  const digits = digitsOf(folded);
  // Folded: an en dash between the digits (`030 555–0199`) is a separator like a hyphen.
  const numeric = digits.length >= 2 && /^[\d\s+()./-]+$/.test(folded.trim());
  const national = numeric && digits.startsWith('0') ? digits.slice(1) : null;
  return contacts.filter((c) => {
    if (numeric) {
      return c.phones.some((p) => {
        const written = digitsOf(p.number);
        const e164 = p.e164 ? digitsOf(p.e164) : '';
        return written.includes(digits) || e164.includes(digits) || (national !== null && e164.includes(national));
      });
    }
    const hay = fold([c.displayName, c.firstName, c.lastName, c.organization, c.department].filter(Boolean).join(' '));
    return words.every((w) => hay.includes(w));
  });
}
