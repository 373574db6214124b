/**
 * LDIF (RFC 2849) and DN (RFC 4514) helpers for the test directory.
 *
 * Values that are not a SAFE-STRING — anything outside ASCII (UTF-8 names), a leading space,
 * colon or '<', a trailing space, NUL/CR/LF — and all binary values are written base64-encoded
 * with `::`, as RFC 2849 requires. Lines are folded at 76 characters.
 */

/** A value: text (written as UTF-8) or raw bytes (written base64, e.g. objectGUID). */
export type LdifValue = string | Uint8Array;

export interface LdifEntry {
  dn: string;
  /** Attribute name → value(s), in the order they are written. `objectClass` goes here too. */
  attributes: Record<string, LdifValue | readonly LdifValue[]>;
}

// SAFE-INIT-CHAR excludes NUL, LF, CR, space, ':' and '<'; SAFE-CHAR excludes NUL, LF, CR; both ASCII only.
// eslint-disable-next-line no-control-regex
const SAFE_STRING = /^(?:[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*)?$/;

/** Whether a string value must be base64-encoded in LDIF. */
export function needsBase64(value: string): boolean {
  return !SAFE_STRING.test(value) || value.endsWith(' ');
}

const fold = (line: string): string => {
  if (line.length <= 76) return line;
  const parts = [line.slice(0, 76)];
  for (let i = 76; i < line.length; i += 75) parts.push(` ${line.slice(i, i + 75)}`);
  return parts.join('\n');
};

/** One `attr: value` / `attr:: base64` line (folded). */
export function ldifLine(attr: string, value: LdifValue): string {
  if (typeof value !== 'string') return fold(`${attr}:: ${Buffer.from(value).toString('base64')}`);
  if (needsBase64(value)) return fold(`${attr}:: ${Buffer.from(value, 'utf8').toString('base64')}`);
  return fold(`${attr}: ${value}`);
}

export const valuesOf = (v: LdifValue | readonly LdifValue[] | undefined): LdifValue[] =>
  v === undefined ? [] : Array.isArray(v) ? [...(v as readonly LdifValue[])] : [v as LdifValue];

/** The attribute lines of an entry (no dn). */
export function attributeLines(attributes: LdifEntry['attributes']): string[] {
  const lines: string[] = [];
  for (const [name, v] of Object.entries(attributes)) for (const value of valuesOf(v)) lines.push(ldifLine(name, value));
  return lines;
}

/** Content records (for slapadd / ldapadd), separated by blank lines. */
export function toLdif(entries: readonly LdifEntry[]): string {
  return entries.map((e) => [ldifLine('dn', e.dn), ...attributeLines(e.attributes)].join('\n') + '\n').join('\n');
}

// ---------------------------------------------------------------------------------------------
// DNs

/** Escapes an attribute value for use in a DN (RFC 4514 §2.4). UTF-8 stays as it is. */
export function escapeDnValue(value: string): string {
  let out = value.replace(/[\\,+"<>;]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** Splits a DN into its RDN strings at unescaped commas (escapes are kept). */
export function splitDn(dn: string): string[] {
  const rdns: string[] = [];
  let cur = '';
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i]!;
    if (c === '\\' && i + 1 < dn.length) {
      cur += c + dn[i + 1]!;
      i++;
    } else if (c === ',') {
      rdns.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim() || rdns.length) rdns.push(cur.trim());
  return rdns;
}

/** The parent DN ('' for a single RDN). */
export const parentDn = (dn: string): string => splitDn(dn).slice(1).join(',');

/** A DN in a form good enough to compare the DNs these helpers write (case-insensitive). */
export const dnKey = (dn: string): string =>
  splitDn(dn)
    .map((rdn) => {
      const eq = rdn.indexOf('=');
      return `${rdn.slice(0, eq).trim().toLowerCase()}=${rdn.slice(eq + 1).trim().toLowerCase()}`;
    })
    .join(',');

/** Attribute type and (unescaped) value of a DN's first RDN, e.g. ['uid', 'jdoe']. */
export function firstRdn(dn: string): [string, string] {
  const rdn = splitDn(dn)[0] ?? '';
  const eq = rdn.indexOf('=');
  if (eq < 0) throw new Error(`not a DN: ${dn}`);
  const raw = rdn.slice(eq + 1).trim();
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '\\' && i + 1 < raw.length) {
      bytes.push(...Buffer.from(raw[i + 1]!, 'utf8'));
      i++;
    } else bytes.push(...Buffer.from(c, 'utf8'));
  }
  const value = Buffer.from(bytes).toString('utf8');
  return [rdn.slice(0, eq).trim(), value];
}

// ---------------------------------------------------------------------------------------------
// Reading ldapsearch output

export interface ParsedEntry {
  dn: string;
  /** Attribute name (as the server wrote it) → values; base64 values decoded as UTF-8, `binary` ones as hex. */
  attributes: Record<string, string[]>;
}

/** Parses LDIF as ldapsearch prints it (content records; comments and `version:` skipped). */
export function parseLdif(text: string, options: { binary?: readonly string[] } = {}): ParsedEntry[] {
  const binary = new Set((options.binary ?? []).map((b) => b.toLowerCase()));
  const unfolded = text.replace(/\r?\n /g, '');
  const out: ParsedEntry[] = [];
  for (const block of unfolded.split(/\r?\n\s*\r?\n/)) {
    let entry: ParsedEntry | undefined;
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith('#') || /^version:/i.test(line)) continue;
      const m = /^([^:]+)(::?)\s?(.*)$/.exec(line);
      if (!m) continue;
      const [, name, sep, raw] = m as unknown as [string, string, string, string];
      const bytes = sep === '::' ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
      const value = binary.has(name.toLowerCase()) ? bytes.toString('hex') : bytes.toString('utf8');
      if (name.toLowerCase() === 'dn') {
        entry = { dn: value, attributes: {} };
        out.push(entry);
      } else if (entry) (entry.attributes[name] ??= []).push(value);
    }
  }
  return out;
}
