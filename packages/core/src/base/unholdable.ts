/**
 * Characters no field of Dialbook can hold, found in any input before it is validated or stored:
 * NUL and the other C0 controls except TAB, LF and CR; unpaired UTF-16 surrogates (which JSON's
 * `\ud800` escapes produce); and the non-characters U+FFFE and U+FFFF. PostgreSQL cannot store NUL
 * in text at all, XML 1.0 (the phone directories) allows none of them, and a surrogate half is not
 * text in any encoding.
 */

/** Controls (but TAB, LF, CR), the two non-characters and a surrogate half without its other half, as UTF-16 code units: the quick test. */
// eslint-disable-next-line no-control-regex -- these are the characters looked for
const BAD_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether `s` holds a character no field can hold (the quick test of {@link unholdableIn}). */
export const hasUnholdableCharacter = (s: string): boolean => BAD_CHARACTER.test(s);

/** The first character `s` cannot hold and what it is, or null when every character is fine. */
export function unholdableIn(s: string): { codePoint: number; what: string } | null {
  if (!hasUnholdableCharacter(s)) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d) return { codePoint: c, what: 'the control character' };
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return { codePoint: c, what: 'the unpaired surrogate' };
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return { codePoint: c, what: 'the unpaired surrogate' };
    } else if (c === 0xfffe || c === 0xffff) {
      return { codePoint: c, what: 'the non-character' };
    }
  }
  return null;
}

const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/** `must not contain the control character U+0000`, or null when `s` is fine. */
export function unholdableMessage(s: string): string | null {
  const bad = unholdableIn(s);
  return bad ? `must not contain ${bad.what} ${hex(bad.codePoint)}` : null;
}

/**
 * `s` with each character it cannot hold written as an escape: `%00` for a control character or
 * non-character (as it came in a URL), `\uD800` for a surrogate half. For logs and the audit log,
 * which must keep a refused request's path without storing what the database cannot hold.
 */
export function printable(s: string): string {
  if (!unholdableIn(s)) return s;
  let out = '';
  for (const ch of s) {
    // Code points: a pair stays whole, a surrogate half comes alone.
    if (!unholdableIn(ch)) out += ch;
    else out += ch.length === 1 && ch >= '\ud800' && ch <= '\udfff' ? `\\u${ch.charCodeAt(0).toString(16).toUpperCase()}` : encodeURIComponent(ch);
  }
  return out;
}

export interface UnholdableIssue {
  path: (string | number)[];
  message: string;
}

/** How deep a value may nest: no field of Dialbook comes close; deeper JSON is refused, not walked. */
export const MAX_DEPTH = 64;

/**
 * Every string (and object key) in `value` holding a character no field can hold, with its path
 * (`['phones', 0, 'number']`), at most `limit` of them; also a value nested deeper than {@link MAX_DEPTH}.
 * Walks iteratively, so hostile nesting cannot overflow the stack.
 */
export function findUnholdable(value: unknown, limit = 20): UnholdableIssue[] {
  // Nearly all input is fine: a walk that builds no paths says so; only then are the paths found.
  if (allHoldable(value)) return [];
  const issues: UnholdableIssue[] = [];
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  const seen = new Set<object>();
  while (stack.length && issues.length < limit) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const message = unholdableMessage(v);
      if (message) issues.push({ path, message });
      continue;
    }
    // Only what JSON makes: plain objects and arrays (not a Buffer, a Date, a class instance), each once.
    if (!v || typeof v !== 'object' || seen.has(v)) continue;
    const proto = Object.getPrototypeOf(v) as unknown;
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) continue;
    seen.add(v);
    if (path.length >= MAX_DEPTH) {
      issues.push({ path, message: `must not nest deeper than ${MAX_DEPTH} levels` });
      continue;
    }
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    const children: typeof stack = [];
    for (const [key, child] of entries) {
      const keyMessage = typeof key === 'string' ? unholdableMessage(key) : null;
      if (keyMessage) issues.push({ path: [...path, printable(key as string)], message: `the field name ${keyMessage}` });
      else children.push({ value: child, path: [...path, key] });
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return issues.slice(0, limit);
}

/** Whether every string and key in `value` is fine and it nests no deeper than {@link MAX_DEPTH}: {@link findUnholdable}'s walk without paths. */
function allHoldable(value: unknown): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  const seen = new Set<object>();
  while (values.length) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (typeof v === 'string') {
      if (hasUnholdableCharacter(v)) return false;
      continue;
    }
    if (!v || typeof v !== 'object' || seen.has(v)) continue;
    const proto = Object.getPrototypeOf(v) as unknown;
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) continue;
    seen.add(v);
    if (depth >= MAX_DEPTH) return false;
    if (Array.isArray(v)) {
      for (const child of v) {
        values.push(child);
        depths.push(depth + 1);
      }
    } else {
      for (const key in v) {
        if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
        if (hasUnholdableCharacter(key)) return false;
        values.push((v as Record<string, unknown>)[key]);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}
