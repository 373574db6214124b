/**
 * XML text for Yealink phones. Every value goes through {@link xmlText}: characters XML 1.0
 * forbids (C0 controls other than tab/newline/return, U+FFFE/U+FFFF, lone surrogates) and
 * C1 controls are dropped, tab/newline/return become a space (a phone shows one line, and in
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
const NEEDS_WORK = /[&<>"'\u0000-\u001F\u007F-\u009F\uD800-\uDFFF\uFFFE\uFFFF]/;
const DROP = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
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
