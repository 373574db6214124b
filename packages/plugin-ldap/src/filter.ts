/**
 * LDAP search filters (RFC 4515), built from pieces that are always escaped.
 * Pure functions: no I/O. Nothing a person types ever reaches a filter unescaped.
 */
import { AndFilter, EqualityFilter, FilterParser, OrFilter, type Filter } from 'ldapts';

const HEX = '0123456789abcdef';

/**
 * Escape a value for use inside a filter (RFC 4515 §3): `*`, `(`, `)`, `\` and NUL become
 * `\2a`, `\28`, `\29`, `\5c`, `\00`. Other characters (umlauts included) stay as they are,
 * which RFC 4515 allows (UTF-8). Bytes (a binary `objectGUID`) are escaped one by one.
 *
 * ```ts
 * escapeFilterValue('a*)(uid=*') // 'a\2a\29\28uid=\2a'
 * ```
 */
export function escapeFilterValue(value: string | Uint8Array): string {
  if (typeof value !== 'string') {
    let out = '';
    for (const byte of value) out += `\\${HEX[byte >> 4]}${HEX[byte & 15]}`;
    return out;
  }
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Characters no search term holds: control characters (C0, DEL, C1) and lone surrogates. They are
 * refused rather than escaped: escaping keeps the filter's structure, but OpenLDAP's substring match
 * on `mail` stops at a NUL, so `(mail=*\00*)` would match every entry.
 */
export const SEARCH_TERM_FORBIDDEN = /[\p{Cc}\p{Cs}]/u;

/** Why a search term cannot be searched for, naming the first forbidden character, or null when it can. */
export function searchTermProblem(term: string): string | null {
  const hit = SEARCH_TERM_FORBIDDEN.exec(term);
  if (!hit) return null;
  const cp = hit[0].codePointAt(0)!;
  return `a search term cannot hold control characters (found U+${cp.toString(16).toUpperCase().padStart(4, '0')} at position ${[...term.slice(0, hit.index)].length + 1})`;
}

/** An attribute description as a filter may name it: a name (with options) or an OID. */
export const ATTRIBUTE_NAME = /^(?:[A-Za-z][A-Za-z0-9-]{0,127}(?:;[A-Za-z0-9-]+)*|\d+(?:\.\d+)+)$/;

function attribute(name: string): string {
  if (!ATTRIBUTE_NAME.test(name)) throw new TypeError(`"${name}" is not an LDAP attribute name`);
  return name;
}

/** `(attr=value)` with the value escaped. */
export const equals = (attr: string, value: string | Uint8Array): string => `(${attribute(attr)}=${escapeFilterValue(value)})`;

/** `(attr>=value)` with the value escaped. */
export const atLeast = (attr: string, value: string): string => `(${attribute(attr)}>=${escapeFilterValue(value)})`;

/** `(attr=*a*b*)`: every part escaped, wildcards only between them. */
export const contains = (attr: string, ...parts: string[]): string => `(${attribute(attr)}=*${parts.map((p) => escapeFilterValue(p)).join('*')}*)`;

/** A filter as an admin typed it, with the outer parentheses added when missing (`objectClass=person`). */
export function normaliseFilter(filter: string): string {
  const f = filter.trim();
  return f.startsWith('(') ? f : `(${f})`;
}

/** Why a filter cannot be parsed, or null when it can. */
export function filterProblem(filter: string): string | null {
  const f = filter.trim();
  if (!f) return 'the filter is empty';
  // ldapts forgives a missing closing parenthesis; the server would not.
  let depth = 0;
  const n = normaliseFilter(f);
  for (let i = 0; i < n.length; i++) {
    if (n[i] === '\\') i++;
    else if (n[i] === '(') depth++;
    else if (n[i] === ')' && --depth < 0) return `unbalanced parentheses: a ")" without "(" at position ${i + 1}`;
  }
  if (depth > 0) return `unbalanced parentheses: ${depth} "(" not closed`;
  try {
    FilterParser.parseString(normaliseFilter(f));
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** `(&a b …)` of the non-empty filters; one filter is returned as it is. */
export function and(...filters: (string | null | undefined)[]): string {
  const parts = filters.filter((f): f is string => !!f).map(normaliseFilter);
  if (parts.length === 1) return parts[0]!;
  return `(&${parts.join('')})`;
}

/** `(|a b …)`; one filter is returned as it is. */
export function or(...filters: string[]): string {
  return filters.length === 1 ? filters[0]! : `(|${filters.join('')})`;
}

/**
 * Ways a phone number may be written in the directory for a typed term:
 * `030 123-45` is also looked for as `30*123*45` (any separators, any country prefix).
 * Returns the parts to put between wildcards, or null when the term is not a number.
 */
export function numberParts(term: string): string[] | null {
  if (!/^[+0-9 ()./-]+$/.test(term) || !/\d{2}/.test(term)) return null;
  const groups = term.match(/\d+/g) ?? [];
  if (groups[0]?.startsWith('0') && groups[0].length > 1) groups[0] = groups[0].replace(/^0+/, '');
  const parts = groups.filter(Boolean);
  return parts.length ? parts : null;
}

export interface SearchAttributes {
  /** Attributes a name or login is looked for in (`uid`, `cn`, `mail`, …). */
  text: string[];
  /** Attributes holding phone numbers. */
  phones: string[];
}

/**
 * The filter of a live search: the configured filter AND any of the text attributes
 * containing the term, or any phone attribute containing its digits.
 *
 * ```ts
 * searchFilter('(objectClass=inetOrgPerson)', 'müller', { text: ['uid', 'cn', 'mail'], phones: ['telephoneNumber'] })
 * // (&(objectClass=inetOrgPerson)(|(uid=*müller*)(cn=*müller*)(mail=*müller*)(telephoneNumber=*müller*)))
 * ```
 */
export function searchFilter(base: string, term: string, attrs: SearchAttributes): string {
  const t = term.trim();
  if (!t) throw new TypeError('a search needs a term');
  const problem = searchTermProblem(t);
  if (problem) throw new TypeError(problem);
  const alternatives = [...attrs.text, ...attrs.phones].map((a) => contains(a, t));
  const digits = numberParts(t);
  if (digits && digits.join('') !== t) for (const a of attrs.phones) alternatives.push(contains(a, ...digits));
  return and(base, or(...[...new Set(alternatives)]));
}

/**
 * Hex escapes of UTF-8 text (`M\c3\bcller`) written as the characters they stand for (`Müller`).
 * ldapts reads each escaped byte as a character of its own and would send `MÃ¼ller`; written
 * out, the text goes over the wire as the UTF-8 it was. Escapes that are not UTF-8 stay.
 */
export function decodeUtf8Escapes(filter: string): string {
  return filter.replace(/(?:\\[89a-fA-F][0-9a-fA-F])+/g, (run) => {
    const bytes = Buffer.from(run.replace(/\\/g, ''), 'hex');
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return run;
    }
  });
}

/**
 * `(&<filter>(|(a1=v)(a2=v)…))` as ldapts filter objects, so a binary value (an objectGUID's
 * bytes) reaches the server as the bytes it is: string filters cannot carry bytes through ldapts.
 */
export function withEquality(filter: string, alternatives: { attribute: string; value: string | Buffer }[]): Filter {
  const any = alternatives.map((a) => new EqualityFilter({ attribute: a.attribute, value: a.value }));
  return new AndFilter({ filters: [FilterParser.parseString(decodeUtf8Escapes(normaliseFilter(filter))), any.length === 1 ? any[0]! : new OrFilter({ filters: any })] });
}
