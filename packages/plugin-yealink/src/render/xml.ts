/**
 * XML text for Yealink phones. Every value goes through {@link xmlText}: characters XML 1.0
 * forbids (C0 controls other than tab/newline/return, U+FFFE/U+FFFF, lone surrogates), C1
 * controls and every Unicode non-character (U+FDD0–U+FDEF, and the last two code points of each
 * of the 17 planes: U+FFFE/U+FFFF, U+1FFFE/U+1FFFF … U+10FFFE/U+10FFFF, which XML 1.0 discourages
 * and no phone can show) are dropped, tab/newline/return become a space (a phone shows one line, and in
 * an attribute a parser would turn them into spaces anyway), and `& < > " '` are written as
 * the five predefined entities, never HTML entities. Everything else (umlauts, CJK, emoji)
 * stays as UTF-8.
 *
 * Hand-written rather than an XML builder: it is one pass over a string, runs for every
 * field of 10,000 contacts on a cold render, and is tested exhaustively and fuzzed against a
 * real XML parser.
 */

// Anything that needs work: markup characters, controls, surrogates, non-characters.
/* eslint-disable no-control-regex -- matching control characters is the point */
// (Any surrogate needs work: the non-characters of the planes above the first are surrogate pairs.)
const NEEDS_WORK = /[&<>"'\u0000-\u001F\u007F-\u009F\uD800-\uDFFF\uFDD0-\uFDEF\uFFFE\uFFFF]/;
// With the `u` flag a surrogate range matches lone surrogates only (a pair is one code point);
// after U+FFFE/U+FFFF come U+xFFFE/U+xFFFF of the planes 1 to 16.
const DROP =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF\uFDD0-\uFDEF\uFFFE\uFFFF\u{1FFFE}\u{1FFFF}\u{2FFFE}\u{2FFFF}\u{3FFFE}\u{3FFFF}\u{4FFFE}\u{4FFFF}\u{5FFFE}\u{5FFFF}\u{6FFFE}\u{6FFFF}\u{7FFFE}\u{7FFFF}\u{8FFFE}\u{8FFFF}\u{9FFFE}\u{9FFFF}\u{AFFFE}\u{AFFFF}\u{BFFFE}\u{BFFFF}\u{CFFFE}\u{CFFFF}\u{DFFFE}\u{DFFFF}\u{EFFFE}\u{EFFFF}\u{FFFFE}\u{FFFFF}\u{10FFFE}\u{10FFFF}]/gu;
/* eslint-enable no-control-regex */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Characters a phone can show and XML can carry, one line, trimmed. No escaping. */
export function cleanText(value: string): string {
  if (!NEEDS_WORK.test(value)) return value.trim();
  return value.replace(DROP, '').replace(/[\t\n\r]+/g, ' ').trim();
}

/** Escaped for XML element content and attribute values (quoted with `"`). */
export function xmlText(value: string | null | undefined): string {
  if (!value) return '';
  if (!NEEDS_WORK.test(value)) return value.trim();
  return cleanText(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** `name="value"` with the value escaped. */
export const attr = (name: string, value: string | null | undefined): string => `${name}="${xmlText(value)}"`;

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
export const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';
