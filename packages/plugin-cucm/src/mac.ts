/**
 * MAC addresses as people write them, turned into the CUCM device name of a Cisco desk phone:
 * `SEP` + 12 uppercase hex digits. Pure.
 *
 * @example
 * normaliseMac('00:1a:2b:3c:4d:5e')   // 'SEP001A2B3C4D5E'
 * normaliseMac('001a.2b3c.4d5e')      // 'SEP001A2B3C4D5E'
 * normaliseMac('sep001a2b3c4d5e')     // 'SEP001A2B3C4D5E'
 */
import { CucmError } from './errors.js';

const HEX12 = /^[0-9A-F]{12}$/;

/** The 12 hex digits, or a sentence saying what is wrong with the input. */
export function parseMac(input: string): { ok: true; hex: string } | { ok: false; problem: string } {
  if (typeof input !== 'string' || !input.trim()) return { ok: false, problem: 'the MAC address is empty' };
  let s = input.trim().toUpperCase();
  if (s.startsWith('SEP')) s = s.slice(3);
  const separators = s.match(/[^0-9A-F]/g) ?? [];
  const unknown = separators.filter((c) => !':-. '.includes(c));
  if (unknown.length) {
    return { ok: false, problem: `"${input}" contains ${JSON.stringify(unknown[0])}, which is neither a hex digit (0-9, A-F) nor a separator (: - . or space)` };
  }
  const hex = s.replace(/[:\-. ]/g, '');
  if (hex.length !== 12) {
    return { ok: false, problem: `"${input}" has ${hex.length} hex digit${hex.length === 1 ? '' : 's'}; a MAC address has 12 (e.g. 00:1A:2B:3C:4D:5E or SEP001A2B3C4D5E)` };
  }
  if (separators.length) {
    // Separators must cut the digits into even groups: 00:1A:…, 001A.2B3C.…, 00-1A-…
    const groups = s.split(/[:\-. ]/);
    const sizes = new Set(groups.map((g) => g.length));
    const uniform = sizes.size === 1 && (groups.length === 6 || groups.length === 3 || groups.length === 2);
    if (!uniform) return { ok: false, problem: `"${input}" is not grouped like a MAC address (6 pairs like 00:1A:2B:3C:4D:5E, or 3 quads like 001A.2B3C.4D5E)` };
  }
  if (!HEX12.test(hex)) return { ok: false, problem: `"${input}" is not a MAC address` };
  return { ok: true, hex };
}

/** `SEP` + 12 uppercase hex digits; throws DIALBOOK_CUCM_INVALID_MAC with the reason. */
export function normaliseMac(input: string): string {
  const r = parseMac(input);
  if (!r.ok) throw new CucmError('DIALBOOK_CUCM_INVALID_MAC', `Invalid MAC address: ${r.problem}.`);
  return `SEP${r.hex}`;
}

/** `SEP001A2B3C4D5E` → `00:1A:2B:3C:4D:5E`; null for device names that are not `SEP` + MAC (CSF…, BOT…, ATA…). */
export function macOfDeviceName(name: string): string | null {
  const m = /^SEP([0-9A-F]{12})$/i.exec(name.trim());
  return m ? m[1]!.toUpperCase().match(/../g)!.join(':') : null;
}
